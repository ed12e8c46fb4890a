"""Where the reader is in the site, for the navigation links."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def is_current_section(context, namespace: str) -> bool:
    """True when the page being shown belongs to the URL namespace ``namespace``."""
    match = getattr(context.get("request"), "resolver_match", None)
    return match is not None and match.namespace == namespace
