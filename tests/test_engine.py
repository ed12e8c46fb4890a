"""The engine and its rules on hand-made facts: no database is touched (none is allowed here)."""
from dataclasses import fields, replace
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.utils import translation
import pytest

from eligibility.engine import Outcome, Report, Status, Verdict, evaluate, verdict_of
from eligibility.facts import MemberFacts
from eligibility.rules import RULES
from tests.fixtures.eligibility_builders import (
    BEFORE_DEADLINE,
    DEADLINE,
    GERMAN,
    ITALIAN,
    ROMANIAN,
    TODAYS_RULES,
    configured,
    consortium,
    member,
    params,
)


def outcome_of(report: Report, code: str) -> Outcome:
    outcome = report.outcome(code)
    assert outcome is not None, code
    return outcome


def check(facts=None, *, at=BEFORE_DEADLINE, **call) -> Report:
    return evaluate(facts or consortium(), params(**call), as_of=at)


def test_an_eligible_consortium_passes_every_rule_and_may_submit():
    report = check()
    assert report.verdict == Verdict.ELIGIBLE
    assert report.submission_allowed
    assert {outcome.status for outcome in report.outcomes} == {Status.PASS}


def test_every_configured_rule_runs_in_the_order_of_the_rule_codes():
    report = check()
    assert [outcome.rule for outcome in report.outcomes] == TODAYS_RULES


def test_a_rule_the_call_does_not_configure_does_not_run():
    report = check(rules=["min_entities", "duration"])
    assert [outcome.rule for outcome in report.outcomes] == ["min_entities", "duration"]


def test_severity_and_reference_come_from_the_call():
    report = check()
    advisory = outcome_of(report, "cluster_org_per_region")
    assert advisory.severity == "advisory"
    assert advisory.reference == "Call text (cluster_org_per_region)"
    assert outcome_of(report, "max_grant").severity == "blocking"


def test_every_rule_class_has_a_code_and_a_docstring_citing_its_source():
    assert set(TODAYS_RULES) <= set(RULES)
    for rule in RULES.values():
        assert rule.__doc__ and ("Call text" in rule.__doc__ or "source" in rule.__doc__), rule


def test_nothing_stops_at_the_first_failure():
    facts = consortium(member("Alone Inc.", "US", None, organisation_type="other",
                              eccp_status="none"),
                       duration_months=30, requested_grant=Decimal("500000.00"))
    report = check(facts, at=DEADLINE)
    failed = {outcome.rule for outcome in report.outcomes if outcome.status == Status.FAIL}
    assert failed >= {"eligible_countries", "min_entities", "min_countries", "organisation_types",
                      "region_category", "eccp_registration", "max_grant", "cofinancing_rate",
                      "duration", "deadline"}


@pytest.mark.parametrize("statuses, verdict", [
    ([("blocking", Status.PASS), ("advisory", Status.FAIL)], Verdict.ELIGIBLE),
    ([("blocking", Status.PASS), ("advisory", Status.MISSING)], Verdict.ELIGIBLE),
    ([("blocking", Status.MISSING), ("blocking", Status.PASS)], Verdict.INCOMPLETE),
    ([("blocking", Status.MISSING), ("blocking", Status.FAIL)], Verdict.NOT_ELIGIBLE),
    ([("blocking", Status.FAIL), ("advisory", Status.PASS)], Verdict.NOT_ELIGIBLE),
    ([], Verdict.ELIGIBLE),
])
def test_the_verdict_follows_blocking_outcomes_only(statuses, verdict):
    outcomes = [Outcome(rule="x", status=status, severity=severity, message="")
                for severity, status in statuses]
    assert verdict_of(outcomes) == verdict


def test_submission_is_allowed_only_when_eligible():
    assert not check(at=DEADLINE).submission_allowed
    assert not check(consortium(replace(GERMAN, eccp_status=None))).submission_allowed


def test_the_report_has_exactly_the_documented_json_shape():
    data = check().to_dict()
    assert list(data) == ["call", "verdict", "submission_allowed", "outcomes"]
    assert data["call"] == "COS-CLUSTPARTNS-2017-3-02"
    assert data["verdict"] == "eligible" and data["submission_allowed"] is True
    for outcome in data["outcomes"]:
        assert set(outcome) == {"rule", "status", "severity", "actual", "required", "message",
                                "reference", "hint", "provisional"}
        assert isinstance(outcome["message"], str) and outcome["message"]


