"""Test data: factories with traits (factory_boy), and the members and project they use.

A consortium is for ESCP-S3 unless told otherwise, with the three members and the project
data that meet every blocking rule of ESCP-S3 (checked before its deadline, 8 March 2018
17:00 Brussels time) and of the practice call made from it. Its traits act a month before
ESCP-S3's deadline, while the call was open, through the services the site uses:

- ``submitted``: submitted (rules checked, snapshot kept);
- ``withdrawn``: submitted, then withdrawn;
- ``reviewed``: submitted, then confirmed eligible by a national contact point of the
  coordinator's country;
- ``closed_call``: for the practice call, its deadline a week past by today's clock.
"""
from datetime import date, datetime, timedelta
from decimal import Decimal
import json
import zoneinfo

from django.utils import timezone
import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from calls.fixtures import call_fixtures_load
from calls.models import Call, Region
from calls.practice import PRACTICE_CALL, SOURCE_CALL, WEEKS_UNTIL_DEADLINE, practice_fixture
from consortia.models import Consortium, Member, Submission
from consortia.services import consortium_submit, consortium_withdraw
from reviews.models import NationalContactPoint, ReviewStatus
from reviews.services import review_record

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
ESCP_S3 = SOURCE_CALL
# One second before the deadline of ESCP-S3, and the deadline itself.
BEFORE_ESCP_DEADLINE = datetime(2018, 3, 8, 16, 59, 59, tzinfo=BRUSSELS)
AT_ESCP_DEADLINE = datetime(2018, 3, 8, 17, 0, 0, tzinfo=BRUSSELS)
A_MONTH_BEFORE_ESCP_DEADLINE = datetime(2018, 2, 8, 10, 0, tzinfo=BRUSSELS)

PASSWORD = "a-long-test-password-42"

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


def escp_call() -> Call:
    return Call.objects.get(reference=ESCP_S3)


def practice_call(now: datetime | None = None) -> Call:
    """The practice call as seed_demo makes it: its deadline four weeks after ``now``."""
    report = call_fixtures_load(
        sources=[
            ("practice.json", json.dumps(practice_fixture(escp_call(), now or timezone.now())))
        ]
    )
    assert report.ok, report.problems
    return Call.objects.get(reference=PRACTICE_CALL)


def closed_practice_call() -> Call:
    """The practice call, its deadline a week past."""
    return practice_call(timezone.now() - timedelta(weeks=WEEKS_UNTIL_DEADLINE + 1))


def region(code: str, call: Call) -> Region:
    return Region.objects.get(classification_id=call.region_classification_id, code=code)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User

    email = factory.Sequence(lambda number: f"user{number + 1}@example.org")
    password = PASSWORD

    class Params:
        admin = factory.Trait(is_superuser=True, is_staff=True)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return model_class.objects.create_user(*args, **kwargs)


class NationalContactPointFactory(DjangoModelFactory):
    """A national contact point; ``countries`` are the codes they answer for."""

    class Meta:
        model = NationalContactPoint
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)

    @factory.post_generation
    def countries(contact_point, create, codes, **kwargs):
        if create and codes:
            contact_point.countries.set(codes)


def _members_add(consortium: Consortium, create: bool, members: list[dict] | None, **kwargs):
    """Members given as the dictionaries above: country and region by their codes."""
    if not create:
        return
    for member in ELIGIBLE_MEMBERS if members is None else members:
        fields = {**member}
        if fields.get("region"):
            fields["region"] = region(fields["region"], consortium.call)
        if fields.get("country"):
            fields["country_id"] = fields.pop("country")
        Member.objects.create(consortium=consortium, **fields)


def _submit(consortium: Consortium, create: bool, extracted, **kwargs) -> None:
    consortium_submit(consortium=consortium, user=consortium.owner,
                      now=A_MONTH_BEFORE_ESCP_DEADLINE)
    consortium.refresh_from_db()


def _withdraw(consortium: Consortium, create: bool, extracted, **kwargs) -> None:
    consortium_withdraw(consortium=consortium, user=consortium.owner,
                        now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=1))
    consortium.refresh_from_db()


def _review(consortium: Consortium, create: bool, extracted, **kwargs) -> None:
    submission = consortium.submissions.get()
    coordinator = consortium.members.get(is_coordinator=True)
    reviewer = NationalContactPointFactory(countries=[coordinator.country_id]).user
    review_record(submission=submission, reviewer=reviewer,
                  status=ReviewStatus.CONFIRMED_ELIGIBLE, comment="")


def _start_date(consortium) -> date:
    """The eligible start date; for the practice call, the first day of its start window."""
    window = consortium.call.rule_options("start_window")
    if consortium.call.reference != ESCP_S3 and window:
        return date.fromisoformat(window["earliest"])
    return ELIGIBLE_PROJECT["start_date"]


class ConsortiumFactory(DjangoModelFactory):
    """A draft with the eligible members (``members=[...]`` for others, as dictionaries
    like ``ELIGIBLE_MEMBERS``) and the eligible project data; see the module for traits."""

    class Meta:
        model = Consortium
        skip_postgeneration_save = True

    owner = factory.SubFactory(UserFactory)
    call = factory.LazyFunction(escp_call)
    acronym = ELIGIBLE_PROJECT["acronym"]
    title = ELIGIBLE_PROJECT["title"]
    duration_months = ELIGIBLE_PROJECT["duration_months"]
    start_date = factory.LazyAttribute(_start_date)
    total_eligible_costs = ELIGIBLE_PROJECT["total_eligible_costs"]
    requested_grant = ELIGIBLE_PROJECT["requested_grant"]

    class Params:
        submitted = factory.Trait()
        withdrawn = factory.Trait(submitted=True)
        reviewed = factory.Trait(submitted=True)
        closed_call = factory.Trait(call=factory.LazyFunction(closed_practice_call))

    # In this order: members first, then what happens to the consortium.
    members = factory.PostGeneration(_members_add)
    submission = factory.Maybe("submitted", factory.PostGeneration(_submit))
    withdrawal = factory.Maybe("withdrawn", factory.PostGeneration(_withdraw))
    review = factory.Maybe("reviewed", factory.PostGeneration(_review))


def submission_of(consortium: Consortium) -> Submission:
    """The consortium's latest submission."""
    return consortium.submissions.latest("submitted_at")
