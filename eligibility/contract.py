"""The JSON contract of an eligibility check, shared by the CLI and the API.

:func:`check_request` is the one entry point: it reads a JSON document, reports every
problem in it as ``path: message`` (``members[2].region: "RO99" is not a 2014-2020 NUTS 2
region of Romania``) or runs the check. Shape and types are declared once, in the pydantic
models below, which also give the API its OpenAPI description; what needs the database
(the call, the regions) and what spans several members (one coordinator, no organisation
twice) is checked afterwards, on the same document, so that every problem is reported at once.
"""
from dataclasses import dataclass
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal
import functools
import json
import re
from typing import Annotated, Any, Literal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language, gettext as _, ngettext
from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
)
from pydantic_core import ErrorDetails, PydanticCustomError

from calls import countries
from calls.models import Call, EccpStatus, OrganisationType, Region
from consortia.models import ECCP_URL_VALIDATOR

from .engine import Report, evaluate
from .facts import (
    CENT,
    CallParameters,
    ConsortiumFacts,
    MemberFacts,
    ProjectFacts,
    call_parameters,
)

MAX_MEMBERS = 1000
# An answer lists at most this many problems, then says how many more were left out: the
# cost of refusing a document stays small however many problems it holds.
MAX_REPORTED_PROBLEMS = 50
NUMBER = re.compile(r"\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*")


def written_as_text(value: Any, error_type: str) -> Any:
    """Dates and instants are written as text: pydantic would read a number, or a number
    in a string, as seconds since 1970 (20181101 as 23 August 1970)."""
    if value is None or (isinstance(value, str) and not NUMBER.fullmatch(value)):
        return value
    raise PydanticCustomError(error_type, "written as text")

Amount = Annotated[
    Decimal,
    Field(
        ge=0, max_digits=14, decimal_places=2, allow_inf_nan=False,
        description="Euros: a decimal string or a number, at most 2 decimals, not negative.",
        examples=["350000.00"],
    ),
]


class ProjectIn(BaseModel):
    """The project; every field may be left out until it is known."""

    model_config = ConfigDict(extra="forbid", title="Project")

    acronym: str | None = Field(None, max_length=40, examples=["TEXS3"])
    duration_months: StrictInt | None = Field(None, ge=1, le=32767, examples=[24])
    start_date: date | None = Field(None, examples=["2018-11-01"])
    total_eligible_costs: Amount | None = None
    requested_grant: Amount | None = None

    @field_validator("start_date", mode="before")
    @classmethod
    def start_date_is_written_as_text(cls, value: Any) -> Any:
        return written_as_text(value, "date_type")


