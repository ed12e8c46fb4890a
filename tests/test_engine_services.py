"""Checking saved consortia: the snapshot is built in a fixed number of queries."""
from datetime import date, datetime
from decimal import Decimal
import json
from pathlib import Path
import zoneinfo

import pytest

from accounts.models import User
from calls.fixtures import call_fixtures_load
from calls.models import Call, CallRule, Programme, Region
from consortia.models import Consortium, Member
from eligibility import cache
from eligibility.facts import build_call_parameters, call_parameters, facts_from_consortium
from eligibility.services import check_consortium

pytestmark = pytest.mark.django_db

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
ESCP_S3 = "COS-CLUSTPARTNS-2017-3-02"
ESCP_S3_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "calls" / "escp_s3_2017.json"
MEMBERS = [
    ("Cluster Nord-Est", "RO", "RO21", "cluster_organisation", "registered"),
    ("Distretto Campano", "IT", "ITF3", "business_network", "requested"),
    ("Cluster Stuttgart", "DE", "DE11", "cluster_organisation", "registered"),
    ("Ukrainian Textile Cluster", "UA", None, "cluster_organisation", "requested"),
]


@pytest.fixture
def consortium() -> Consortium:
    call = Call.objects.get(reference=ESCP_S3)
    owner = User.objects.create_user(email="owner@example.org", password="a-long-password-42")
    consortium = Consortium.objects.create(
        owner=owner, call=call, acronym="TEXS3", duration_months=24,
        start_date=date(2018, 11, 1), total_eligible_costs=Decimal("466667.00"),
        requested_grant=Decimal("350000.00"),
    )
    for number, (name, country, region, kind, eccp) in enumerate(MEMBERS):
        Member.objects.create(
            consortium=consortium, name=name, country_id=country,
            region=Region.objects.get(classification=call.region_classification, code=region)
            if region else None,
            organisation_type=kind, eccp_status=eccp, is_coordinator=number == 0,
        )
    return consortium


def test_a_saved_consortium_is_checked_against_its_call(consortium):
    report = check_consortium(consortium, as_of=datetime(2018, 3, 1, 9, tzinfo=BRUSSELS))
    assert report.call == ESCP_S3
    assert str(report.verdict) == "eligible"


def test_checking_defaults_to_now_which_is_after_the_deadline(consortium):
    report = check_consortium(consortium)
    assert report.outcome("deadline").status == "fail"
    assert str(report.verdict) == "not_eligible"


def test_the_snapshot_takes_one_query_and_keeps_member_facts(
    consortium, django_assert_num_queries
):
    with django_assert_num_queries(1):
        facts = facts_from_consortium(consortium)
    coordinator = facts.members[0]
    assert (coordinator.name, coordinator.country, coordinator.region,
            coordinator.region_category, coordinator.role) == (
        "Cluster Nord-Est", "RO", "RO21", "less_developed", "coordinator")
    assert facts.members[3].region is None
    assert facts.project.requested_grant == Decimal("350000.00")


def test_the_call_parameters_are_built_once_per_process_and_version(django_assert_num_queries):
    cache.clear()
    call = Call.objects.get(reference=ESCP_S3)
    # The call, its rules, its strands, the countries taking part, the regions, their aliases.
    with django_assert_num_queries(6):
        params = call_parameters(call)
    with django_assert_num_queries(0):
        assert call_parameters(call) is params
    # Another request reads the call again, with its version: nothing is rebuilt.
    again = Call.objects.get(reference=ESCP_S3)
    with django_assert_num_queries(0):
        assert call_parameters(again) is params


def test_a_change_made_by_another_process_is_seen_at_the_next_check():
    cache.clear()
    before = call_parameters(Call.objects.get(reference=ESCP_S3))
    # Another process edits the rule and bumps the version; this process's cache is stale.
    CallRule.objects.filter(call__reference=ESCP_S3, code="max_grant").update(
        options={"maximum": "300000.00"}
    )
    Call.objects.get(reference=ESCP_S3).version_bump()

    after = call_parameters(Call.objects.get(reference=ESCP_S3))

    assert after is not before and after.version == before.version + 1
    assert after.rule_settings["max_grant"].options["maximum"] == Decimal("300000.00")
    assert before.rule_settings["max_grant"].options["maximum"] == Decimal("350000.00")


