"""The reference data carries the facts of the call texts and the regional decisions."""
from collections import Counter
from datetime import date, datetime, timezone as dt_timezone
from decimal import Decimal

from django.db import IntegrityError, transaction
import pytest

from calls.models import Call, Country, Participation, Region, RegionCategory
from eligibility.facts import configured_rule
from eligibility.rules import rule_class

pytestmark = pytest.mark.django_db

ESCP_S3 = "COS-CLUSTPARTNS-2017-3-02"


def test_the_escp_s3_call_carries_the_numbers_of_the_seed_summary():
    call = Call.objects.get(reference=ESCP_S3)

    assert call.total_budget == Decimal("2800000.00")
    options = call.options_by_code()
    assert Decimal(options["max_grant"]["maximum"]) == Decimal("350000.00")
    assert Decimal(options["cofinancing_rate"]["rate"]) == Decimal("0.75")
    assert call.expected_grants == 8
    assert call.deadline == datetime(2018, 3, 8, 16, 0, tzinfo=dt_timezone.utc)
    assert call.deadline_timezone == "Europe/Brussels"
    assert call.deadline_local.strftime("%Y-%m-%d %H:%M %Z") == "2018-03-08 17:00 CET"
    assert options["duration"] == {"minimum": 12, "maximum": 24}
    window = options["start_window"]
    assert (date.fromisoformat(window["earliest"]), date.fromisoformat(window["latest"])) == (
        date(2018, 11, 1), date(2018, 12, 31)
    )
    assert (options["min_entities"]["minimum"], options["min_countries"]["minimum"]) == (3, 3)
    assert call.region_classification.code == "2014-2020"
    assert sorted(options["region_category"]["categories"]) == ["less_developed", "transition"]
    assert sorted(options["eccp_registration"]["accepted"]) == ["registered", "requested"]
    assert sorted(options["organisation_types"]["accepted"]) == [
        "business_network", "cluster_organisation", "science_park", "technology_centre",
    ]


def test_the_escp_s3_call_configures_every_rule_with_its_call_text_reference():
    call = Call.objects.get(reference=ESCP_S3)
    rules = {rule.code: rule for rule in call.rules.all()}

    assert len(rules) == 12
    assert rules["min_countries"].reference == "Call text §6.2"
    assert rules["cluster_org_per_region"].severity == "advisory"
    assert all(rule.severity == "blocking" for code, rule in rules.items()
               if code != "cluster_org_per_region")


def test_the_alternative_spelling_of_the_reference_finds_the_same_call():
    assert Call.objects.by_reference("COS-CLUSTPARTNS-2017-03-02").get().reference == ESCP_S3
    assert Call.objects.by_reference("cos-clustpartns-2017-3-02").get().reference == ESCP_S3


def test_the_cluster_excellence_call_differs_only_in_its_parameters():
    call = Call.objects.get(reference="COS-CLUSTER-2018-03-02")

    options = call.options_by_code()
    assert Decimal(options["max_grant"]["maximum"]) == Decimal("360000.00")
    assert call.total_budget == Decimal("3600000.00")
    assert call.expected_grants == 12
    assert options["duration"] == {"minimum": 20, "maximum": 24}
    assert call.deadline == datetime(2019, 4, 4, 15, 0, tzinfo=dt_timezone.utc)
    assert sorted(options["organisation_types"]["accepted"]) == [
        "business_network", "cluster_organisation"
    ]
    assert not call.rules.filter(code="start_window").exists()


@pytest.mark.parametrize(
    ("classification", "expected"),
    [
        ("2014-2020", {"less_developed": 72, "transition": 51, "more_developed": 151}),
        ("2021-2027", {"less_developed": 78, "transition": 67, "more_developed": 95}),
    ],
)
def test_each_classification_holds_every_region_of_its_decision_by_category(
    classification, expected
):
    categories = Counter(
        Region.objects.filter(classification__code=classification)
        .values_list("category", flat=True)
    )
    assert dict(categories) == expected


