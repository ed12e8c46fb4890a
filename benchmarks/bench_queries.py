"""SQL queries per request, for a small and a large case of each: they must be the same.

    .venv/bin/python benchmarks/bench_queries.py

Runs in a throw-away test database (in memory on SQLite, ``test_<name>`` on PostgreSQL) with
the reference data loaded, through Django's test client:

* the consortium page, for 3 and 30 members;
* the API check (POST /api/v1/eligibility-checks), for 3 and 30 members;
* the review queue (first page; a country filter; a search), for 10 and 1,000 submissions;
* the CSV export of the queue, for 10 and 1,000 submissions.

The same budgets are asserted by tests/test_query_counts.py. Results go to
benchmarks/results/queries.json.
"""
import json
from pathlib import Path
import sys

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import environment  # noqa: E402

MEMBER_PLACES = [("RO", "RO11"), ("PT", "PT11"), ("DE", "DED2"), ("IT", "ITF3"), ("PL", "PL11")]
REVIEWER_COUNTRIES = ["RO", "PT", "DE", "IT", "PL", "ES", "FR"]


def members(count: int) -> list[dict]:
    return [
        {"name": f"Member {number:03d}", "country": MEMBER_PLACES[number % 5][0],
         "region": MEMBER_PLACES[number % 5][1], "organisation_type": "cluster_organisation",
         "eccp_status": "registered", "is_coordinator": number == 0}
        for number in range(count)
    ]


def api_body(count: int) -> str:
    return json.dumps({
        "call": "COS-CLUSTPARTNS-2017-3-02", "as_of": "2018-03-01T09:00:00+01:00",
        "members": [
            {"name": member["name"], "country": member["country"], "region": member["region"],
             "organisation_type": member["organisation_type"],
             "eccp_status": member["eccp_status"],
             "role": "coordinator" if member["is_coordinator"] else "partner"}
            for member in members(count)
        ],
    })


def counted(request) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        response = request()
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, response.status_code
    return len(captured.captured_queries)


def measure() -> list[dict]:
    from django.test import Client
    from django.urls import reverse

    from accounts.models import User
    from benchmarks.datagen import generate_submitted
    from calls.models import Call, Region
    from consortia.models import Consortium, Member
    from reviews.models import NationalContactPoint

    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    applicant = User.objects.create_user(email="applicant@example.org", password="x-bench-42")
    client = Client()
    client.force_login(applicant)
    rows = []

    def consortium_of(count: int) -> Consortium:
        consortium = Consortium.objects.create(
            owner=applicant, call=call, acronym=f"SIZE{count}", duration_months=24,
        )
        for member in members(count):
            Member.objects.create(
                consortium=consortium, name=member["name"], country_id=member["country"],
                region=Region.objects.get(classification=call.region_classification,
                                          code=member["region"]),
                organisation_type=member["organisation_type"],
                eccp_status=member["eccp_status"], is_coordinator=member["is_coordinator"],
            )
        return consortium

    small, large = consortium_of(3), consortium_of(30)
    def page(consortium):
        return client.get(reverse("consortia:detail", args=[consortium.pk]))

    page(small)  # warm what lives for the whole process, as it would in a server
    rows.append({"what": "consortium page", "small": "3 members", "large": "30 members",
                 "small_queries": counted(lambda: page(small)),
                 "large_queries": counted(lambda: page(large))})
    api = Client()
    rows.append({
        "what": "API check", "small": "3 members", "large": "30 members",
        "small_queries": counted(lambda: api.post(
            "/api/v1/eligibility-checks", api_body(3), content_type="application/json")),
        "large_queries": counted(lambda: api.post(
            "/api/v1/eligibility-checks", api_body(30), content_type="application/json")),
    })

    reviewer = User.objects.create_user(email="ncp@example.org", password="x-bench-42")
    NationalContactPoint.objects.create(user=reviewer).countries.add(*REVIEWER_COUNTRIES)
    review_client = Client()
    review_client.force_login(reviewer)
    queue = reverse("reviews:queue")
    views = [
        ("review queue, first page", queue),
        ("review queue, country filter", queue + "?country=RO"),
        ("review queue, search", queue + "?q=cluster"),
        ("CSV export", reverse("reviews:export_csv")),
    ]
    generate_submitted(call=call, count=9)
    few = {name: counted(lambda url=url: review_client.get(url)) for name, url in views}
    generate_submitted(call=call, count=990)
    many = {name: counted(lambda url=url: review_client.get(url)) for name, url in views}
    for name, _url in views:
        rows.append({"what": name, "small": "10 submissions", "large": "1,000 submissions",
                     "small_queries": few[name], "large_queries": many[name]})
    for row in rows:
        row["constant"] = row["small_queries"] == row["large_queries"]
    return rows


def main(argv: list[str] | None = None) -> dict:
    environment.setup_django()
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import setup_test_environment, teardown_test_environment

    setup_test_environment()
    original_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_reference_data", verbosity=0)
        rows = measure()
    finally:
        connection.creation.destroy_test_db(original_name, verbosity=0)
        teardown_test_environment()
    results = {
        "benchmark": "SQL queries per request",
        "measured_at": environment.now_text(),
        "database": connection.vendor,
        "target": "the same number of queries for the small and the large case",
        "rows": rows,
        "all_constant": all(row["constant"] for row in rows),
    }
    environment.write_results("queries", results)
    print_table(results)
    return results


def print_table(results: dict) -> None:
    print(f"SQL queries per request ({results['database']})")
    print(f"{'request':<30}  {'small case':<16} {'queries':>7}  {'large case':<18} "
          f"{'queries':>7}  constant")
    for row in results["rows"]:
        print(f"{row['what']:<30}  {row['small']:<16} {row['small_queries']:>7}  "
              f"{row['large']:<18} {row['large_queries']:>7}  {'yes' if row['constant'] else 'NO'}")


if __name__ == "__main__":
    main()
