"""The kinds of condition the family of cluster calls adds, on hand-made facts (no database):
budget by cost category, roles that count, members of a type, exclusions by EU law,
participation not in force, a deadline whose hour is not known."""
from dataclasses import replace
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType

from django.utils import translation
import pytest

from eligibility.engine import Status, Verdict, evaluate
from eligibility.facts import PendingParticipation
from tests.fixtures.eligibility_builders import (
    BEFORE_DEADLINE,
    BRUSSELS,
    GERMAN,
    ITALIAN,
    ROMANIAN,
    configured,
    consortium,
    params,
)

RATES = {"fstp": "1.0000", "other": "0.9000"}


def outcome(code, options, facts=None, *, at=BEFORE_DEADLINE, **call):
    """What the rule ``code`` configured with ``options`` finds in ``facts``."""
    return configured(code, options).check(facts or consortium(), params(rules=[], **call), at)


def with_rules(*rules):
    """ESCP-S3's call facts with only ``rules`` configured."""
    return replace(params(rules=[]), rules=rules)


def costs(fstp: str, other: str) -> dict:
    return MappingProxyType({"fstp": Decimal(fstp), "other": Decimal(other)})


def budget(grant: str, fstp: str, other: str):
    return consortium(
        requested_grant=Decimal(grant), costs=costs(fstp, other),
        total_eligible_costs=Decimal(fstp) + Decimal(other),
    )


# Funding rate per cost category ------------------------------------------------------------

@pytest.mark.parametrize("grant, fstp, other, status", [
    ("1000000.00", "1000000.00", "0.00", Status.PASS),  # 100 % of FSTP costs, exactly
    ("1000000.01", "1000000.00", "0.00", Status.FAIL),
    ("900000.00", "0.00", "1000000.00", Status.PASS),  # 90 % of other costs, exactly
    ("900000.01", "0.00", "1000000.00", Status.FAIL),
    ("1900000.00", "1000000.00", "1000000.00", Status.PASS),  # both at their limits
    ("1900000.01", "1000000.00", "1000000.00", Status.FAIL),
])
def test_the_grant_is_at_most_each_category_s_costs_times_its_rate(grant, fstp, other, status):
    result = outcome("funding_rates", RATES, budget(grant, fstp, other))

    assert result.status == status
    allowed = Decimal(fstp) + Decimal(other) * Decimal("0.9")
    assert result.required == str(allowed.quantize(Decimal("0.01")))


def test_a_failed_funding_rate_says_the_largest_grant_the_rates_allow():
    result = outcome("funding_rates", RATES, budget("1900000.01", "1000000.00", "1000000.00"))

    assert "100 %" in result.message and "90 %" in result.message
    assert "EUR 1,900,000.00" in result.message
    assert "Lower the requested grant to at most EUR 1,900,000.00" in result.hint


def test_without_costs_by_category_the_funding_rate_is_missing_not_failed():
    result = outcome("funding_rates", RATES, consortium())

    assert result.status == Status.MISSING
    assert "by category" in result.message


def test_the_funding_rate_explains_itself_in_romanian():
    rule = configured("funding_rates", RATES)
    with translation.override("ro"):
        text = rule.explain(params(rules=[]))
    assert "100 %" in text and "90 %" in text and "terți" in text


# Share of the grant passed on to third parties ----------------------------------------------

@pytest.mark.parametrize("grant, fstp, status", [
    ("1000000.00", "750000.00", Status.PASS),  # exactly 75 %
    ("1000000.00", "749999.99", Status.FAIL),
    ("1000000.00", "1000000.00", Status.PASS),
])
def test_at_least_the_minimum_share_of_the_grant_goes_to_third_parties(grant, fstp, status):
    result = outcome("fstp_share", {"minimum": "0.75"}, budget(grant, fstp, "300000.00"))

    assert result.status == status
    assert result.required == "750000.00"


def test_a_share_too_small_says_how_much_must_be_passed_on():
    result = outcome("fstp_share", {"minimum": "0.75"},
                     budget("1000000.00", "500000.00", "600000.00"))

    assert "50 %" in result.message
    assert "Pass on at least EUR 750,000.00" in result.hint


def test_the_share_is_missing_until_the_costs_by_category_are_given():
    assert outcome("fstp_share", {"minimum": "0.75"}).status == Status.MISSING


# Minimum grant --------------------------------------------------------------------------------

