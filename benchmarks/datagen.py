"""Many submitted consortia, fast: COPY on PostgreSQL, bulk_create elsewhere.

Every generated consortium is eligible for ESCP-S3 as generated (coordinator: a cluster
organisation in a less developed or transition region; partners in other countries; a
project inside every limit), is submitted once, and its submission carries outcomes of the
size the application stores (the wording of every outcome in every language, taken from one
real submission made through ``consortium_submit``). Requested grants spread between
EUR 200,000 and 350,000, so that lowering the call's maximum grant changes some verdicts.
"""
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
import io
import json
import random
from typing import Iterable

SECTORS = [
    "textile", "agrifood", "automotive", "aerospace", "biotech", "creative", "energy",
    "furniture", "maritime", "mining", "photonics", "plastics", "tourism", "wood", "water",
    "logistics", "health", "digital", "ceramics", "wine",
]
KINDS = ["cluster_organisation", "business_network", "technology_centre", "science_park"]
STATUSES = ["registered", "requested"]
GRANT_STEPS = 16  # requested grants 200,000 .. 350,000 in steps of 10,000


@dataclass(frozen=True)
class Place:
    region_id: int
    code: str
    name: str
    category: str
    country: str


@dataclass
class Generated:
    consortia: int
    members: int
    first_consortium_id: int
    last_consortium_id: int


def places_of(call) -> tuple[list[Place], list[Place]]:
    """The call's regions in eligible countries: those that qualify, and all of them."""
    from calls.models import Region
    from eligibility.facts import build_call_parameters

    params = build_call_parameters(call)
    every = [
        Place(region_id, code, name, category, country)
        for region_id, code, name, category, country in Region.objects.filter(
            classification_id=call.region_classification_id,
            country_id__in=params.eligible_countries,
        ).order_by("code").values_list("id", "code", "name", "category", "country_id")
    ]
    categories = params.rule_settings["region_category"].options["categories"]
    qualifying = [place for place in every if place.category in categories]
    return qualifying, every


def template_submission(call, owner):
    """One consortium submitted the real way, whose stored JSON the generated rows copy."""
    from calls.models import Region
    from consortia.models import Consortium, Member
    from consortia.services import consortium_submit

    consortium = Consortium.objects.create(
        owner=owner, call=call, acronym="TEMPLATE", title="Template consortium",
        duration_months=24, start_date=date(2018, 11, 1),
        total_eligible_costs=Decimal("466666.67"), requested_grant=Decimal("250000.00"),
    )
    for number, (country, region, kind, coordinator) in enumerate([
        ("RO", "RO11", "cluster_organisation", True),
        ("PT", "PT11", "cluster_organisation", False),
        ("DE", "DED2", "business_network", False),
        ("IT", "ITF3", "technology_centre", False),
        ("PL", "PL21", "science_park", False),
    ]):
        Member.objects.create(
            consortium=consortium, name=f"Template member {number}", country_id=country,
            region=Region.objects.get(classification_id=call.region_classification_id, code=region),
            organisation_type=kind, eccp_status="registered", is_coordinator=coordinator,
        )
    submitted_at = call.deadline - timedelta(days=30)
    return consortium_submit(consortium=consortium, user=owner, now=submitted_at)


def _copy_text(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (dict, list)):
        value = json.dumps(value, separators=(",", ":"))
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = (text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
                .replace("\r", "\\r"))
    return text


def insert_rows(model, columns: list[str], rows: Iterable[tuple]) -> None:
    """Insert ``rows`` (values in ``columns`` order, attribute names) as fast as the database
    allows: one COPY on PostgreSQL, bulk_create elsewhere."""
    from django.db import connection

    if connection.vendor == "postgresql":
        table = model._meta.db_table
        column_names = [model._meta.get_field(name).column for name in columns]
        buffer = io.StringIO()
        for row in rows:
            buffer.write("\t".join(map(_copy_text, row)))
            buffer.write("\n")
        buffer.seek(0)
        with connection.cursor() as cursor:
            cursor.cursor.copy_expert(
                f'COPY "{table}" ({", ".join(column_names)}) FROM STDIN', buffer
            )
    else:
        model.objects.bulk_create(
            [model(**dict(zip(columns, row, strict=True))) for row in rows], batch_size=500
        )


