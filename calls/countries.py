"""Country codes and names: the one place that maps between ISO 3166-1 and NUTS prefixes.

Stored codes are ISO 3166-1 alpha-2. NUTS (and EU style) writes Greece as ``EL`` and the
United Kingdom as ``UK``; Kosovo has no ISO entry and the EU uses ``XK``. Names come from
pycountry, translated with its own catalogues; Kosovo's name comes from ours.
"""
from functools import lru_cache
import gettext

from django.utils.translation import get_language, gettext as _, gettext_noop
import pycountry

NUTS_PREFIX_BY_ISO = {"GR": "EL", "GB": "UK"}
ISO_BY_NUTS_PREFIX = {nuts: iso for iso, nuts in NUTS_PREFIX_BY_ISO.items()}
KOSOVO = "XK"
KOSOVO_FOOTNOTE = gettext_noop(
    "*This designation is without prejudice to positions on status, and is in line with "
    "UNSCR 1244/1999 and the ICJ Opinion on the Kosovo declaration of independence."
)


def iso_code(code: str) -> str | None:
    """Return the ISO alpha-2 code for ``code`` (any case; EL, UK and XK accepted), or None."""
    if not isinstance(code, str):
        return None
    code = code.strip().upper()
    code = ISO_BY_NUTS_PREFIX.get(code, code)
    if code == KOSOVO or code in _english_names():
        return code
    return None


def nuts_prefix(iso: str) -> str:
    """The two letters NUTS codes of this country start with."""
    return NUTS_PREFIX_BY_ISO.get(iso, iso)


@lru_cache(maxsize=1)
def _english_names() -> dict[str, str]:
    return {
        country.alpha_2: getattr(country, "common_name", country.name)
        for country in pycountry.countries
    }


@lru_cache(maxsize=8)
def _translation(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


def english_name(iso: str) -> str:
    if iso == KOSOVO:
        return "Kosovo*"
    return _english_names()[iso]


@lru_cache(maxsize=2048)
def _localized_name(iso: str, language: str) -> str:
    if iso == KOSOVO:
        return english_name(iso)
    return _translation(language).gettext(english_name(iso))


def country_name(iso: str, language: str | None = None) -> str:
    """The country's name in ``language`` (default: the active language)."""
    if iso == KOSOVO:
        # Kosovo is not in pycountry's catalogues; its name is in ours.
        return _("Kosovo*")
    return _localized_name(iso, (language or get_language() or "en").split("-")[0])


# The language NUTS writes a country's region names in (BCP 47), for the lang attribute of
# those names on pages in another language (WCAG 3.1.2). Left out: countries whose region
# names mix languages (Belgium: French, Dutch and German in one name), and countries without
# regions in the classifications we hold.
REGION_NAME_LANGUAGES = {
    "AT": "de", "BG": "bg", "CY": "el", "CZ": "cs", "DE": "de", "DK": "da", "EE": "et",
    "ES": "es", "FI": "fi", "FR": "fr", "GB": "en", "GR": "el", "HR": "hr", "HU": "hu",
    "IE": "en", "IT": "it", "LT": "lt", "LU": "fr", "LV": "lv", "MT": "mt", "NL": "nl",
    "PL": "pl", "PT": "pt", "RO": "ro", "SE": "sv", "SI": "sl", "SK": "sk",
}


def region_name_language(iso: str | None) -> str | None:
    """The language the regions of country ``iso`` are named in, or None if not one."""
    return REGION_NAME_LANGUAGES.get(iso_code(iso) or "") if iso else None
