"""The plain facts the rules read: a snapshot of a consortium and of a call's parameters.

Rules never touch the database. Everything they need is gathered here, in a fixed number
of queries, into frozen dataclasses that can also be built by hand (tests, the JSON contract).
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Literal, Mapping
import zoneinfo

from calls.models import Call, Participation, Region, RuleCode

Role = Literal["coordinator", "beneficiary", "affiliated_entity", "associated_partner"]

CENT = Decimal("0.01")

COORDINATOR: Role = "coordinator"
BENEFICIARY: Role = "beneficiary"


@dataclass(frozen=True, slots=True)
class MemberFacts:
    """One member as the rules see it; ``None`` means "not given yet"."""

    name: str
    country: str | None = None  # ISO 3166-1 alpha-2, XK for Kosovo
    region: str | None = None  # canonical NUTS 2 code in the call's classification
    region_name: str | None = None
    region_category: str | None = None  # calls.models.RegionCategory value
    organisation_type: str | None = None  # calls.models.OrganisationType value
    eccp_status: str | None = None  # calls.models.EccpStatus value
    role: Role = BENEFICIARY  # consortia.models.MemberRole value
    declarations: frozenset[str] = frozenset()  # consortia.models.Declaration values


@dataclass(frozen=True, slots=True)
class ProjectFacts:
    acronym: str | None = None
    duration_months: int | None = None
    start_date: date | None = None
    total_eligible_costs: Decimal | None = None
    requested_grant: Decimal | None = None
    # The eligible costs by category, {"fstp": ..., "other": ...}, when the budget is split
    # (FSTP: financial support to third parties); None when it is not.
    costs: Mapping[str, Decimal] | None = None


@dataclass(frozen=True, slots=True)
class ConsortiumFacts:
    project: ProjectFacts
    members: tuple[MemberFacts, ...]


@dataclass(frozen=True, slots=True)
class RuleSetting:
    """How a call configures one rule: whether it blocks and where the call text says so."""

    code: str
    severity: str
    reference: str


@dataclass(frozen=True, slots=True)
class QualifyingRegion:
    code: str
    name: str

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


RULE_ORDER = {code: position for position, code in enumerate(RuleCode.values)}


@dataclass(frozen=True, eq=False)
class CallParameters:
    """Everything the rules read about a call, as plain values.

    Compared and hashed by identity, so that wording built from it can be cached per call.

    ``eligible_countries`` are the countries taking part in the call's programme on the
    deadline date (in the deadline's own time zone). ``qualifying_regions`` maps each
    country to its regions whose category qualifies, for hints; ``countries_with_regions``
    are the countries the classification lists at all (a member elsewhere has no region).
    """

    reference: str
    title: str
    programme_name: str
    deadline: datetime
    deadline_timezone: str
    max_grant: Decimal
    cofinancing_rate: Decimal
    min_duration_months: int
    max_duration_months: int
    start_window_from: date | None
    start_window_to: date | None
    min_entities: int
    min_countries: int
    allowed_organisation_types: frozenset[str]
    accepted_eccp_statuses: frozenset[str]
    classification_code: str | None
    classification_name: str | None
    qualifying_region_categories: frozenset[str]
    eligible_countries: frozenset[str]
    countries_with_regions: frozenset[str]
    qualifying_regions: Mapping[str, tuple[QualifyingRegion, ...]]
    rules: tuple[RuleSetting, ...]
    rule_settings: Mapping[str, RuleSetting] = field(init=False, repr=False, compare=False)
    deadline_local: datetime = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.rules, key=lambda setting: RULE_ORDER.get(setting.code, 99)))
        object.__setattr__(self, "rules", ordered)
        object.__setattr__(
            self, "rule_settings", MappingProxyType({rule.code: rule for rule in ordered})
        )
        object.__setattr__(
            self, "deadline_local",
            self.deadline.astimezone(zoneinfo.ZoneInfo(self.deadline_timezone)),
        )

    @property
    def participation_date(self) -> date:
        """The day on which a country must take part in the programme: the deadline's date."""
        return self.deadline_local.date()


def call_parameters(call: Call) -> CallParameters:
    """The call's parameters, built in four queries and cached on this call instance."""
    cached = call.__dict__.get("_eligibility_parameters")
    if cached is None:
        cached = build_call_parameters(call)
        call.__dict__["_eligibility_parameters"] = cached
    return cached


def build_call_parameters(call: Call) -> CallParameters:
    """Read the call, its rules, the participating countries and the regions (4 queries)."""
    call = Call.objects.select_related("programme", "region_classification").get(pk=call.pk)
    rules = tuple(
        RuleSetting(code=code, severity=severity, reference=reference)
        for code, severity, reference in call.rules.values_list("code", "severity", "reference")
    )
    deadline_day = call.deadline_local.date()
    eligible = frozenset(
        Participation.objects.active_on(deadline_day)
        .filter(programme_id=call.programme_id)
        .values_list("country_id", flat=True)
    )
    qualifying_categories = frozenset(call.qualifying_region_categories or ())
    countries_with_regions: set[str] = set()
    qualifying: dict[str, list[QualifyingRegion]] = {}
    classification = call.region_classification
    if classification is not None:
        regions = Region.objects.filter(classification=classification).order_by("code")
        for country, code, name, category in regions.values_list(
            "country_id", "code", "name", "category"
        ):
            countries_with_regions.add(country)
            if category in qualifying_categories:
                qualifying.setdefault(country, []).append(QualifyingRegion(code, name))
    return CallParameters(
        reference=call.reference,
        title=call.title,
        programme_name=call.programme.name,
        deadline=call.deadline,
        deadline_timezone=call.deadline_timezone,
        max_grant=call.max_grant,
        cofinancing_rate=call.cofinancing_rate,
        min_duration_months=call.min_duration_months,
        max_duration_months=call.max_duration_months,
        start_window_from=call.start_window_from,
        start_window_to=call.start_window_to,
        min_entities=call.min_entities,
        min_countries=call.min_countries,
        allowed_organisation_types=frozenset(call.allowed_organisation_types or ()),
        accepted_eccp_statuses=frozenset(call.accepted_eccp_statuses or ()),
        classification_code=classification.code if classification else None,
        classification_name=classification.name if classification else None,
        qualifying_region_categories=qualifying_categories,
        eligible_countries=eligible,
        countries_with_regions=frozenset(countries_with_regions),
        qualifying_regions=MappingProxyType(
            {country: tuple(regions) for country, regions in qualifying.items()}
        ),
        rules=rules,
    )


def facts_from_consortium(consortium) -> ConsortiumFacts:
    """Snapshot a saved ``consortia.Consortium`` and its members.

    One query for the members, or none when they were prefetched (``with_members()``);
    prefetched members are put in the same order, coordinator first.
    """
    if "members" in getattr(consortium, "_prefetched_objects_cache", {}):
        rows = sorted(
            consortium.members.all(), key=lambda member: (not member.is_coordinator, member.pk)
        )
    else:
        rows = consortium.members.select_related("country", "region").order_by(
            "-is_coordinator", "id"
        )
    return ConsortiumFacts(
        project=project_facts(consortium), members=tuple(member_facts(member) for member in rows)
    )


def project_facts(consortium) -> ProjectFacts:
    """The project data of a ``consortia.Consortium``, or of any row with the same attributes."""
    return ProjectFacts(
        acronym=consortium.acronym or None,
        duration_months=consortium.duration_months,
        start_date=consortium.start_date,
        total_eligible_costs=consortium.total_eligible_costs,
        requested_grant=consortium.requested_grant,
        costs=cost_categories(consortium.fstp_costs, consortium.other_costs),
    )


def cost_categories(fstp: Decimal | None, other: Decimal | None) -> Mapping[str, Decimal] | None:
    """The costs by category when both are given, else None."""
    if fstp is None or other is None:
        return None
    return MappingProxyType({"fstp": fstp, "other": other})


def member_facts(member) -> MemberFacts:
    """One ``consortia.Member`` as the rules see it (its region already selected), or any row
    with the same attributes (``name``, ``country_id``, ``region_id``, ``region``, ...)."""
    region = member.region if member.region_id else None
    return MemberFacts(
        name=member.name,
        country=member.country_id or (region.country_id if region else None),
        region=region.code if region else None,
        region_name=region.name if region else None,
        region_category=region.category if region else None,
        organisation_type=member.organisation_type or None,
        eccp_status=member.eccp_status or None,
        role=COORDINATOR if member.is_coordinator else member.role,
        declarations=frozenset(member.declarations or ()),
    )


__all__ = [
    "BENEFICIARY", "COORDINATOR", "CallParameters", "ConsortiumFacts", "MemberFacts",
    "ProjectFacts", "QualifyingRegion", "RuleSetting", "build_call_parameters",
    "call_parameters", "cost_categories", "facts_from_consortium", "member_facts", "project_facts",
]