def reset_sequences(*models) -> None:
    from django.core.management.color import no_style
    from django.db import connection

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(top=Max("id"))["top"] or 0) + 1


def generate_submitted(
    *, call, count: int, members_per_consortium: int = 5, seed: int = 2018,
    chunk: int = 10000, owners: int | None = None,
) -> Generated:
    """Add ``count`` submitted consortia of ``call`` with their members and submissions.

    Consortia and members are written by COPY (bulk_create off PostgreSQL); each chunk's
    submissions are then built by the database from those rows (snapshot assembled with
    jsonb functions, outcomes and parameters copied from the template submission).
    """
    from django.db import connection, transaction

    from accounts.models import User
    from consortia.models import Consortium, Member

    randomness = random.Random(seed)
    qualifying, every = places_of(call)
    by_country: dict[str, list[Place]] = {}
    for place in every:
        by_country.setdefault(place.country, []).append(place)
    countries = sorted(by_country)
    owner_count = owners or max(1, count // 50)
    first_user = next_id(User)
    with transaction.atomic():
        User.objects.bulk_create([
            User(id=first_user + number, email=f"bench-owner-{first_user + number}@example.org",
                 username=f"bench-owner-{first_user + number}@example.org", password="!")
            for number in range(owner_count)
        ])
        reset_sequences(User)
        template = template_submission(call, User.objects.get(id=first_user))
    on_postgresql = connection.vendor == "postgresql"
    if on_postgresql:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
    submitted_from = call.deadline - timedelta(days=60)
    first_consortium = next_id(Consortium)
    member_id = next_id(Member)
    made_members = 0
    for start in range(0, count, chunk):
        consortia_rows, member_rows = [], []
        for offset in range(start, min(start + chunk, count)):
            consortium_id = first_consortium + offset
            sector = SECTORS[offset % len(SECTORS)]
            coordinator = qualifying[randomness.randrange(len(qualifying))]
            partner_countries = randomness.sample(
                [country for country in countries if country != coordinator.country],
                members_per_consortium - 1,
            )
            places = [coordinator] + [
                by_country[country][randomness.randrange(len(by_country[country]))]
                for country in partner_countries
            ]
            grant = Decimal(200000 + 10000 * randomness.randrange(GRANT_STEPS))
            costs = (grant / Decimal("0.75")).quantize(Decimal("0.01")) + Decimal("1.00")
            submitted_at = submitted_from + timedelta(seconds=randomness.randrange(59 * 86400))
            consortia_rows.append((
                consortium_id, first_user + offset % owner_count, call.id,
                f"{sector[:4].upper()}{offset:06d}",
                f"{sector.capitalize()} partnership {coordinator.name}",
                12 + randomness.randrange(13),
                date(2018, 11, 1) + timedelta(days=randomness.randrange(61)),
                costs, grant, "submitted", submitted_at, submitted_at,
            ))
            for position, place in enumerate(places):
                kind = KINDS[0] if position == 0 else KINDS[(offset + position) % len(KINDS)]
                member_rows.append((
                    member_id, consortium_id,
                    f"{sector.capitalize()} {kind.replace('_', ' ')} {place.name} {position}"[:200],
                    place.country, place.region_id, kind, STATUSES[(offset + position) % 2], "",
                    position == 0,
                ))
                member_id += 1
            made_members += len(places)
        first, last = consortia_rows[0][0], consortia_rows[-1][0]
        with transaction.atomic():
            insert_rows(Consortium, [
                "id", "owner_id", "call_id", "acronym", "title", "duration_months",
                "start_date", "total_eligible_costs", "requested_grant", "status",
                "created_at", "updated_at",
            ], consortia_rows)
            insert_rows(Member, [
                "id", "consortium_id", "name", "country_id", "region_id", "organisation_type",
                "eccp_status", "eccp_profile_url", "is_coordinator",
            ], member_rows)
            if on_postgresql:
                _submissions_by_sql(call, template, first, last)
            else:
                _submissions_by_orm(call, template, first, last)
            _submission_countries(first, last)
    reset_sequences(Consortium, Member)
    return Generated(
        consortia=count + 1, members=made_members + 5,
        first_consortium_id=template.consortium_id, last_consortium_id=first_consortium + count - 1,
    )


SUBMISSIONS_FROM_CONSORTIA = """
INSERT INTO consortia_submission (
    consortium_id, submitted_by_id, submitted_at, snapshot, outcomes, verdict,
    call_parameters, call_parameters_hash
)
SELECT consortium.id, consortium.owner_id, consortium.created_at,
    jsonb_build_object(
        'call', %(reference)s, 'acronym', consortium.acronym, 'title', consortium.title,
        'duration_months', consortium.duration_months,
        'start_date', to_char(consortium.start_date, 'YYYY-MM-DD'),
        'total_eligible_costs', consortium.total_eligible_costs::text,
        'requested_grant', consortium.requested_grant::text,
        'members', (
            SELECT jsonb_agg(jsonb_build_object(
                'name', member.name, 'country', member.country_id, 'region', region.code,
                'region_name', region.name, 'region_category', region.category,
                'organisation_type', member.organisation_type,
                'eccp_status', member.eccp_status, 'eccp_profile_url', NULL,
                'role', CASE WHEN member.is_coordinator THEN 'coordinator' ELSE 'partner' END
            ) ORDER BY member.is_coordinator DESC, member.id)
            FROM consortia_member member LEFT JOIN calls_region region
                ON region.id = member.region_id
            WHERE member.consortium_id = consortium.id
        )
    ),
    %(outcomes)s::jsonb, 'eligible', %(parameters)s::jsonb, %(parameters_hash)s
FROM consortia_consortium consortium
WHERE consortium.id BETWEEN %(first)s AND %(last)s
ORDER BY consortium.id
"""


def _submissions_by_sql(call, template, first: int, last: int) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SUBMISSIONS_FROM_CONSORTIA, {
            "reference": call.reference,
            "outcomes": json.dumps(template.outcomes),
            "parameters": json.dumps(template.call_parameters),
            "parameters_hash": template.call_parameters_hash,
            "first": first, "last": last,
        })


