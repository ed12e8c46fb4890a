"""Where a page shows Django's messages: at the top of the page (base.html), or, for a
message added with ``extra_tags=IN_PAGE``, beside what it is about, placed by the page."""
from django import template

register = template.Library()

IN_PAGE = "in-page"


def _placed_in_page(message) -> bool:
    return IN_PAGE in (message.extra_tags or "").split()


@register.filter
def top_of_page(messages) -> list:
    """``{% with shown=messages|top_of_page %}``: every message but those placed in the page."""
    return [message for message in messages if not _placed_in_page(message)]


@register.filter
def in_page(messages) -> list:
    """The messages the page places itself, beside what they are about."""
    return [message for message in messages if _placed_in_page(message)]
