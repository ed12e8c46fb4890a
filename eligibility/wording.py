"""Translated wording for the rules' messages, fast enough to run on every check.

A check builds a dozen sentences. Django's ``gettext`` looks the active language up on every
call, which costs more than a whole rule; the engine therefore fixes the language once per
check (:func:`language_fixed`) and the helpers here look each translation up once per
language and message, then reuse it. Catalogues do not change while the process runs.
"""
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache, wraps
from typing import Callable, Iterable, Iterator, TypeVar

from django.utils import formats, translation
from django.utils.translation import gettext_noop

from calls.countries import country_name as _country_name
from config import text

_fixed_language: ContextVar[str | None] = ContextVar("eligibility_language", default=None)


@contextmanager
def language_fixed() -> Iterator[str]:
    """Use the active language for every message built inside the block."""
    language = translation.get_language() or "en"
    token = _fixed_language.set(language)
    try:
        yield language
    finally:
        _fixed_language.reset(token)


def current_language() -> str:
    return _fixed_language.get() or translation.get_language() or "en"


@lru_cache(maxsize=4096)
def _translated(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


@lru_cache(maxsize=8192)
def _translated_plural(language: str, singular: str, plural: str, count: int) -> str:
    with translation.override(language):
        return translation.ngettext(singular, plural, count)


def gettext(message: str) -> str:
    return _translated(_fixed_language.get() or current_language(), message)


def ngettext(singular: str, plural: str, count: int) -> str:
    language = _fixed_language.get() or current_language()
    return _translated_plural(language, singular, plural, count)


_ = gettext

Wording = TypeVar("Wording")


def per_call(method: Callable[..., Wording]) -> Callable[..., Wording]:
    """Cache a rule's wording that depends only on the call, once per call and language.

    ``method(self, params)`` must read nothing but ``params`` (compared by identity) and the
    active language; what it returns is shared by every check, so it must not be changed.
    """
    cached = lru_cache(maxsize=256)(lambda rule, params, language: method(rule, params))

    @wraps(method)
    def wrapper(rule, params):
        return cached(rule, params, current_language())

    return wrapper


def amount_text(amount: Decimal, decimals: int = 2) -> str:
    """``amount`` with grouped thousands and the separators of the check's language."""
    return text.amount_text(amount, decimals, language=current_language())


def money(amount: Decimal) -> str:
    """``EUR 350,000.00``: the rules always write the cents."""
    return text.money_text(amount, language=current_language())


def percent(fraction: Decimal) -> str:
    """0.75 as "75 %", 0.7501 as "75.01 %"."""
    value = fraction * 100
    decimals = 0 if value == value.to_integral_value() else 2
    return amount_text(value, decimals) + " %"


@lru_cache(maxsize=512)
def _day(day: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def day_text(day: date) -> str:
    return _day(day, current_language())


def instant_text(instant: datetime, zone_name: str, tzinfo, *, seconds: bool = False) -> str:
    """The instant in the given time zone, e.g. "8 March 2018 17:00 (Europe/Brussels)"."""
    local = instant.astimezone(tzinfo)
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    return f"{day_text(local.date())} {clock} ({zone_name})"


def country_name(code: str) -> str:
    return _country_name(code, current_language())


def country_list(codes: Iterable[str]) -> str:
    return ", ".join(country_name(code) for code in codes) or gettext("none")


@lru_cache(maxsize=256)
def _choice_labels(language: str, choices, values: frozenset) -> tuple[str, ...]:
    with translation.override(language):
        return tuple(str(choice.label) for choice in choices if choice.value in values)


def choice_labels(choices, values: Iterable[str]) -> tuple[str, ...]:
    """Translated labels of ``values`` in the order ``choices`` declares them."""
    return _choice_labels(current_language(), choices, frozenset(values))


def choice_label(choices, value: str) -> str:
    labels = _choice_labels(current_language(), choices, frozenset((value,)))
    return labels[0] if labels else value


def _joined(words: Iterable[str], conjunction: str) -> str:
    words = list(words)
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])} {gettext(conjunction)} {words[-1]}"


def either(words: Iterable[str]) -> str:
    """"a, b or c" in the active language."""
    return _joined(words, gettext_noop("or"))


def both(words: Iterable[str]) -> str:
    """"a, b and c" in the active language."""
    return _joined(words, gettext_noop("and"))


@lru_cache(maxsize=256)
def ordered_values(choices, values: frozenset) -> tuple[str, ...]:
    """``values`` in the order ``choices`` declares them."""
    return tuple(value for value in choices.values if value in values)
