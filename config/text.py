"""How the site orders names and writes amounts of money, in the active language (or the one
given): one definition each, for the pages, the forms and the rules' messages."""
from decimal import Decimal
from functools import lru_cache
import unicodedata

from django.utils import formats, translation


def reading_order(text: str) -> str:
    """The key that orders names as a reader expects: Ț with T, É with E, case ignored."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


@lru_cache(maxsize=16)
def _number_separators(language: str) -> tuple[str, str]:
    return (
        formats.get_format("DECIMAL_SEPARATOR", language),
        formats.get_format("THOUSAND_SEPARATOR", language),
    )


def amount_text(amount: Decimal, decimals: int = 2, *, language: str | None = None) -> str:
    """``amount`` with ``decimals`` decimals, grouped thousands and the separators of
    ``language`` (default: the active one). Fast: a rule's message writes several."""
    language = language or translation.get_language() or "en"
    decimal_separator, thousand_separator = _number_separators(language)
    text = f"{amount:,.{decimals}f}"
    if (decimal_separator, thousand_separator) == (".", ","):
        return text
    grouped = text.replace(",", "\0").replace(".", decimal_separator)
    return grouped.replace("\0", thousand_separator)


def money_text(amount: Decimal, *, cents: bool = True, language: str | None = None) -> str:
    """``EUR 350,000.00`` (English) or ``EUR 350.000,00`` (Romanian). Without ``cents``, a
    whole amount is written without them (``EUR 350,000``); other amounts keep them."""
    decimals = 2 if cents or amount != amount.to_integral_value() else 0
    return "EUR " + amount_text(amount, decimals, language=language)
