"""Links to pages that may not be installed yet, so that a template never breaks on them."""
from django import template
from django.urls import NoReverseMatch, reverse

register = template.Library()


@register.simple_tag
def url_if_exists(view_name: str, *args, **kwargs) -> str:
    """Like ``{% url %}``, but the empty string when ``view_name`` does not resolve.

    Use it with ``as`` and test the result: ``{% url_if_exists "reviews:queue" as queue_url %}``.
    """
    try:
        return reverse(view_name, args=args, kwargs=kwargs)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def is_current_section(context, namespace: str) -> bool:
    """True when the page being shown belongs to the URL namespace ``namespace``."""
    match = getattr(context.get("request"), "resolver_match", None)
    return match is not None and match.namespace == namespace
