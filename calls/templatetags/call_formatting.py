"""How the call pages write money, rates and instants, in the active language."""
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal
import zoneinfo

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _, gettext_lazy

from config.text import money_text

register = template.Library()

# Time zones named in words the reader knows; any other zone is shown by its IANA name.
ZONE_NAMES = {
    "Europe/Brussels": gettext_lazy("Brussels time"),
}


def _localized_number(value: Decimal, decimal_places: int) -> str:
    return number_format(value, decimal_pos=decimal_places, use_l10n=True, force_grouping=True)


def _is_whole(value: Decimal) -> bool:
    return value == value.to_integral_value()


@register.filter
def euro(amount: Decimal | int | None) -> str:
    """``EUR 2,800,000`` (English) or ``EUR 2.800.000`` (Romanian); cents only when present."""
    if amount is None or amount == "":
        return ""
    return money_text(Decimal(amount), cents=False)


@register.filter
def percent(fraction: Decimal | None) -> str:
    """A rate stored as a fraction, as a percentage: 0.75 becomes ``75 %``."""
    if fraction is None or fraction == "":
        return ""
    rate = (Decimal(fraction) * 100).normalize()
    decimal_places = 0 if _is_whole(rate) else -int(rate.as_tuple().exponent)
    return _("%(rate)s %%") % {"rate": _localized_number(rate, decimal_places)}


@register.filter
def zone_name(zone: str) -> str:
    """The time zone ``zone`` in words, e.g. "Brussels time" for Europe/Brussels."""
    return str(ZONE_NAMES.get(zone, zone))


@register.inclusion_tag("calls/_deadline.html")
def call_deadline(call) -> dict:
    """The call's deadline as :func:`instant` shows it, or only its day when the hour is not
    known."""
    if call.deadline_hour_known:
        return {"hour_known": True, **instant(call.deadline, call.deadline_timezone)}
    return {"hour_known": False, "day": call.deadline_local.date()}


@register.inclusion_tag("calls/_instant.html")
def instant(moment: datetime | None, zone: str = "Europe/Brussels") -> dict:
    """An instant in the zone it was announced in, and (by script) in the reader's own zone.

    Without JavaScript the second line shows the instant in UTC; ``static/js/localtime.js``
    rewrites every ``<time data-localtime>`` in the browser's time zone.
    """
    if moment is None:
        return {"moment": None}
    in_zone = moment.astimezone(zoneinfo.ZoneInfo(zone))
    return {
        "moment": moment,
        "zone": zone,
        "zone_iso": in_zone.isoformat(),
        "zone_abbreviation": in_zone.tzname(),
        "utc_iso": moment.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
