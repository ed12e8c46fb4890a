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


def in_language(text: object, language: str | None) -> SafeString:
    """``text`` in a ``<span lang>`` when ``language`` is not the page's, escaped."""
    page_language = (get_language() or "").split("-")[0]
    if text in (None, "") or not language or language.split("-")[0] == page_language:
        shown = "" if text is None else text if isinstance(text, str) else str(text)
        return conditional_escape(shown)
    return format_html('<span lang="{}">{}</span>', language, text)


@register.filter
def call_text(text: object) -> SafeString:
    """``{{ call.title|call_text }}``: a text of the call, marked as English on other pages."""
    return in_language(text, CALL_TEXT_LANGUAGE)


@register.filter
def region_name(name: object, country: str | None) -> SafeString:
    """``{{ member.region_name|region_name:member.country }}``: a region's name, marked with
    the language its country names regions in."""
    return in_language(name, region_name_language(country))
