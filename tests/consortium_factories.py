"""Test data for the applicant's journey: users, calls, consortia, form data.

The eligible consortium satisfies every blocking rule of ESCP-S3 (checked before its deadline,
8 March 2018 17:00 Brussels time) and of the practice call made from it.
"""
from datetime import date, datetime
from decimal import Decimal
import itertools
import json
import zoneinfo

from django.utils import timezone

from accounts.models import User
from calls.fixtures import call_fixtures_load
from calls.models import Call, Region
from consortia.management.commands.seed_demo import PRACTICE_CALL, SOURCE_CALL, practice_fixture
from consortia.models import Consortium, Member

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
ESCP_S3 = SOURCE_CALL
# One second before the deadline of ESCP-S3, and the deadline itself.
BEFORE_ESCP_DEADLINE = datetime(2018, 3, 8, 16, 59, 59, tzinfo=BRUSSELS)
AT_ESCP_DEADLINE = datetime(2018, 3, 8, 17, 0, 0, tzinfo=BRUSSELS)
A_MONTH_BEFORE_ESCP_DEADLINE = datetime(2018, 2, 8, 10, 0, tzinfo=BRUSSELS)

PASSWORD = "a-long-test-password-42"
_numbers = itertools.count(1)

ELIGIBLE_MEMBERS = [
    {"name": "Cluster Nord-Vest", "country": "RO", "region": "RO11",
     "organisation_type": "cluster_organisation", "eccp_status": "registered",
     "eccp_profile_url": "https://www.clustercollaboration.eu/cluster-organisations/nord-vest",
     "is_coordinator": True},
    {"name": "Cluster Norte", "country": "PT", "region": "PT11",
     "organisation_type": "cluster_organisation", "eccp_status": "requested"},
    {"name": "Netzwerk Dresden", "country": "DE", "region": "DED2",
     "organisation_type": "business_network", "eccp_status": "registered"},
]
ELIGIBLE_PROJECT = {
    "acronym": "TEXS3",
    "title": "Smart textiles partnership",
    "duration_months": 24,
    "start_date": date(2018, 11, 1),
    "total_eligible_costs": Decimal("466666.67"),
    "requested_grant": Decimal("350000.00"),
}


def make_user(email: str | None = None, **fields) -> User:
    email = email or f"user{next(_numbers)}@example.org"
    return User.objects.create_user(email=email, password=PASSWORD, **fields)


def escp_call() -> Call:
    return Call.objects.get(reference=ESCP_S3)


def practice_call(now: datetime | None = None) -> Call:
    """The practice call made by seed_demo, its deadline four weeks after ``now``."""
    report = call_fixtures_load(
        sources=[
            ("practice.json", json.dumps(practice_fixture(escp_call(), now or timezone.now())))
        ]
    )
    assert report.ok, report.problems
    return Call.objects.get(reference=PRACTICE_CALL)


def region(code: str, call: Call) -> Region:
    return Region.objects.get(classification_id=call.region_classification_id, code=code)


def make_consortium(
    owner: User, call: Call | None = None, members: list[dict] | None = None, **project
) -> Consortium:
    """A draft with ``members`` (default: the eligible three) and the eligible project data;
    ``project`` overrides single fields. For the practice call the start date moves into its
    start window."""
    call = call or escp_call()
    values = {**ELIGIBLE_PROJECT}
    window = call.rule_options("start_window")
    if call.reference != ESCP_S3 and window:
        values["start_date"] = date.fromisoformat(window["earliest"])
    values.update(project)
    consortium = Consortium.objects.create(owner=owner, call=call, **values)
    for member in ELIGIBLE_MEMBERS if members is None else members:
        fields = {**member}
        if fields.get("region"):
            fields["region"] = region(fields["region"], call)
        if fields.get("country"):
            fields["country_id"] = fields.pop("country")
        Member.objects.create(consortium=consortium, **fields)
    return consortium


def form_data(project: dict | None = None, members: list[dict] | None = None, *,
              call: Call | None = None, existing: list[Member] = ()) -> dict:
    """POST data for the consortium page: the project fields, then one row per member.

    ``existing`` are saved members: their rows come first (with their ids), in the order
    the page lists them; ``members`` then fill those rows and any new ones.
    """
    call = call or escp_call()
    data = {}
    for name, value in (project if project is not None else ELIGIBLE_PROJECT).items():
        data[name] = "" if value is None else str(value)
    rows = members if members is not None else ELIGIBLE_MEMBERS
    data.update({
        "members-TOTAL_FORMS": str(max(len(rows), len(existing))),
        "members-INITIAL_FORMS": str(len(existing)),
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "1000",
    })
    for index, row in enumerate(rows):
        prefix = f"members-{index}-"
        if index < len(existing):
            data[f"{prefix}id"] = str(existing[index].pk)
        for name, value in row.items():
            if name == "region" and value:
                value = str(region(value, call).pk)
            if name in ("is_coordinator", "DELETE"):
                if value:
                    data[prefix + name] = "on"
                continue
            data[prefix + name] = "" if value is None else str(value)
    return data