def test_outcomes_count_members_in_eligible_countries_only_and_name_the_others():
    facts = consortium(ROMANIAN, ITALIAN, member("Textile Alliance Inc.", "US", None))
    report = check(facts)
    entities = outcome_of(report, "min_entities")
    assert (entities.status, entities.actual, entities.required) == (Status.FAIL, 2, 3)
    assert "Textile Alliance Inc. (United States)" in entities.message
    assert "Add 1 more member" in entities.hint
    countries = outcome_of(report, "eligible_countries")
    assert countries.status == Status.FAIL
    assert "Textile Alliance Inc. (United States)" in countries.message


def test_min_countries_names_the_countries_and_what_to_add():
    facts = consortium(ROMANIAN, replace(ROMANIAN, name="Cluster Sud-Est", role="partner"),
                       ITALIAN)
    outcome = outcome_of(check(facts), "min_countries")
    assert (outcome.status, outcome.actual, outcome.required) == (Status.FAIL, 2, 3)
    assert "Romania, Italy" in outcome.message
    assert "1 more eligible country, other than Romania, Italy" in outcome.hint


def test_a_member_without_country_makes_the_count_rules_missing_not_failed():
    facts = consortium(ROMANIAN, ITALIAN, MemberFacts(name="Unknown Partner"))
    report = check(facts)
    assert outcome_of(report, "eligible_countries").status == Status.MISSING
    assert outcome_of(report, "min_entities").status == Status.MISSING
    assert outcome_of(report, "min_countries").status == Status.MISSING
    assert report.verdict == Verdict.INCOMPLETE


def test_count_rules_fail_when_even_the_missing_countries_could_not_reach_the_minimum():
    facts = consortium(ROMANIAN, MemberFacts(name="Unknown Partner"))
    report = check(facts)
    assert outcome_of(report, "min_entities").status == Status.FAIL
    assert outcome_of(report, "min_countries").status == Status.FAIL


def test_region_hint_lists_the_qualifying_regions_in_the_members_countries():
    facts = consortium(GERMAN, replace(GERMAN, name="Cluster Köln", region="DEA2"),
                       member("Ukrainian Textile Cluster", "UA", None),
                       member("Kosovo Net", "XK", None))
    outcome = outcome_of(check(facts), "region_category")
    assert outcome.status == Status.FAIL
    assert "Brandenburg - Nordost (DE41)" in outcome.hint
    assert "Nord-Est" not in outcome.hint


def test_region_hint_names_countries_that_have_such_regions_when_the_members_have_none():
    facts = consortium(member("Ukrainian Textile Cluster", "UA", None),
                       member("Kosovo Net", "XK", None), member("Serbian Net", "RS", None))
    outcome = outcome_of(check(facts), "region_category")
    assert outcome.status == Status.FAIL
    assert "Romania" in outcome.hint and "Italy" in outcome.hint


def test_region_rule_names_the_member_and_region_that_qualify():
    outcome = outcome_of(check(), "region_category")
    assert outcome.status == Status.PASS
    assert outcome.actual == ["RO21", "ITF3"]
    assert "Cluster Nord-Est" in outcome.message and "(RO21)" in outcome.message


def test_a_qualifying_region_in_a_country_outside_the_programme_does_not_count():
    outside = params(eligible_countries=frozenset({"DE", "FR", "BE", "IT"}))
    facts = consortium(ROMANIAN, GERMAN, member("Lyon", "FR", "FR71"))
    report = evaluate(facts, outside, as_of=BEFORE_DEADLINE)
    assert report.outcome("region_category").status == Status.FAIL


def test_a_non_eu_member_needs_no_region():
    facts = consortium(ROMANIAN, GERMAN, member("Ukrainian Textile Cluster", "UA", None))
    report = check(facts)
    assert report.verdict == Verdict.ELIGIBLE
    assert outcome_of(report, "cluster_org_per_region").status == Status.PASS


@pytest.mark.parametrize("grant, status", [
    ("349999.99", Status.PASS), ("350000.00", Status.PASS), ("350000.01", Status.FAIL),
])
def test_max_grant_boundary(grant, status):
    outcome = outcome_of(check(consortium(requested_grant=Decimal(grant))), "max_grant")
    assert outcome.status == status
    assert (outcome.actual, outcome.required) == (grant, "350000.00")


