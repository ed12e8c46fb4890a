"""The plain facts the rules read: a snapshot of a consortium and of a call's parameters.

Rules never touch the database. Everything they need is gathered here, in a fixed number
of queries, into frozen dataclasses that can also be built by hand (tests, the JSON contract).
"""
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal, Mapping
import zoneinfo

from calls.models import Call, CallRule, Participation, Region, RegionAlias

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
    strand: str | None = None  # the code of the call's strand the consortium applies to
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
class QualifyingRegion:
    """A region of the call's classification, with its category."""

    code: str
    name: str
    category: str = ""

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


@dataclass(frozen=True, slots=True)
class PendingParticipation:
    """A country's participation that is signed or being negotiated, not in force."""

    status: str  # calls.models.Participation.Status value
    source: str


@dataclass(frozen=True, slots=True)
class StrandFacts:
    code: str
    title: str
    title_ro: str = ""


@dataclass(frozen=True, eq=False)
class CallParameters:
    """Everything the rules read about a call, as plain values, with the configured rules.

    Compared and hashed by identity, so that wording built from it can be cached per call.

    ``eligible_countries`` are the countries taking part in the call's programme on the
    deadline date (in the deadline's own time zone). ``regions`` maps each country to the
    regions of the call's classification; ``countries_with_regions`` are the countries the
    classification lists at all (a member elsewhere has no region). ``rules`` are the rules
    of the whole call (configured ``eligibility.rules.Rule`` instances), ``strand_rules``
    those of each strand, which replace the call's rule of the same code.
    """

    reference: str
    title: str
    programme_name: str
    deadline: datetime
    deadline_timezone: str
    classification_code: str | None
    classification_name: str | None
    eligible_countries: frozenset[str]
    countries_with_regions: frozenset[str]
    regions: Mapping[str, tuple[QualifyingRegion, ...]]
    rules: tuple[Any, ...]
    strands: tuple[StrandFacts, ...] = ()
    strand_rules: Mapping[str, tuple[Any, ...]] = field(default_factory=dict)
    provenance: Mapping[str, Any] = field(default_factory=dict)
    version: int = 0
    # The eligible countries whose participation is not in force on the deadline date
    # (signed or being negotiated: may apply, cannot sign), each with its status and source.
    participation_pending: Mapping[str, "PendingParticipation"] = field(default_factory=dict)
    # False when only the deadline's day is known (``deadline`` is then that day at 00:00).
    deadline_hour_known: bool = True
    participation_on: date | None = None  # Call.participation_on
    # The classification's other codes for its regions (``RegionAlias``), each with the code
    # of the region it names.
    region_aliases: Mapping[str, str] = field(default_factory=dict)
    rule_settings: Mapping[str, Any] = field(init=False, repr=False, compare=False)
    deadline_local: datetime = field(init=False, repr=False, compare=False)
    _by_strand: dict = field(init=False, repr=False, compare=False)
    _by_region_code: dict = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "rules", ordered_rules(self.rules))
        object.__setattr__(
            self, "rule_settings", MappingProxyType({rule.code: rule for rule in self.rules})
        )
        object.__setattr__(
            self, "deadline_local",
            self.deadline.astimezone(zoneinfo.ZoneInfo(self.deadline_timezone)),
        )
        object.__setattr__(self, "_by_strand", {None: self.rules})
        object.__setattr__(self, "_by_region_code", {
            region.code: (country, region)
            for country, regions in self.regions.items() for region in regions
        })

    @property
    def participation_date(self) -> date:
        """The day on which a country must take part in the programme
        (``Call.participation_date``)."""
        return self.participation_on or self.deadline_local.date()

    @property
    def strand_codes(self) -> tuple[str, ...]:
        return tuple(strand.code for strand in self.strands)

    def region_coded(self, code: str) -> tuple[str, QualifyingRegion] | None:
        """The country and region of the classification that ``code`` names (a region's own
        code before an alias), or None."""
        found = self._by_region_code.get(code)
        if found is None and code in self.region_aliases:
            found = self._by_region_code.get(self.region_aliases[code])
        return found

    def rules_for(self, strand: str | None) -> tuple[Any, ...]:
        """The rules a consortium of ``strand`` is checked by: the call's, each replaced by
        the strand's rule of the same code, plus the strand's own."""
        rules = self._by_strand.get(strand)
        if rules is None:
            overrides = {rule.code: rule for rule in self.strand_rules.get(strand or "", ())}
            merged = [overrides.pop(rule.code, rule) for rule in self.rules]
            rules = ordered_rules((*merged, *overrides.values()))
            self._by_strand[strand] = rules
        return rules


