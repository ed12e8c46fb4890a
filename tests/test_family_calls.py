"""The five calls of the family before and after ESCP-S3 (CALLS.md §7) as loaded by
load_reference_data: their strands, their rules with provenance, what is not known."""
import copy
from datetime import date
import json
from pathlib import Path

from django.urls import reverse
import pytest

from calls.fixtures import call_fixtures_load
from calls.models import Call, CallRule

pytestmark = pytest.mark.django_db

CALL_FILES = Path(__file__).resolve().parent.parent / "fixtures" / "calls"
FAMILY = {
    "COS-CLUSTER-2014-3-03": ("clusters_go_international_2014.json", ["1", "2"]),
    "COS-CLUSINT-2016-03-01": ("clusters_go_international_2016.json", ["1a", "1b", "2"]),
    "COS-CLUSTER-2020-3-03": ("cluster_excellence_2020.json", []),
    "SMP-COSME-2021-CLUSTER-01": ("euroclusters_2021.json", [
        "open", "tourism", "mobility", "aerospace-defence", "construction", "agri-food",
        "energy-intensive", "textile", "creative-cultural", "digital", "renewable-energy",
        "electronics", "retail", "proximity-social", "health",
    ]),
    "SMP-COSME-2024-CLUSTER-01": ("euroclusters_2024.json", ["1", "2"]),
}


def options(reference: str, code: str, strand: str | None = None) -> dict:
    rule = CallRule.objects.get(call__reference=reference, code=code, strand__code=strand)
    return rule.options


@pytest.mark.parametrize("reference", sorted(FAMILY))
def test_each_family_call_is_loaded_closed_with_its_strands_in_order(reference):
    call = Call.objects.get(reference=reference)

    assert not call.is_open()
    assert list(call.strands.values_list("code", flat=True)) == FAMILY[reference][1]
    assert all(call.strands.values_list("title_ro", flat=True))
    assert call.sources and call.gaps
    # No Romanian text of these calls is in our reference: no Romanian title is made up.
    assert call.title_ro == ""


@pytest.mark.parametrize("reference", sorted(FAMILY))
def test_every_option_of_a_family_call_says_where_it_comes_from(reference):
    for rule in CallRule.objects.filter(call__reference=reference):
        assert set(rule.options) == set(rule.provenance), rule
        for name, value in rule.options.items():
            basis = rule.provenance[name]["basis"]
            assert (value is None) == (basis == "not_known"), (rule, name)
            assert basis == "not_known" or rule.provenance[name]["source"].strip(), (rule, name)


def test_strands_carry_their_own_caps_as_strand_rules():
    assert options("COS-CLUSTER-2014-3-03", "max_grant", "1") == {"maximum": "187500.00"}
    assert options("COS-CLUSTER-2014-3-03", "max_grant", "2") == {"maximum": "450000.00"}
    for strand in ("1a", "1b"):
        assert options("COS-CLUSINT-2016-03-01", "max_grant", strand) == {
            "maximum": "200000.00"
        }
    assert options("COS-CLUSINT-2016-03-01", "max_grant", "2") == {"maximum": "448750.00"}
    assert options("COS-CLUSINT-2016-03-01", "min_grant", "2") == {"minimum": None}


def test_the_euroclusters_fund_third_parties_in_full_and_other_costs_at_90_percent():
    for reference in ("SMP-COSME-2021-CLUSTER-01", "SMP-COSME-2024-CLUSTER-01"):
        assert options(reference, "funding_rates") == {"fstp": "1.0000", "other": "0.9000"}
    rule = CallRule.objects.get(call__reference="SMP-COSME-2024-CLUSTER-01",
                                code="funding_rates")
    assert rule.provenance["fstp"]["basis"] == "official"
    assert options("SMP-COSME-2024-CLUSTER-01", "fstp_share") == {"minimum": "0.7500"}
    assert options("SMP-COSME-2021-CLUSTER-01", "fstp_share") == {"minimum": None}


def test_the_2024_call_has_a_maximum_duration_and_no_minimum():
    assert options("SMP-COSME-2024-CLUSTER-01", "duration") == {"maximum": 36}


def test_the_2024_call_applies_the_exclusions_of_eu_law_with_their_consequence():
    severities = dict(CallRule.objects.filter(
        call__reference="SMP-COSME-2024-CLUSTER-01", code__startswith="excluded_"
    ).values_list("code", "severity"))
    assert severities == {
        "excluded_ru_public_control": "blocking",
        "excluded_hu_public_interest_trust": "advisory",
    }


def test_a_deadline_whose_hour_is_not_known_is_its_day_at_midnight_brussels_time():
    for reference, day in (("COS-CLUSTER-2014-3-03", date(2015, 3, 31)),
                           ("COS-CLUSINT-2016-03-01", date(2017, 5, 23))):
        call = Call.objects.get(reference=reference)
        assert not call.deadline_hour_known
        assert (call.deadline_local.date(), call.deadline_local.hour) == (day, 0)
    assert Call.objects.get(reference="SMP-COSME-2024-CLUSTER-01").deadline_hour_known


def test_the_2020_call_reads_cosme_participation_on_the_programme_s_last_day():
    call = Call.objects.get(reference="COS-CLUSTER-2020-3-03")

    assert call.participation_date == date(2020, 12, 31) == call.programme.ends_on
    assert call.provenance["participation_on"]["basis"] == "secondary"


def test_the_call_page_says_the_hour_of_a_deadline_is_not_known(client):
    html = client.get(reverse("calls:detail", args=["COS-CLUSTER-2014-3-03"])).content.decode()

    assert "31 March 2015" in html and "(hour not known)" in html


def family_objects(reference: str) -> list[dict]:
    return json.loads((CALL_FILES / FAMILY[reference][0]).read_text(encoding="utf-8"))


def test_a_call_giving_an_exclusion_another_consequence_than_the_law_is_refused():
    objects = copy.deepcopy(family_objects("SMP-COSME-2024-CLUSTER-01"))
    rule = next(item for item in objects
                if item["fields"].get("code") == "excluded_hu_public_interest_trust")
    rule["fields"]["severity"] = "blocking"

    report = call_fixtures_load(sources=[("euroclusters_2024.json", json.dumps(objects))])

    assert not report.ok
    assert any("makes this rule advisory" in str(problem) for problem in report.problems)


def test_a_deadline_whose_hour_is_not_known_must_be_written_at_midnight():
    objects = copy.deepcopy(family_objects("COS-CLUSTER-2014-3-03"))
    objects[0]["fields"]["deadline"] = "2015-03-31T17:00:00+02:00"

    report = call_fixtures_load(sources=[("c.json", json.dumps(objects))])

    assert not report.ok
    assert any("00:00" in str(problem) for problem in report.problems)


def test_a_call_reading_participation_on_another_day_says_which_day_it_reads():
    from eligibility.facts import call_parameters
    from eligibility.rules import rule_class

    params = call_parameters(Call.objects.get(reference="COS-CLUSTER-2020-3-03"))
    rule = next(rule for rule in params.rules if isinstance(rule, rule_class("eligible_countries")))

    assert "2 February 2021 (as the programme's participation stood on 31 December 2020)" in (
        rule.explain(params)
    )
