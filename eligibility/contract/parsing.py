"""Reading a check request: JSON text in, facts for the engine out, or every problem at
once."""
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
import json
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import BaseModel, ValidationError

from calls.models import Call
from eligibility.engine import Report, evaluate
from eligibility.facts import (
    BENEFICIARY,
    CENT,
    CallParameters,
    ConsortiumFacts,
    MemberFacts,
    ProjectFacts,
    call_parameters,
    cost_categories,
)

from .errors import (
    MAX_REPORTED_PROBLEMS,
    InvalidRequest,
    Problem,
    describe,
    pydantic_messages,
    quoted,
    reported,
)
from .members import member_set_problems
from .regions import RegionFound, region_lookup
from .schemas import (
    MAX_MEMBERS,
    CheckRequestIn,
    CostsIn,
    MemberIn,
    ProjectIn,
    printable_reference,
)


@dataclass(frozen=True)
class CheckRequest:
    call: Call
    params: CallParameters
    facts: ConsortiumFacts
    as_of: datetime


def to_json(payload: dict) -> str:
    """The one serialisation of outputs and errors, so that the CLI and the API agree."""
    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"


def check_request(
    body: bytes | str, *, now: datetime | None = None, call: Call | None = None
) -> Report:
    """Check the consortium described by the JSON ``body``; raise InvalidRequest if invalid.

    With ``call``, the consortium is checked against that call, whatever ``body`` names."""
    request = parse_check_request(body, now=now, call=call)
    return evaluate(request.facts, request.params, as_of=request.as_of)


def parse_check_request(
    body: bytes | str, *, now: datetime | None = None, call: Call | None = None
) -> CheckRequest:
    """Read and validate a check request, reporting every problem at once; with ``call``,
    for that call whatever the request names."""
    document = read_json(body)
    if call is not None:
        document["call"] = call.reference
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
            # Only what finds the call's cached parameters (see eligibility.cache): they carry
            # everything else the check reads.
            call = Call.objects.by_reference(reference).only("reference", "version").first()
        if call is None:
            problems.append(Problem(
                ("call",), _("%(value)s is not a known call") % {"value": quoted(call_reference)}
            ))
    problems.extend(member_set_problems(members, failed))
    if parsed is not None:
        problems.extend(project_problems(parsed.project))
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
            costs=None if project.costs is None else cost_categories(
                cents(project.costs.fstp), cents(project.costs.other)
            ),
        ),
        members=tuple(
            requested_member_facts(member, regions.get(index))
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
    project = document.get("project")
    found += unknown_in(project, ProjectIn, ("project",))
    if isinstance(project, dict):
        found += unknown_in(project.get("costs"), CostsIn, ("project", "costs"))
    members = document.get("members")
    for index, member in enumerate(members if isinstance(members, list) else []):
        found += unknown_in(member, MemberIn, ("members", index))
    return found


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


def project_problems(project: ProjectIn | None) -> list[Problem]:
    """The costs by category add up to the total eligible costs, when both are given."""
    if project is None or project.costs is None or project.total_eligible_costs is None:
        return []
    split = project.costs.fstp + project.costs.other
    if split == project.total_eligible_costs:
        return []
    return [Problem(("project", "costs"), _(
        "the categories add up to %(sum)s, not to the total eligible costs of %(total)s"
    ) % {"sum": cents(split), "total": cents(project.total_eligible_costs)})]


def requested_member_facts(member: MemberIn, region: RegionFound | None) -> MemberFacts:
    """A member of the request as the engine reads it, its region as found."""
    return MemberFacts(
        name=member.name,
        country=member.country or (region.country if region else None),
        region=region.code if region else None,
        region_name=region.name if region else None,
        region_category=region.category if region else None,
        organisation_type=member.organisation_type.value if member.organisation_type else None,
        eccp_status=member.eccp_status.value if member.eccp_status else None,
        role=BENEFICIARY if member.role == "partner" else member.role,
        declarations=frozenset(declaration.value for declaration in member.declarations),
    )


def strand_problems(params: CallParameters, strand: str | None) -> list[Problem]:
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
