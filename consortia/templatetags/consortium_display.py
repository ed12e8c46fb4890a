"""How consortium pages name verdicts, statuses, rules and choices, and show time left."""
from datetime import datetime, timedelta, timezone as dt_timezone

from django import template
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from calls.countries import country_name
from calls.models import Call, EccpStatus, OrganisationType, RegionCategory
from eligibility.rules import rule_title

register = template.Library()

VERDICT_LABELS = {
    "eligible": _("Eligible"),
    "not_eligible": _("Not eligible"),
    "incomplete": _("Incomplete"),
}
VERDICT_STYLES = {"eligible": "success", "not_eligible": "danger", "incomplete": "warning"}
STATUS_LABELS = {
    "pass": _("Pass"), "fail": _("Fail"), "missing": _("Missing"),
    "not_checked": _("Not checked"),
}


@register.filter
def verdict_label(verdict) -> str:
    return str(VERDICT_LABELS.get(str(verdict), verdict))


@register.filter
def verdict_style(verdict) -> str:
    """The Bootstrap colour of a verdict; the verdict is always written out as well."""
    return VERDICT_STYLES.get(str(verdict), "secondary")


@register.filter
def outcome_status_label(status) -> str:
    return str(STATUS_LABELS.get(str(status), status))


@register.filter
def rule_label(code: str) -> str:
    return rule_title(code)


@register.filter
def country_label(code: str | None) -> str:
    return country_name(code) if code else ""


@register.filter
def organisation_type_label(value: str | None) -> str:
    return str(OrganisationType(value).label) if value in OrganisationType.values else ""


@register.filter
def eccp_status_label(value: str | None) -> str:
    return str(EccpStatus(value).label) if value in EccpStatus.values else ""


@register.filter
def region_category_label(value: str | None) -> str:
    return str(RegionCategory(value).label) if value in RegionCategory.values else ""


def time_left(deadline: datetime, now: datetime) -> dict | None:
    """Whole days, hours and minutes from ``now`` to ``deadline``; None once it has passed."""
    remaining = deadline - now
    if remaining <= timedelta(0):
        return None
    minutes = int(remaining.total_seconds() // 60)
    return {"days": minutes // 1440, "hours": minutes % 1440 // 60, "minutes": minutes % 60}


@register.inclusion_tag("consortia/_countdown.html")
def countdown(call: Call, now: datetime | None = None) -> dict:
    """Time left until the call's deadline, worked out here and kept current by
    ``static/js/countdown.js`` when scripts run."""
    now = now or timezone.now()
    return {
        "call": call,
        "left": time_left(call.deadline, now),
        "deadline_utc": call.deadline.astimezone(dt_timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