@pytest.mark.parametrize("grant, status", [
    ("200000.00", Status.PASS), ("199999.99", Status.FAIL), ("448750.00", Status.PASS),
])
def test_the_grant_is_at_least_the_minimum(grant, status):
    result = outcome("min_grant", {"minimum": "200000.00"},
                     consortium(requested_grant=Decimal(grant)))

    assert result.status == status


def test_a_minimum_grant_not_known_is_not_checked_never_passed():
    rule = configured("min_grant", {"minimum": None},
                      provenance={"minimum": {"basis": "not_known", "source": ""}})
    result = rule.check(consortium(requested_grant=Decimal("1.00")), params(rules=[]),
                        BEFORE_DEADLINE)

    assert result.status == Status.NOT_CHECKED
    with translation.override("ro"):
        romanian = rule.check(consortium(), params(rules=[]), BEFORE_DEADLINE)
    assert romanian.message != result.message


# Roles that count and members of a type ------------------------------------------------------

AFFILIATE = replace(GERMAN, name="Cluster Affiliate", role="affiliated_entity")
ASSOCIATE = replace(GERMAN, name="Associated Partner", role="associated_partner")


def test_affiliated_entities_and_associated_partners_do_not_count_by_default():
    facts = consortium(ROMANIAN, ITALIAN, AFFILIATE, ASSOCIATE)

    result = outcome("min_entities", {"minimum": 3}, facts)

    assert (result.status, result.actual) == (Status.FAIL, 2)
    assert "Not counted for their role: Cluster Affiliate, Associated Partner." in result.message


def test_a_call_may_count_affiliated_entities_towards_its_minimum():
    facts = consortium(ROMANIAN, ITALIAN, AFFILIATE)
    options = {"minimum": 3, "counting_roles": ["coordinator", "beneficiary",
                                                 "affiliated_entity"]}

    assert outcome("min_entities", options, facts).status == Status.PASS


def test_only_counting_roles_make_up_the_minimum_number_of_countries():
    facts = consortium(ROMANIAN, ITALIAN, AFFILIATE)

    result = outcome("min_countries", {"minimum": 3}, facts)

    assert (result.status, result.actual) == (Status.FAIL, 2)
    assert "Cluster Affiliate" in result.message


def test_beneficiaries_and_the_coordinator_count_as_before_roles_were_told_apart():
    assert outcome("min_entities", {"minimum": 3}).status == Status.PASS
    assert outcome("min_countries", {"minimum": 3}).status == Status.PASS


CLUSTERS = {"minimum": 3, "types": ["cluster_organisation", "business_network"]}


def test_three_cluster_organisations_or_networks_pass():
    result = outcome("min_members_of_type", CLUSTERS)

    assert (result.status, result.actual, result.required) == (Status.PASS, 3, 3)


def test_a_member_of_another_type_or_role_does_not_count():
    park = replace(GERMAN, organisation_type="science_park")
    affiliated_cluster = replace(ITALIAN, role="affiliated_entity")

    result = outcome("min_members_of_type", CLUSTERS,
                     consortium(ROMANIAN, affiliated_cluster, park))

    assert (result.status, result.actual) == (Status.FAIL, 1)
    assert "Add 2 more members" in result.hint


def test_a_member_whose_type_is_not_given_may_still_count():
    unknown = replace(GERMAN, organisation_type=None)

    result = outcome("min_members_of_type", CLUSTERS, consortium(ROMANIAN, ITALIAN, unknown))

    assert result.status == Status.MISSING


# Exclusions by EU law ---------------------------------------------------------------------------

def test_a_member_declaring_russian_public_control_makes_the_consortium_not_eligible():
    declared = replace(GERMAN, declarations=frozenset({"ru_public_control"}))
    rule = configured("excluded_ru_public_control")

    report = evaluate(consortium(ROMANIAN, ITALIAN, declared), with_rules(rule),
                      as_of=BEFORE_DEADLINE)

    result = report.outcome("excluded_ru_public_control")
    assert (result.status, report.verdict) == (Status.FAIL, Verdict.NOT_ELIGIBLE)
    assert "833/2014, art. 5l" in result.message and "not eligible" in result.message
    assert result.actual == ["Cluster Stuttgart"]


def test_a_hungarian_public_interest_trust_may_apply_but_cannot_sign():
    declared = replace(ITALIAN, declarations=frozenset({"hu_public_interest_trust"}))
    rule = configured("excluded_hu_public_interest_trust", severity="advisory")

    report = evaluate(consortium(ROMANIAN, declared, GERMAN), with_rules(rule),
                      as_of=BEFORE_DEADLINE)

    result = report.outcome("excluded_hu_public_interest_trust")
    assert (result.status, result.severity) == (Status.FAIL, "advisory")
    assert report.verdict == Verdict.ELIGIBLE
    assert "2022/2506" in result.message and "no grant can be signed" in result.message


