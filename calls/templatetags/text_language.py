"""Text shown in another language than the page's, marked with its own (WCAG 3.1.2), so that
a screen reader pronounces it in that language: call texts, loaded in English as the EU
publishes them, and region names, in their country's language."""
from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language

from calls.countries import region_name_language

register = template.Library()

# Calls are loaded as the EU publishes them (fixtures/calls/*.json): titles, references,
# notes and outputs are in English whatever the language of the page.
CALL_TEXT_LANGUAGE = "en"


def _page_language() -> str:
    return (get_language() or "").split("-")[0]


def in_language(text: object, language: str | None) -> SafeString:
    """``text`` in a ``<span lang>`` when ``language`` is not the page's, escaped."""
    if text in (None, "") or not language or language.split("-")[0] == _page_language():
        shown = "" if text is None else text if isinstance(text, str) else str(text)
        return conditional_escape(shown)
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def call_text(text: object, text_ro: object = None) -> SafeString:
    """``{{ call.title|call_text:call.title_ro }}``: a text of the call. On Romanian pages its
    Romanian version when the call has one; else the English text, marked as English on
    pages in another language."""
    if text_ro and _page_language() == "ro":
        return conditional_escape(str(text_ro))
    return in_language(text, CALL_TEXT_LANGUAGE)


@register.filter
def call_text_in(text: object, language: object = None) -> SafeString:
    """``{{ outcome.reference|call_text_in:outcome.reference_language }}``: a text of the call
    already chosen for the page, marked with the language it is in (English if not said)."""
    return in_language(text, str(language or CALL_TEXT_LANGUAGE))


@register.filter
def region_name(name: object, country: str | None) -> SafeString:
    """``{{ member.region_name|region_name:member.country }}``: a region's name, marked with
    the language its country names regions in."""
    return in_language(name, region_name_language(country))