def ordered_rules(rules) -> tuple[Any, ...]:
    return tuple(sorted(rules, key=lambda rule: (rule.order, rule.code)))


def call_parameters(call: Call) -> CallParameters:
    """The call's parameters, built once per process and version of the call (see cache)."""
    from .cache import cached_call_parameters

    return cached_call_parameters(call)


def configured_rule(rule: CallRule):
    """The rule class of a stored rule, configured with its options."""
    from .rules import rule_class

    return rule_class(rule.code)(
        severity=rule.severity, reference=rule.reference, reference_ro=rule.reference_ro,
        options=rule.options, provenance=rule.provenance,
        strand=rule.strand_code,
    )


def build_call_parameters(call: Call) -> CallParameters:
    """Read the call, its strands and rules, the participating countries and the regions."""
    call = Call.objects.select_related("programme", "region_classification").get(pk=call.pk)
    from .rules import RULES

    stored = [
        rule for rule in CallRule.objects.filter(call=call).select_related("strand")
        if rule.code in RULES
    ]
    call_rules = tuple(configured_rule(rule) for rule in stored if rule.strand_id is None)
    strand_rules: dict[str, list] = {}
    for rule in stored:
        if rule.strand_code is not None:
            strand_rules.setdefault(rule.strand_code, []).append(configured_rule(rule))
    strands = tuple(
        StrandFacts(code, title, title_ro)
        for code, title, title_ro in call.strands.values_list("code", "title", "title_ro")
    )
    participations = list(
        Participation.objects.active_on(call.participation_date)
        .filter(programme_id=call.programme_id)
        .values_list("country_id", "status", "source")
    )
    eligible = frozenset(country for country, _status, _source in participations)
    pending = {
        country: PendingParticipation(status, source)
        for country, status, source in participations
        if status != Participation.Status.IN_FORCE
    }
    countries_with_regions: set[str] = set()
    regions_by_country: dict[str, list[QualifyingRegion]] = {}
    aliases: dict[str, str] = {}
    classification = call.region_classification
    if classification is not None:
        regions = Region.objects.filter(classification=classification).order_by("code")
        for country, code, name, category in regions.values_list(
            "country_id", "code", "name", "category"
        ):
            countries_with_regions.add(country)
            regions_by_country.setdefault(country, []).append(
                QualifyingRegion(code, name, category)
            )
        aliases = dict(
            RegionAlias.objects.filter(region__classification=classification)
            .values_list("code", "region__code")
        )
    return CallParameters(
        reference=call.reference,
        title=call.title,
        programme_name=call.programme.name,
        deadline=call.deadline,
        deadline_timezone=call.deadline_timezone,
        classification_code=classification.code if classification else None,
        classification_name=classification.name if classification else None,
        eligible_countries=eligible,
        countries_with_regions=frozenset(countries_with_regions),
        regions=MappingProxyType(
            {country: tuple(regions) for country, regions in regions_by_country.items()}
        ),
        rules=call_rules,
        strands=strands,
        strand_rules=MappingProxyType(
            {code: tuple(rules) for code, rules in strand_rules.items()}
        ),
        provenance=MappingProxyType(dict(call.provenance or {})),
        version=call.version,
        participation_pending=MappingProxyType(pending),
        deadline_hour_known=call.deadline_hour_known,
        region_aliases=MappingProxyType(aliases),
        participation_on=call.participation_on,
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
    strand = consortium.strand if getattr(consortium, "strand_id", None) else None
    return ProjectFacts(
        acronym=consortium.acronym or None,
        strand=strand.code if strand is not None else None,
        duration_months=consortium.duration_months,
        start_date=consortium.start_date,
        total_eligible_costs=consortium.total_eligible_costs,
        requested_grant=consortium.requested_grant,
        costs=cost_categories(consortium.fstp_costs, consortium.other_costs),
    )


def cost_categories(
    fstp: Decimal | None, other: Decimal | None
) -> Mapping[str, Decimal] | None:
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
    "PendingParticipation", "ProjectFacts", "QualifyingRegion", "StrandFacts",
    "build_call_parameters", "call_parameters", "cost_categories", "facts_from_consortium",
    "member_facts", "project_facts",
]