SUBMISSION_COUNTRIES = """
INSERT INTO consortia_submissioncountry (submission_id, country_id)
SELECT DISTINCT submission.id, member.country_id
FROM consortia_submission submission
JOIN consortia_member member ON member.consortium_id = submission.consortium_id
WHERE submission.consortium_id BETWEEN %s AND %s AND member.country_id IS NOT NULL
"""


def _submission_countries(first: int, last: int) -> None:
    """The countries of the new submissions' members, as consortium_submit keeps them (the
    members are those of the snapshot: nothing changed in between)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(SUBMISSION_COUNTRIES, [first, last])


def _submissions_by_orm(call, template, first: int, last: int) -> None:
    from consortia.models import Consortium, Submission

    consortia = Consortium.objects.filter(id__range=(first, last)).with_members()
    Submission.objects.bulk_create([
        Submission(
            consortium=consortium, submitted_by_id=consortium.owner_id,
            submitted_at=consortium.created_at,
            snapshot={
                "call": call.reference, "acronym": consortium.acronym, "title": consortium.title,
                "duration_months": consortium.duration_months,
                "start_date": consortium.start_date.isoformat(),
                "total_eligible_costs": str(consortium.total_eligible_costs),
                "requested_grant": str(consortium.requested_grant),
                "members": [member.snapshot() for member in consortium.members.all()],
            },
            outcomes=template.outcomes, verdict="eligible",
            call_parameters=template.call_parameters,
            call_parameters_hash=template.call_parameters_hash,
        )
        for consortium in consortia
    ], batch_size=500)


def analyse() -> None:
    """Refresh the planner's statistics after a bulk load (PostgreSQL)."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def sample_is_eligible(call, sample: int = 200) -> bool:
    """Check a sample of the generated consortia with the engine: all must be eligible."""
    from consortia.models import Consortium
    from eligibility.services import check_consortium

    consortia = Consortium.objects.filter(call=call).with_members().order_by("?")[:sample]
    verdicts = {str(check_consortium(consortium, as_of=call.deadline - timedelta(days=1)).verdict)
                for consortium in consortia}
    return verdicts == {"eligible"}