def test_greek_regions_belong_to_greece_and_answer_to_both_their_codes():
    region = Region.objects.lookup(
        Region.objects.get(code="GR11").classification, "EL11"
    )
    assert region.code == "GR11"
    assert region.country_id == "GR"
    assert region.category == RegionCategory.LESS_DEVELOPED
    assert Country.objects.get(code="GR").nuts_prefix == "EL"


def test_british_regions_belong_to_the_united_kingdom_under_the_nuts_prefix_uk():
    regions = Region.objects.filter(classification__code="2014-2020", country_id="GB")
    assert regions.count() == 37
    assert all(region.code.startswith("UK") for region in regions)
    assert Country.objects.get(code="GB").nuts_prefix == "UK"


def test_the_united_kingdom_takes_part_in_cosme_until_31_january_2020():
    british = Participation.objects.filter(programme__code="cosme", country_id="GB")
    assert british.active_on(date(2020, 1, 31)).exists()
    assert not british.active_on(date(2020, 2, 1)).exists()


def test_kosovo_exists_with_the_eu_code_xk_and_takes_part_in_cosme_in_2018():
    kosovo = Country.objects.get(code="XK")
    assert kosovo.name == "Kosovo*"
    assert Participation.objects.filter(
        programme__code="cosme", country=kosovo
    ).active_on(date(2018, 3, 8)).exists()


def test_twenty_eight_member_states_and_eleven_other_countries_take_part_at_the_escp_s3_deadline():
    on_deadline = Participation.objects.filter(programme__code="cosme").active_on(date(2018, 3, 8))
    assert on_deadline.filter(basis="eu_member").count() == 28
    assert on_deadline.exclude(basis="eu_member").count() == 11
    assert not on_deadline.filter(country_id__in=["NO", "LI", "CH", "US"]).exists()


def test_every_iso_country_is_known_so_that_any_real_country_is_valid_input():
    assert Country.objects.count() == 250
    assert Country.objects.filter(code__in=["US", "NO", "RO", "XK"]).count() == 4


def test_the_database_refuses_a_call_without_a_positive_budget():
    with pytest.raises(IntegrityError, match="call_budget_positive"), transaction.atomic():
        Call.objects.filter(reference=ESCP_S3).update(total_budget=Decimal("0"))


@pytest.mark.parametrize(
    ("code", "options", "message"),
    [
        ("cofinancing_rate", {"rate": "0"}, "greater than or equal to 0.0001"),
        ("cofinancing_rate", {"rate": "1.0001"}, "less than or equal to 1"),
        ("duration", {"minimum": 25, "maximum": 24}, "minimum duration"),
        ("max_grant", {"maximum": "-1"}, "greater than or equal to 0.01"),
        ("min_countries", {"minimum": 0}, "greater than or equal to 1"),
    ],
)
def test_a_rules_parameters_refuse_options_that_break_an_invariant(code, options, message):
    problems = rule_class(code).Parameters(options).option_problems()
    assert message in str(problems)


def test_a_rate_of_exactly_one_is_allowed():
    assert rule_class("cofinancing_rate").Parameters({"rate": "1"}).option_problems() == {}


def test_a_call_cannot_ask_for_more_countries_than_entities():
    call = Call.objects.get(reference=ESCP_S3)
    rule = call.rules.get(code="min_countries")
    rule.options = {"minimum": 4}
    assert "more countries than entities" in str(configured_rule(rule).call_problems(call))


def test_calls_are_listed_open_ones_first_then_the_latest_closed_one_first():
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    Call.objects.filter(reference="COS-CLUSTER-2018-03-02").update(deadline=now + timedelta(days=9))
    listing = [call.reference for call in Call.objects.filter(is_practice=False).for_listing(now)]
    assert listing == ["COS-CLUSTER-2018-03-02", "COS-CLUSTPARTNS-2017-3-02"]

    Call.objects.filter(reference="COS-CLUSTER-2018-03-02").update(deadline=now - timedelta(days=9))
    Call.objects.filter(reference="COS-CLUSTPARTNS-2017-3-02").update(
        deadline=now - timedelta(days=99)
    )
    listing = [call.reference for call in Call.objects.filter(is_practice=False).for_listing(now)]
    assert listing == ["COS-CLUSTER-2018-03-02", "COS-CLUSTPARTNS-2017-3-02"]