def test_without_a_declaration_the_exclusions_pass():
    for code in ("excluded_ru_public_control", "excluded_hu_public_interest_trust"):
        assert outcome(code, {}).status == Status.PASS


def test_the_exclusions_explain_themselves_in_romanian_with_their_law():
    with translation.override("ro"):
        russian = configured("excluded_ru_public_control").explain(params(rules=[]))
        hungarian = configured("excluded_hu_public_interest_trust").explain(params(rules=[]))
    assert "833/2014" in russian and "Rusia" in russian
    assert "2022/2506" in hungarian and "maghiar" in hungarian


@pytest.mark.parametrize("code, wrong", [
    ("excluded_ru_public_control", "advisory"), ("excluded_hu_public_interest_trust", "blocking"),
])
def test_a_call_cannot_give_an_exclusion_another_consequence_than_the_law(code, wrong):
    assert configured(code, severity=wrong).call_problems(call=None)
    right = "blocking" if wrong == "advisory" else "advisory"
    assert configured(code, severity=right).call_problems(call=None) == []


def test_what_a_call_lacks_for_a_rule_is_said_in_the_reader_s_language():
    with translation.override("ro"):
        problems = configured("excluded_ru_public_control", severity="advisory").call_problems(
            call=None
        )
    assert problems == ["consecința prevăzută de lege face ca această regulă să fie eliminatorie."]


# Participation signed or being negotiated ----------------------------------------------------

UKRAINIAN = replace(GERMAN, name="Cluster Kyiv", country="UA", region=None)
PENDING = MappingProxyType({"UA": PendingParticipation("signed", "Agreement signed, source X")})


def test_a_member_from_a_country_whose_agreement_is_only_signed_may_apply_provisionally():
    result = outcome("eligible_countries", {}, consortium(ROMANIAN, ITALIAN, UKRAINIAN),
                     participation_pending=PENDING)

    assert result.status == Status.PASS
    assert result.provisional == ["the participation of Ukraine: Agreement signed, source X"]
    assert "Cluster Kyiv (Ukraine) may apply, but cannot sign" in result.message
    with translation.override("ro"):
        romanian = outcome("eligible_countries", {}, consortium(ROMANIAN, ITALIAN, UKRAINIAN),
                           participation_pending=PENDING)
    assert "nu poate" in romanian.message or "nu pot" in romanian.message


def test_members_from_countries_in_force_are_not_provisional():
    result = outcome("eligible_countries", {}, participation_pending=PENDING)

    assert (result.status, result.provisional) == (Status.PASS, [])


# A deadline whose hour is not known -------------------------------------------------------------

DAY_ONLY = {"deadline": datetime(2015, 3, 31, tzinfo=BRUSSELS), "deadline_hour_known": False}


@pytest.mark.parametrize("at, status", [
    (datetime(2015, 3, 30, 23, 59, 59, tzinfo=BRUSSELS), Status.PASS),
    (datetime(2015, 3, 31, 0, 0, tzinfo=BRUSSELS), Status.NOT_CHECKED),
    (datetime(2015, 3, 31, 23, 59, 59, tzinfo=BRUSSELS), Status.NOT_CHECKED),
    (datetime(2015, 4, 1, 0, 0, tzinfo=BRUSSELS), Status.FAIL),
])
def test_on_the_deadline_day_whose_hour_is_not_known_the_deadline_is_not_checked(at, status):
    result = outcome("deadline", {}, at=at, **DAY_ONLY)

    assert result.status == status


def test_the_deadline_day_is_read_in_the_deadline_s_time_zone():
    # 22:30 UTC on 31 March is already 1 April in Brussels (summer time).
    at = datetime(2015, 3, 31, 22, 30, tzinfo=BRUSSELS).astimezone(BRUSSELS)
    utc_evening = datetime.fromisoformat("2015-03-31T22:30:00+00:00")
    assert outcome("deadline", {}, at=utc_evening, **DAY_ONLY).status == Status.FAIL
    assert outcome("deadline", {}, at=at, **DAY_ONLY).status == Status.NOT_CHECKED


def test_a_deadline_whose_hour_is_not_known_says_so_in_both_languages():
    rule = configured("deadline")
    call = params(rules=[], **DAY_ONLY)
    assert "hour of the deadline is not known" in rule.explain(call)
    with translation.override("ro"):
        assert "ora" in rule.explain(call)
