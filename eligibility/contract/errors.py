"""How a refused check request is worded: each problem as ``path: message``, in document
order, capped at :data:`MAX_REPORTED_PROBLEMS`; pydantic's errors in our (translatable) words."""
from dataclasses import dataclass
import functools
import json
from typing import Any

from django.utils.translation import get_language, gettext as _, ngettext
from pydantic_core import ErrorDetails

from calls.models import Declaration, EccpStatus, MemberRole, OrganisationType

# An answer lists at most this many problems, then says how many more were left out: the
# cost of refusing a document stays small however many problems it holds.
MAX_REPORTED_PROBLEMS = 50

CHOICES = {
    "organisation_type": OrganisationType.values,
    "eccp_status": EccpStatus.values,
    "role": [*MemberRole.values, "partner"],
    "declarations": Declaration.values,
}


class InvalidRequest(Exception):
    """The input is not a check request; ``errors`` lists its problems as ``path: message``
    (the first :data:`MAX_REPORTED_PROBLEMS`, then one line saying how many more there are)."""

    def __init__(self, errors: list[str]):
        super().__init__("; ".join(errors))
        self.errors = errors


def reported(problems: list["Problem"], left_out: int = 0) -> list[str]:
    """The problems in document order, capped, and how many more were ``left_out``."""
    problems.sort(key=Problem.sort_key)
    shown = [str(problem) for problem in problems[:MAX_REPORTED_PROBLEMS]]
    left_out += len(problems) - len(shown)
    if left_out:
        shown.append(ngettext(
            "body: %(count)d more problem not listed; correct those above and send it again",
            "body: %(count)d more problems not listed; correct those above and send it again",
            left_out,
        ) % {"count": left_out})
    return shown


def quoted(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


@dataclass(frozen=True)
class Problem:
    location: tuple
    message: str

    FIELD_ORDER = (
        "call", "as_of", "project", "members",
        "acronym", "duration_months", "start_date", "total_eligible_costs", "requested_grant",
        "costs", "fstp", "other",
        "name", "country", "region", "organisation_type", "eccp_status", "eccp_profile_url",
        "role", "declarations",
    )

    def __str__(self) -> str:
        return f"{path_of(self.location)}: {self.message}"

    def sort_key(self) -> tuple:
        return tuple(
            (0, part, "") if isinstance(part, int)
            else (1, FIELD_RANKS.get(part, len(FIELD_RANKS)), str(part))
            for part in self.location
        )


FIELD_RANKS = {name: rank for rank, name in enumerate(Problem.FIELD_ORDER)}


def path_of(location: tuple) -> str:
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += f".{part}" if path else str(part)
    return path or "body"


@functools.lru_cache(maxsize=8)
def _pydantic_messages(language: str) -> dict[str, str]:
    return {
        "missing": _("this field is required"),
        "extra_forbidden": _("unknown field"),
        "string_type": _("must be a string"),
        "string_too_short": _("must not be empty"),
        "int_type": _("must be a whole number"),
        "int_parsing": _("must be a whole number"),
        "int_from_float": _("must be a whole number"),
        "bool_type": _("must be true or false"),
        "decimal_type": _('must be an amount: a decimal string or a number, e.g. "350000.00"'),
        "decimal_parsing": _('must be an amount: a decimal string or a number, e.g. "350000.00"'),
        "finite_number": _('must be an amount: a decimal string or a number, e.g. "350000.00"'),
        "decimal_max_places": _("at most 2 decimals"),
        "decimal_max_digits": _("too large"),
        "decimal_whole_digits": _("too large"),
        "date_type": _("must be a date written YYYY-MM-DD"),
        "date_parsing": _("must be a date written YYYY-MM-DD"),
        "date_from_datetime_parsing": _("must be a date written YYYY-MM-DD"),
        "date_from_datetime_inexact": _("must be a date written YYYY-MM-DD"),
        "datetime_type": _("must be a date and time with its UTC offset, "
                           "e.g. 2018-03-01T09:00:00+01:00"),
        "datetime_parsing": _("must be a date and time with its UTC offset, "
                              "e.g. 2018-03-01T09:00:00+01:00"),
        "datetime_from_date_parsing": _("must be a date and time with its UTC offset, "
                                        "e.g. 2018-03-01T09:00:00+01:00"),
        "timezone_aware": _("give the UTC offset, e.g. 2018-03-01T09:00:00+01:00"),
        "list_type": _("must be a list"),
        "model_type": _("must be an object"),
        "model_attributes_type": _("must be an object"),
        "dict_type": _("must be an object"),
    }


def pydantic_messages() -> dict[str, str]:
    """Our wording of each kind of pydantic error that needs no value, in the active
    language: worded once per language, not once per error."""
    return _pydantic_messages(get_language() or "en")


def describe(error: ErrorDetails, messages: dict[str, str] | None = None) -> str:
    """A pydantic error in our words (translatable), naming the value where it helps.

    ``messages`` is :func:`pydantic_messages` of the active language, worded once for all
    the errors of a document."""
    kind = error["type"]
    context = error.get("ctx") or {}
    value = error.get("input")
    if kind == "value_error":
        return str(context.get("error", error["msg"]))
    messages = pydantic_messages() if messages is None else messages
    if kind in messages:
        return messages[kind]
    if kind in ("enum", "literal_error"):
        # The field named, also for an item of a list (members[0].declarations[1]).
        field = next((part for part in reversed(error["loc"]) if isinstance(part, str)), "")
        allowed = CHOICES.get(str(field))
        return _("%(value)s is not one of: %(allowed)s") % {
            "value": quoted(value),
            "allowed": ", ".join(allowed) if allowed else context.get("expected", ""),
        }
    if kind in ("greater_than_equal", "greater_than"):
        return _("must be at least %(minimum)s") % {
            "minimum": context.get("ge", context.get("gt"))
        }
    if kind in ("less_than_equal", "less_than"):
        return _("must be at most %(maximum)s") % {
            "maximum": context.get("le", context.get("lt"))
        }
    if kind == "string_too_long":
        return _("at most %(count)s characters") % {"count": context.get("max_length")}
    if kind == "too_short" and error["loc"] == ("members",):
        return _("give at least one member")
    if kind == "too_short":
        return _("give at least %(count)s") % {"count": context.get("min_length")}
    if kind == "too_long":
        return _("at most %(count)s items") % {"count": context.get("max_length")}
    return error["msg"]
