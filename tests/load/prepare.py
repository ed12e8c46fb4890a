"""Prepare the load test's scratch database and print the plan the simulated clients follow.

    DATABASE_URL=postgres://.../loadtest_... python -m tests.load.prepare REVIEWERS

Migrates, loads the countries, the 2014-2020 regions and ESCP-S3 (as load_call would), makes
the practice call (ESCP-S3's rules, a deadline four weeks away, as seed_demo makes it),
REVIEWERS national contact points, half for Romania and half for Germany, and a few
submissions already waiting in their queue. Prints JSON: the call, a start date in its
window, the region ids of the members' regions, the reviewers' addresses and their password.
"""
from datetime import date
import json
import os
import secrets
import sys

import django

MEMBER_REGIONS = ["RO11", "PT11", "DED2"]
WAITING_SUBMISSIONS = 4


def main(reviewers: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.load.settings")
    django.setup()
    from django.core.management import call_command
    from django.utils import timezone

    from accounts.models import User
    from calls.fixtures import FIXTURES_DIR, call_fixtures_load, read_fixture_files
    from calls.models import Call, Region
    from consortia.management.commands.seed_demo import PRACTICE_CALL, practice_fixture
    from consortia.models import Consortium, Member
    from consortia.services import consortium_submit
    from reviews.models import NationalContactPoint

    call_command("migrate", verbosity=0)
    sources, unreadable = read_fixture_files([
        FIXTURES_DIR / "countries.json", FIXTURES_DIR / "regions_2014_2020.json",
        FIXTURES_DIR / "calls" / "escp_s3_2017.json",
    ])
    assert not unreadable, unreadable
    loaded = call_fixtures_load(sources=sources)
    assert loaded.ok, loaded.problems
    source = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    practice = call_fixtures_load(sources=[
        ("practice.json", json.dumps(practice_fixture(source, timezone.now())))
    ])
    assert practice.ok, practice.problems
    call = Call.objects.get(reference=PRACTICE_CALL)

    password = secrets.token_urlsafe(16)
    addresses = []
    for number in range(reviewers):
        country = "RO" if number % 2 == 0 else "DE"
        user = User.objects.create_user(email=f"ncp-{number}-{country.lower()}@example.org",
                                        password=password)
        contact_point = NationalContactPoint.objects.create(user=user)
        contact_point.countries.set([country])
        addresses.append(user.email)
    regions = Region.objects.filter(classification=call.region_classification,
                                    code__in=MEMBER_REGIONS)
    by_code = {region.code: region for region in regions}
    applicant = User.objects.create_user(email="waiting@example.org", password=password)
    start = date.fromisoformat(call.rule_options("start_window")["earliest"])
    for number in range(WAITING_SUBMISSIONS):
        consortium = Consortium.objects.create(
            owner=applicant, call=call, acronym=f"WAIT{number}", title="Waiting for review",
            duration_months=24, start_date=start,
            total_eligible_costs="466666.67", requested_grant="350000.00",
        )
        for name, country, code, kind, coordinator in (
            ("Cluster Nord-Vest", "RO", "RO11", "cluster_organisation", True),
            ("Cluster Norte", "PT", "PT11", "cluster_organisation", False),
            ("Netzwerk Dresden", "DE", "DED2", "business_network", False),
        ):
            Member.objects.create(consortium=consortium, name=name, country_id=country,
                                  region=by_code[code], organisation_type=kind,
                                  eccp_status="registered", is_coordinator=coordinator)
        consortium_submit(consortium=consortium, user=applicant)
    return {
        "call": call.reference,
        "start_date": call.rule_options("start_window")["earliest"],
        "regions": {region.code: region.pk for region in regions},
        "reviewers": addresses,
        "reviewer_password": password,
        "waiting_submissions": WAITING_SUBMISSIONS,
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
