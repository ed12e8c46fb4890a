"""Form fields that read what a person writes in the page's language: amounts and dates.

Every amount and every date a person types on the site goes through these two fields, so
that the site reads back what it writes. An amount in Romanian is ``350.000,00``, ``350 000``
or ``350000,5``; in English ``350,000.00`` or ``350000``. Whatever could be read two ways
(``1,5`` in English, ``350.000`` where a dot marks the cents) is refused with a message that
says how to write it: an amount is never silently misread.
"""
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.dates import MONTHS, MONTHS_ALT
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language, gettext as _, ngettext

from .text import reading_order

# Spaces people and word processors put between thousands: ordinary, no-break, figure,
# thin and narrow no-break.
GROUPING_SPACES = "\u0020\u00a0\u2007\u2009\u202f"
CURRENCY = r"(?:eur|euro|€)"
CURRENCY_AROUND = re.compile(rf"^\s*{CURRENCY}\s*|\s*{CURRENCY}\s*$", re.IGNORECASE)
MINUS_SIGNS = "-\u2212"
DIGITS = re.compile(r"[0-9]+")
AMOUNT_CHARACTERS = re.compile(r"[0-9., ]+")


@dataclass(frozen=True)
class NumberConvention:
    """How a language writes a number: what marks the decimals, what groups the thousands.

    Spaces group thousands in every language as well.
    """

    decimal: str
    grouping: str

    @classmethod
    def of(cls, language: str) -> "NumberConvention":
        """The convention the site writes numbers with in ``language`` (its format module)."""
        return cls(
            formats.get_format("DECIMAL_SEPARATOR", language),
            formats.get_format("THOUSAND_SEPARATOR", language),
        )

    def swapped(self) -> "NumberConvention":
        """The other habit: ``350.000,00`` where this one writes ``350,000.00``."""
        return NumberConvention(self.grouping, self.decimal)


class _Unreadable(Exception):
    """Why a number cannot be read under a convention: ``grouping`` or ``decimals``."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _read_number(body: str, convention: NumberConvention, decimal_places: int) -> Decimal:
    """The number ``body`` (digits, separators, single spaces) under ``convention``."""
    if body.count(convention.decimal) > 1:
        raise _Unreadable("grouping")
    whole, has_decimals, decimals = body.partition(convention.decimal)
    if has_decimals and not DIGITS.fullmatch(decimals):
        raise _Unreadable("grouping")
    groups = re.split(f"[{re.escape(convention.grouping)} ]", whole)
    separators = set(re.findall(f"[{re.escape(convention.grouping)} ]", whole))
    if len(groups) > 1 and (
        len(separators) > 1
        or not re.fullmatch(r"[1-9][0-9]{0,2}", groups[0])
        or not all(re.fullmatch(r"[0-9]{3}", group) for group in groups[1:])
    ):
        raise _Unreadable("grouping")
    digits = "".join(groups)
    if not (DIGITS.fullmatch(digits) or (digits == "" and has_decimals)):
        raise _Unreadable("grouping")
    if len(decimals) > decimal_places:
        raise _Unreadable("decimals")
    return Decimal(f"{digits or '0'}.{decimals}" if decimals else digits)


def written_amount(amount: Decimal | int, decimal_places: int | None = None) -> str:
    """``amount`` as the site writes it in the active language: grouped, cents only when
    there are any (``350.000`` and ``466.666,67`` in Romanian), as the ``euro`` filter does."""
    amount = Decimal(amount)
    if decimal_places is None:
        decimal_places = 0 if amount == amount.to_integral_value() else 2
    return formats.number_format(
        amount, decimal_pos=decimal_places, use_l10n=True, force_grouping=True
    )


def _how_to_write() -> str:
    return _(
        "Write a comma between the thousands and a dot before the cents, for example %(example)s."
    ) % {"example": written_amount(Decimal("350000.50"))}


def read_amount(text: str, decimal_places: int = 2) -> Decimal | None:
    """The amount ``text`` as a person of the active language writes it, or None if empty.

    Raises ``ValidationError`` (codes ``invalid``, ``unclear`` and ``max_decimal_places``)
    with a message saying how to write the amount in that language.
    """
    text = CURRENCY_AROUND.sub("", text.strip()).strip()
    if not text:
        return None
    negative = text[0] in MINUS_SIGNS
    body = text[1:].strip() if negative else text
    for space in GROUPING_SPACES:
        body = body.replace(space, " ")
    if not body or not AMOUNT_CHARACTERS.fullmatch(body):
        raise ValidationError(
            _("Enter an amount in euro, for example %(example)s.")
            % {"example": written_amount(Decimal("350000.50"))},
            code="invalid",
        )
    convention = NumberConvention.of(get_language() or "en")
    try:
        amount = _read_number(body, convention, decimal_places)
    except _Unreadable as unreadable:
        raise ValidationError(
            _unreadable_message(unreadable.reason, body, convention, decimal_places),
            code="max_decimal_places" if unreadable.reason == "decimals" else "unclear",
        ) from None
    return -amount if negative else amount


def _unreadable_message(
    reason: str, body: str, convention: NumberConvention, decimal_places: int
) -> str:
    """What is wrong, the amount as the other habit reads it (if it can), and how to write it."""
    sentences = []
    if reason == "decimals":
        sentences.append(ngettext(
            "An amount has at most %(places)d decimal place.",
            "An amount has at most %(places)d decimal places.",
            decimal_places,
        ) % {"places": decimal_places})
    try:
        other_reading = _read_number(body, convention.swapped(), decimal_places)
    except _Unreadable:
        pass
    else:
        # Written with as many decimals as were typed: 1,5 suggests 1.5, not 1.50.
        typed_decimals = (
            body.partition(convention.grouping)[2] if convention.grouping in body else ""
        )
        sentences.append(_("Did you mean %(amount)s?") % {
            "amount": written_amount(other_reading, len(typed_decimals) or None)
        })
    sentences.append(_how_to_write())
    return " ".join(sentences)


class AmountField(forms.DecimalField):
    """An amount in euro, typed as people of the page's language write it.

    Shows a stored amount as the site writes it in that language, so that a saved form
    reads back its own output; what a person typed is shown back as typed.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        places = self.decimal_places if self.decimal_places is not None else 2
        return read_amount(str(value), places)

    def prepare_value(self, value):
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return written_amount(value)
        return value