def test_two_processes_each_rebuild_once_after_a_version_bump(django_assert_num_queries):
    """A process is its cache: clearing it is a fresh process that builds from the database."""
    cache.clear()
    first_process = call_parameters(Call.objects.get(reference=ESCP_S3))
    cache.clear()  # the second process starts
    second_process = call_parameters(Call.objects.get(reference=ESCP_S3))
    assert second_process is not first_process
    assert second_process.version == first_process.version

    Call.objects.get(reference=ESCP_S3).version_bump()  # a fixture load, elsewhere
    call = Call.objects.get(reference=ESCP_S3)
    with django_assert_num_queries(6):
        rebuilt = call_parameters(call)
    assert rebuilt.version == first_process.version + 1
    again = Call.objects.get(reference=ESCP_S3)
    with django_assert_num_queries(0):
        assert call_parameters(again) is rebuilt


def test_loading_a_changed_call_bumps_its_version_and_an_unchanged_one_does_not():
    call = Call.objects.get(reference=ESCP_S3)
    objects = json.loads(ESCP_S3_FILE.read_text())
    call_fixtures_load(sources=[("escp.json", json.dumps(objects))])
    assert Call.objects.get(pk=call.pk).version == call.version

    grant = next(rule for rule in objects if rule["fields"].get("code") == "max_grant")
    grant["fields"]["options"]["maximum"] = "300000.00"
    call_fixtures_load(sources=[("escp.json", json.dumps(objects))])
    assert Call.objects.get(pk=call.pk).version == call.version + 1


def test_reloading_changed_reference_data_bumps_every_call():
    versions = dict(Call.objects.values_list("reference", "version"))
    programme = Programme.objects.get(code="cosme")
    changed = [{"model": "calls.programme", "fields": {
        "code": "cosme", "name": programme.name + " (renamed)",
        "starts_on": programme.starts_on.isoformat(), "ends_on": programme.ends_on.isoformat(),
        "legal_basis": programme.legal_basis, "source": programme.source,
    }}]
    assert call_fixtures_load(sources=[("programme.json", json.dumps(changed))]).ok
    assert all(
        version == versions[reference] + 1
        for reference, version in Call.objects.values_list("reference", "version")
    )


def test_the_eligible_countries_are_those_taking_part_on_the_deadline_date():
    params = build_call_parameters(Call.objects.get(reference=ESCP_S3))
    assert {"GB", "GR", "XK", "UA", "IS", "TR", "RO"} <= params.eligible_countries
    assert not {"NO", "LI", "CH", "US"} & params.eligible_countries
    assert len(params.eligible_countries) == 39
    assert params.deadline_local.isoformat() == "2018-03-08T17:00:00+01:00"


def test_the_parameters_list_the_qualifying_regions_per_country():
    params = build_call_parameters(Call.objects.get(reference=ESCP_S3))
    rule = params.rule_settings["region_category"]
    romanian = {region.code for region in rule.qualifying_regions(params)["RO"]}
    assert romanian == {"RO11", "RO12", "RO21", "RO22", "RO31", "RO41", "RO42"}
    assert "DE" in params.countries_with_regions and "UA" not in params.countries_with_regions
    assert [setting.code for setting in params.rules][-1] == "cluster_org_per_region"


def test_prefetched_members_are_used_without_another_query(consortium, django_assert_num_queries):
    prefetched = Consortium.objects.with_members().get(pk=consortium.pk)
    with django_assert_num_queries(0):
        facts = facts_from_consortium(prefetched)
    assert facts == facts_from_consortium(consortium)
    assert facts.members[0].role == "coordinator"