class MemberIn(BaseModel):
    """One legal entity of the consortium."""

    model_config = ConfigDict(extra="forbid", title="Member")

    name: str = Field(min_length=1, max_length=200, examples=["Cluster Textil Nord-Est"])
    country: str | None = Field(
        None, examples=["RO"],
        description="ISO 3166-1 alpha-2 code, any case; EL (Greece), UK (United Kingdom) "
                    "and XK (Kosovo) are accepted.",
    )
    region: str | None = Field(
        None, examples=["RO21"],
        description="NUTS 2 code in the call's region classification (later codes that name "
                    "the same region are accepted). Leave it out for countries without "
                    "cohesion-policy regions.",
    )
    organisation_type: OrganisationType | None = None
    eccp_status: EccpStatus | None = None
    eccp_profile_url: str | None = Field(
        None, examples=["https://www.clustercollaboration.eu/content/example"],
        description="The https address of the member's profile on clustercollaboration.eu.",
    )
    role: Literal["coordinator", "partner"] = "partner"

    @field_validator("name")
    @classmethod
    def name_is_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError(_("must not be blank"))
        return value.strip()

    @field_validator("country")
    @classmethod
    def country_is_known(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = countries.iso_code(value)
        if code is None:
            raise ValueError(
                _("%(value)s is not a country code (ISO 3166-1 alpha-2; EL, UK and XK are "
                  "accepted)") % {"value": quoted(value)}
            )
        return code

    @field_validator("region")
    @classmethod
    def region_is_nuts2_shaped(cls, value: str | None) -> str | None:
        if value is None:
            return None
        code = value.strip().upper()
        if len(code) != 4 or not code[:2].isalpha() or not code.isalnum() or not code.isascii():
            raise ValueError(_("%(value)s is not a NUTS 2 code") % {"value": quoted(value)})
        return code

    @field_validator("eccp_profile_url")
    @classmethod
    def profile_is_on_the_platform(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not re.search(ECCP_URL_VALIDATOR.regex, value):
            raise ValueError(_("enter the https address of the profile on "
                               "clustercollaboration.eu"))
        return value


class CheckRequestIn(BaseModel):
    """A consortium to check against a call. Every field except ``call`` and ``members``
    may be left out; the rules that need it then report ``missing``."""

    model_config = ConfigDict(extra="forbid", title="EligibilityCheckRequest")

    call: str = Field(
        min_length=1, max_length=60, examples=["COS-CLUSTPARTNS-2017-3-02"],
        description="The call's reference (its alternative spelling is accepted).",
    )
    as_of: AwareDatetime | None = Field(
        None, examples=["2018-03-01T09:00:00+01:00"],
        description="The instant the check is made for, with its UTC offset; default: now.",
    )
    strand: str | None = Field(
        None, min_length=1, max_length=20, examples=["1"],
        description="The code of the call's strand the consortium applies to; required when "
                    "the call has strands, refused when it has none.",
    )
    project: ProjectIn | None = None
    members: list[MemberIn] = Field(min_length=1, max_length=MAX_MEMBERS)

    @field_validator("as_of", mode="before")
    @classmethod
    def as_of_is_written_as_text(cls, value: Any) -> Any:
        return written_as_text(value, "datetime_type")

    @field_validator("as_of")
    @classmethod
    def as_of_can_be_shown_in_any_time_zone(cls, value: datetime | None) -> datetime | None:
        # Near year 1 or 9999 a time zone conversion leaves the calendar.
        try:
            if value is not None and not 1 < value.astimezone(dt_timezone.utc).year < 9999:
                raise OverflowError
        except OverflowError:
            raise ValueError(_("out of range")) from None
        return value

    @field_validator("call")
    @classmethod
    def call_is_printable(cls, value: str) -> str:
        reference = printable_reference(value)
        if reference is None:
            raise ValueError(_("%(value)s is not a known call") % {"value": quoted(value)})
        return reference


class OutcomeOut(BaseModel):
    model_config = ConfigDict(title="Outcome")

    rule: str = Field(examples=["min_countries"])
    status: Literal["pass", "fail", "missing", "not_checked"]
    severity: Literal["blocking", "advisory"]
    actual: Any = Field(None, examples=[3])
    required: Any = Field(None, examples=[3])
    message: str
    reference: str = Field(examples=["Call text §6.2"])
    hint: str
    provisional: list[str] = Field(
        default_factory=list,
        description="The secondary sources the rule's values rest on; empty when official.",
    )


class ReportOut(BaseModel):
    model_config = ConfigDict(title="EligibilityReport")

    call: str = Field(examples=["COS-CLUSTPARTNS-2017-3-02"])
    verdict: Literal["eligible", "not_eligible", "incomplete"]
    submission_allowed: bool
    outcomes: list[OutcomeOut]


class ErrorsOut(BaseModel):
    model_config = ConfigDict(title="InvalidInput")

    errors: list[str] = Field(
        examples=[['members[2].region: "RO99" is not a 2014-2020 NUTS 2 region of Romania']]
    )


CHOICES = {
    "organisation_type": OrganisationType.values,
    "eccp_status": EccpStatus.values,
    "role": ["coordinator", "partner"],
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


@dataclass(frozen=True)
class CheckRequest:
    call: Call
    params: CallParameters
    facts: ConsortiumFacts
    as_of: datetime


def quoted(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def to_json(payload: dict) -> str:
    """The one serialisation of outputs and errors, so that the CLI and the API agree."""
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def check_request(body: bytes | str, *, now: datetime | None = None) -> Report:
    """Check the consortium described by the JSON ``body``; raise InvalidRequest if invalid."""
    request = parse_check_request(body, now=now)
    return evaluate(request.facts, request.params, as_of=request.as_of)


def parse_check_request(body: bytes | str, *, now: datetime | None = None) -> CheckRequest:
    """Read and validate a check request, reporting every problem at once."""
    document = read_json(body)
    members = document.get("members")
    if isinstance(members, list) and len(members) > MAX_MEMBERS:
        # Refused before validating each member: no document needs that many.
        raise InvalidRequest([str(Problem(
            ("members",), _("at most %(count)s items") % {"count": MAX_MEMBERS}
        ))])
    unknown = unknown_fields(document)
    if len(unknown) > MAX_REPORTED_PROBLEMS:
        # Refused before validation, which would word a problem for every one of them.
        message = pydantic_messages()["extra_forbidden"]
        raise InvalidRequest(reported(
            [Problem(location, message) for location in unknown[:MAX_REPORTED_PROBLEMS]],
            left_out=len(unknown) - MAX_REPORTED_PROBLEMS,
        ))
    problems: list[Problem] = []
    parsed = None
    try:
        parsed = CheckRequestIn.model_validate(document)
    except ValidationError as error:
        messages = pydantic_messages()
        problems.extend(
            Problem(tuple(item["loc"]), describe(item, messages))
            for item in error.errors(include_url=False)
        )
    failed = {problem.location for problem in problems}
    given_members = document.get("members")
    members = given_members if isinstance(given_members, list) else []

    call = None
    call_reference = document.get("call")
    if ("call",) not in failed and isinstance(call_reference, str):
        reference = printable_reference(call_reference)
        if reference is not None:
            call = Call.objects.by_reference(reference).first()
        if call is None:
            problems.append(Problem(
                ("call",), _("%(value)s is not a known call") % {"value": quoted(call_reference)}
            ))
    problems.extend(member_set_problems(members, failed))
    regions: dict[int, RegionFound] = {}
    if call is not None:
        params = call_parameters(call)
        region_problems, regions = region_lookup(params, members, failed)
        problems.extend(region_problems)
        if ("strand",) not in failed:
            problems.extend(strand_problems(params, document.get("strand")))
    if problems:
        raise InvalidRequest(reported(problems))
    # Without a problem, the request was read and names a known call.
    assert parsed is not None and call is not None

    project = parsed.project or ProjectIn()
    facts = ConsortiumFacts(
        project=ProjectFacts(
            acronym=project.acronym,
            strand=parsed.strand,
            duration_months=project.duration_months,
            start_date=project.start_date,
            total_eligible_costs=cents(project.total_eligible_costs),
            requested_grant=cents(project.requested_grant),
        ),
        members=tuple(
            member_facts(member, regions.get(index))
            for index, member in enumerate(parsed.members)
        ),
    )
    as_of = parsed.as_of or now or timezone.now()
    return CheckRequest(call=call, params=params, facts=facts, as_of=as_of)


def unknown_fields(document: dict) -> list[tuple]:
    """Where the document holds a key no part of the request declares, in document order.

    Set operations only, so that a document made of unknown keys costs little to refuse."""
    def unknown_in(value: Any, model: type[BaseModel], location: tuple) -> list[tuple]:
        if not isinstance(value, dict):
            return []
        extra = value.keys() - model.model_fields.keys()
        return [(*location, key) for key in value if key in extra] if extra else []

    found = unknown_in(document, CheckRequestIn, ())
    found += unknown_in(document.get("project"), ProjectIn, ("project",))
    members = document.get("members")
    for index, member in enumerate(members if isinstance(members, list) else []):
        found += unknown_in(member, MemberIn, ("members", index))
    return found


def strand_problems(params, strand) -> list:
    """A call with strands needs one of its strands; a call without strands takes none."""
    codes = params.strand_codes
    if not codes:
        if strand is None:
            return []
        return [Problem(("strand",), _("this call has no strands; leave \"strand\" out"))]
    if strand in codes:
        return []
    listed = ", ".join(codes)
    if strand is None:
        return [Problem(("strand",), _("this call has strands: give one of %(codes)s")
                        % {"codes": listed})]
    return [Problem(("strand",), _("%(value)s is not a strand of this call; give one of "
                                   "%(codes)s") % {"value": quoted(strand), "codes": listed})]


def printable_reference(value: str) -> str | None:
    """The reference without surrounding spaces, or None if it holds control characters."""
    reference = value.strip()
    return reference if reference.isprintable() else None


def read_json(body: bytes | str) -> dict:
    if isinstance(body, bytes):
        try:
            body = body.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InvalidRequest([_("body: not UTF-8 text")]) from error
    try:
        document = json.loads(body, parse_float=Decimal, parse_constant=reject_constant)
    except json.JSONDecodeError as error:
        raise InvalidRequest([
            _("body: malformed JSON at line %(line)d, column %(column)d: %(reason)s")
            % {"line": error.lineno, "column": error.colno, "reason": error.msg}
        ]) from error
    except (ValueError, RecursionError) as error:
        raise InvalidRequest([_("body: malformed JSON")]) from error
    if not isinstance(document, dict):
        raise InvalidRequest([_("body: expected a JSON object")])
    return document


def reject_constant(name: str):
    raise ValueError(name)


def cents(amount: Decimal | None) -> Decimal | None:
    return None if amount is None else amount.quantize(CENT)


def member_facts(member: MemberIn, region: "RegionFound | None") -> MemberFacts:
    return MemberFacts(
        name=member.name,
        country=member.country or (region.country if region else None),
        region=region.code if region else None,
        region_name=region.name if region else None,
        region_category=region.category if region else None,
        organisation_type=member.organisation_type.value if member.organisation_type else None,
        eccp_status=member.eccp_status.value if member.eccp_status else None,
        role=member.role,
    )


@dataclass(frozen=True)
class Problem:
    location: tuple
    message: str

    FIELD_ORDER = (
        "call", "as_of", "project", "members",
        "acronym", "duration_months", "start_date", "total_eligible_costs", "requested_grant",
        "name", "country", "region", "organisation_type", "eccp_status", "eccp_profile_url",
        "role",
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
        field = error["loc"][-1] if error["loc"] else ""
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


def member_set_problems(members: list, failed: set) -> list[Problem]:
    """At most one coordinator; no organisation twice (names compared case-insensitively)."""
    problems = []
    coordinator = None
    seen: dict[str, int] = {}
    for index, member in enumerate(members):
        if not isinstance(member, dict):
            continue
        role = member.get("role")
        if role == "coordinator" and ("members", index, "role") not in failed:
            if coordinator is None:
                coordinator = index
            else:
                problems.append(Problem(
                    ("members", index, "role"),
                    _("members[%(first)d] is already the coordinator; a consortium has one")
                    % {"first": coordinator},
                ))
        name = member.get("name")
        if isinstance(name, str) and name.strip() and ("members", index, "name") not in failed:
            key = " ".join(name.split()).casefold()
            if key in seen:
                problems.append(Problem(
                    ("members", index, "name"),
                    _("%(name)s is already members[%(first)d]")
                    % {"name": quoted(name.strip()), "first": seen[key]},
                ))
            else:
                seen[key] = index
    return problems


@dataclass(frozen=True)
class RegionFound:
    code: str
    name: str
    category: str
    country: str


def region_lookup(
    params: CallParameters, members: list, failed: set
) -> tuple[list[Problem], dict[int, RegionFound]]:
    """Find each member's region in the call's classification (aliases too), in one query."""
    wanted: dict[int, tuple[str, str | None]] = {}
    for index, member in enumerate(members):
        if not isinstance(member, dict) or ("members", index, "region") in failed:
            continue
        region = member.get("region")
        if not isinstance(region, str):
            continue
        country = None
        if ("members", index, "country") not in failed and isinstance(member.get("country"), str):
            country = countries.iso_code(member["country"])
        wanted[index] = (region.strip().upper(), country)
    if not wanted:
        return [], {}
    if params.classification_code is None:
        message = _("this call uses no region classification; leave the region out")
        return [Problem(("members", index, "region"), message) for index in wanted], {}
    codes = {code for code, _country in wanted.values()}
    rows = (
        Region.objects.filter(classification__code=params.classification_code)
        .filter(Q(code__in=codes) | Q(aliases__code__in=codes))
        .values_list("code", "name", "category", "country_id", "aliases__code")
    )
    by_code: dict[str, RegionFound] = {}
    for code, name, category, country, alias in rows:
        region = RegionFound(code=code, name=name, category=category, country=country)
        by_code[code] = region
        if alias:
            by_code.setdefault(alias, region)
    problems: list[Problem] = []
    found: dict[int, RegionFound] = {}
    for index, (code, country) in wanted.items():
        region = by_code.get(code)
        if region is not None and (country is None or region.country == country):
            found[index] = region
            continue
        context = {"code": quoted(code), "classification": params.classification_code}
        if country:
            message = _("%(code)s is not a %(classification)s NUTS 2 region of %(country)s") % {
                **context, "country": countries.country_name(country),
            }
            if country not in params.countries_with_regions:
                message += "; " + _("this classification has no regions there: leave the "
                                    "region out")
        else:
            message = _("%(code)s is not a %(classification)s NUTS 2 region") % context
        problems.append(Problem(("members", index, "region"), message))
    return problems, found