# Dates: what the browser's date picker sends (ISO), and what a person types, day first in
# both languages, with the format each language names.

@dataclass(frozen=True)
class DateConvention:
    pattern: str  # strftime
    name: str     # as a person of that language reads it
    example: date = date(2018, 11, 1)


DATE_CONVENTIONS = {
    "en": DateConvention("%d/%m/%Y", "dd/mm/yyyy"),
    "ro": DateConvention("%d.%m.%Y", "zz.ll.aaaa"),
}
ISO_DATE = "%Y-%m-%d"
DAY_FIRST = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})")
DAY_MONTH_NAME_YEAR = re.compile(r"(\d{1,2})\.?\s+([^\W\d_]+)\.?,?\s+(\d{4})")


def date_convention() -> DateConvention:
    """How the active language writes a date in a form."""
    language = (get_language() or "en").split("-")[0]
    return DATE_CONVENTIONS.get(language, DATE_CONVENTIONS["en"])


def _month_numbers() -> dict[str, int]:
    """Month names of the active language (and English), as typed without accents."""
    numbers = {}
    for names in (MONTHS, MONTHS_ALT):
        for number, name in names.items():
            numbers[reading_order(str(name))] = number
            numbers[reading_order(str(name))[:3]] = number
    for number in range(1, 13):
        english = date(2000, number, 1).strftime("%B")
        numbers.setdefault(english.casefold(), number)
        numbers.setdefault(english.casefold()[:3], number)
    return numbers


def read_date(text: str) -> date | None:
    """The date ``text``: ISO (``2018-11-01``, what a date picker sends), day first with dots,
    slashes or dashes (``01.11.2018``, ``1/11/2018``), or written out (``1 noiembrie 2018``).
    None if empty; ``ValidationError`` naming the format of the active language otherwise."""
    text = " ".join(text.split())
    if not text:
        return None
    day = month = year = None
    if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
        year, month, day = (int(part) for part in match.groups())
    elif match := DAY_FIRST.fullmatch(text):
        day, month, year = (int(part) for part in match.groups())
    elif match := DAY_MONTH_NAME_YEAR.fullmatch(text):
        month = _month_numbers().get(reading_order(match[2]))
        day, year = int(match[1]), int(match[3])
    try:
        if day is None or month is None or year is None:
            raise ValueError(text)
        return date(year, month, day)
    except ValueError:
        convention = date_convention()
        raise ValidationError(
            _("Enter a valid date as %(format)s, for example %(example)s.") % {
                "format": convention.name,
                "example": convention.example.strftime(convention.pattern),
            },
            code="invalid",
        ) from None


def _date_hint() -> str:
    convention = date_convention()
    return _("Write it as %(format)s, for example %(example)s.") % {
        "format": convention.name, "example": convention.example.strftime(convention.pattern),
    }


date_hint = lazy(_date_hint, str)


class LocalDateInput(forms.TextInput):
    """A text input showing a date as the active language writes it, with that format as
    its placeholder (``zz.ll.aaaa`` in Romanian)."""

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, date) and not isinstance(value, datetime):
            return value.strftime(date_convention().pattern)
        return super().format_value(value)

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"].setdefault("placeholder", date_convention().name)
        return context


class LocalDateField(forms.DateField):
    """A date typed as the page's language writes it, or as a date picker sends it.

    Its help text ends by naming the format (``Write it as zz.ll.aaaa, for example
    01.11.2018.``).
    """

    widget = LocalDateInput

    def __init__(self, *, help_text="", **kwargs):
        hint = date_hint()
        help_text = format_lazy("{} {}", help_text, hint) if help_text else hint
        super().__init__(help_text=help_text, **kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, date):
            return value
        return read_date(str(value))