def test_max_grant_failure_says_by_how_much_and_what_to_ask_for():
    outcome = outcome_of(check(consortium(requested_grant=Decimal("350000.01"))), "max_grant")
    assert "EUR 0.01" in outcome.message
    assert "EUR 350,000.00" in outcome.hint


@pytest.mark.parametrize("costs, grant, status", [
    ("400000.00", "300000.00", Status.PASS),
    ("400000.00", "300000.01", Status.FAIL),
    ("466667.00", "350000.25", Status.PASS),
    ("466667.00", "350000.26", Status.FAIL),
    ("0.00", "0.00", Status.PASS),
    ("0.00", "0.01", Status.FAIL),
])
def test_cofinancing_rate_is_exact_to_the_cent(costs, grant, status):
    facts = consortium(total_eligible_costs=Decimal(costs), requested_grant=Decimal(grant))
    assert outcome_of(check(facts, max_grant=Decimal("999999.00")),
                      "cofinancing_rate").status == status


def test_cofinancing_reports_the_largest_grant_the_rate_allows_rounded_down():
    outcome = outcome_of(check(), "cofinancing_rate")
    assert outcome.required == "350000.25"
    facts = consortium(total_eligible_costs=Decimal("400000.00"),
                       requested_grant=Decimal("300000.01"))
    failing = outcome_of(check(facts), "cofinancing_rate")
    assert "75.01 %" in failing.message
    assert "EUR 300,000.00" in failing.hint and "EUR 400,000.02" in failing.hint


@pytest.mark.parametrize("months, status", [
    (11, Status.FAIL), (12, Status.PASS), (24, Status.PASS), (25, Status.FAIL),
    (None, Status.MISSING),
])
def test_duration_boundaries(months, status):
    outcome = outcome_of(check(consortium(duration_months=months)), "duration")
    assert outcome.status == status
    assert outcome.required == {"min": 12, "max": 24}


@pytest.mark.parametrize("start, status", [
    (date(2018, 10, 31), Status.FAIL), (date(2018, 11, 1), Status.PASS),
    (date(2018, 12, 31), Status.PASS), (date(2019, 1, 1), Status.FAIL), (None, Status.MISSING),
])
def test_start_window_boundaries(start, status):
    assert outcome_of(check(consortium(start_date=start)), "start_window").status == status


def test_a_call_without_start_window_accepts_any_start():
    report = check(consortium(start_date=date(2030, 1, 1)), start_window_from=None,
                   start_window_to=None)
    assert outcome_of(report, "start_window").status == Status.PASS


@pytest.mark.parametrize("at, status", [
    (DEADLINE - timedelta(seconds=1), Status.PASS),
    (DEADLINE, Status.FAIL),
    (DEADLINE + timedelta(days=1), Status.FAIL),
])
def test_the_deadline_is_strict(at, status):
    outcome = outcome_of(check(at=at), "deadline")
    assert outcome.status == status
    assert outcome.required == "2018-03-08T17:00:00+01:00"


def test_the_deadline_outcome_speaks_in_the_calls_time_zone():
    at = datetime.fromisoformat("2018-03-08T15:59:59+00:00")
    outcome = outcome_of(check(at=at), "deadline")
    assert outcome.actual == "2018-03-08T16:59:59+01:00"
    assert "16:59:59" in outcome.message and "Europe/Brussels" in outcome.message


def test_organisation_type_and_eccp_failures_name_the_members_and_what_is_accepted():
    facts = consortium(ROMANIAN, ITALIAN,
                       replace(GERMAN, organisation_type="other", eccp_status="none"))
    report = check(facts)
    types = outcome_of(report, "organisation_types")
    assert types.status == Status.FAIL
    assert "Cluster Stuttgart (Other)" in types.message and "Science park" in types.message
    eccp = outcome_of(report, "eccp_registration")
    assert eccp.status == Status.FAIL
    assert "Cluster Stuttgart (Not registered)" in eccp.message
    assert "clustercollaboration.eu" in eccp.hint


def test_missing_member_facts_name_the_member():
    facts = consortium(ROMANIAN, ITALIAN, replace(GERMAN, organisation_type=None,
                                                  eccp_status=None))
    report = check(facts)
    assert report.verdict == Verdict.INCOMPLETE
    for code in ("organisation_types", "eccp_registration"):
        outcome = outcome_of(report, code)
        assert outcome.status == Status.MISSING
        assert "Cluster Stuttgart" in outcome.message


def test_cluster_org_per_region_fails_for_a_region_without_cluster_or_network():
    facts = consortium(ROMANIAN, ITALIAN, replace(GERMAN, organisation_type="science_park"))
    report = check(facts)
    outcome = outcome_of(report, "cluster_org_per_region")
    assert outcome.status == Status.FAIL
    assert "Region DE11 (DE11)" in outcome.message
    assert (outcome.actual, outcome.required) == (2, 3)
    assert report.verdict == Verdict.ELIGIBLE


def test_an_empty_consortium_is_not_eligible_and_says_members_are_missing():
    report = check(replace(consortium(), members=()))
    assert report.verdict == Verdict.NOT_ELIGIBLE
    assert outcome_of(report, "eligible_countries").status == Status.MISSING
    assert outcome_of(report, "min_entities").status == Status.FAIL


def test_messages_follow_the_active_language():
    facts = consortium(ROMANIAN, replace(ROMANIAN, name="Cluster Sud-Est", role="partner"),
                       ITALIAN)
    with translation.override("ro"):
        romanian = outcome_of(check(facts), "min_countries")
    english = outcome_of(check(facts), "min_countries")
    assert "România" in romanian.message
    assert "Romania" in english.message


def test_rules_explain_themselves_with_the_calls_parameters():
    call = params()
    explanations = {rule.code: rule.explain(call) for rule in call.rules}
    assert "EUR 350,000.00" in explanations["max_grant"]
    assert "75 %" in explanations["cofinancing_rate"]
    assert "12" in explanations["duration"] and "24" in explanations["duration"]
    assert "Kosovo*" in explanations["eligible_countries"]
    assert "3" in explanations["min_countries"]


def test_a_rule_whose_value_is_not_known_is_not_checked_and_leaves_the_verdict_alone():
    call = params(rules=["min_entities"])
    unknown = configured("max_grant", {"maximum": None},
                         provenance={"maximum": {"basis": "not_known", "source": ""}})
    call = replace_fields(call, rules=(*call.rules, unknown))
    report = evaluate(consortium(requested_grant=Decimal("9000000.00")), call,
                      as_of=BEFORE_DEADLINE)

    grant = outcome_of(report, "max_grant")
    assert (grant.status, grant.message) == (
        Status.NOT_CHECKED, "Not checked: the value is not known."
    )
    assert report.verdict == Verdict.ELIGIBLE


def test_a_rule_resting_on_a_secondary_source_is_provisional_and_says_from_where():
    secondary = configured("max_grant", {"maximum": Decimal("350000.00")}, provenance={
        "maximum": {"basis": "secondary", "source": "Tillväxtverket's summary"},
    })
    report = evaluate(consortium(), replace_fields(params(), rules=(secondary,)),
                      as_of=BEFORE_DEADLINE)

    assert outcome_of(report, "max_grant").provisional == ["Tillväxtverket's summary"]
    assert outcome_of(report, "max_grant").to_dict()["provisional"] == [
        "Tillväxtverket's summary"
    ]


def test_a_rule_reading_a_secondary_deadline_is_provisional():
    call = params(rules=["deadline"], provenance={
        "deadline": {"basis": "secondary", "source": "Four summaries"},
    })
    assert outcome_of(evaluate(consortium(), call, as_of=BEFORE_DEADLINE),
                      "deadline").provisional == ["Four summaries"]


def test_a_strand_rule_replaces_the_call_rule_of_the_same_code():
    lower = configured("max_grant", {"maximum": Decimal("200000.00")}, strand="2")
    call = replace_fields(params(), strand_rules={"2": (lower,)})

    in_strand = evaluate(consortium(strand="2"), call, as_of=BEFORE_DEADLINE)
    elsewhere = evaluate(consortium(strand="1"), call, as_of=BEFORE_DEADLINE)

    assert outcome_of(in_strand, "max_grant").status == Status.FAIL
    assert outcome_of(elsewhere, "max_grant").status == Status.PASS
    assert [o.rule for o in in_strand.outcomes] == [o.rule for o in elsewhere.outcomes]


def base_fields(call) -> dict:
    return {field.name: getattr(call, field.name) for field in fields(call) if field.init}


def replace_fields(call, **changes):
    return type(call)(**{**base_fields(call), **changes})
