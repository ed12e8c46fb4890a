"""The number of SQL queries a page or an API call makes does not grow with its data.

A query per member or per row would make a large consortium or a long list slow; each test
runs the same request on a small and a large case and holds both to one fixed budget.
"""
import functools
import json

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
import pytest

from benchmarks.datagen import generate_submitted
from eligibility.facts import call_parameters
from reviews.models import NationalContactPoint
from tests.consortium_factories import escp_call, make_consortium, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def call_built_in_this_process():
    """Budgets hold for every request after the first: what the rules read about a call is
    built once per process (eligibility.cache) and only checked against the call's version."""
    call_parameters(escp_call())

# Session, user, consortium, members, call, submissions, whether the user reviews submissions
# (page header), the reviews (none read when nothing was submitted) and the history (what the
# rules read about the call is cached).
CONSORTIUM_PAGE_QUERIES = 12
# The call (what the rules read about the call, its regions and their aliases, is cached).
API_CHECK_QUERIES = 1
# Session, user, reviewer role, the call choices of the filter form, the country of the
# country filter, the totals and the page of rows (each with its latest review).
REVIEW_QUEUE_QUERIES = 8
# Session, user, reviewer role, the rows (read in chunks of 1,000 on PostgreSQL).
CSV_EXPORT_QUERIES = 4
QUEUE_VIEWS = ["", "?country=RO", "?q=cluster", "?sort=acronym&per_page=100"]

MEMBER_PLACES = [("RO", "RO11"), ("PT", "PT11"), ("DE", "DED2"), ("IT", "ITF3"), ("PL", "PL11")]


def members(count: int) -> list[dict]:
    return [
        {"name": f"Member {number:03d}", "country": MEMBER_PLACES[number % 5][0],
         "region": MEMBER_PLACES[number % 5][1], "organisation_type": "cluster_organisation",
         "eccp_status": "registered", "is_coordinator": number == 0}
        for number in range(count)
    ]


def check_body(count: int) -> str:
    return json.dumps({
        "call": "COS-CLUSTPARTNS-2017-3-02",
        "as_of": "2018-03-01T09:00:00+01:00",
        "members": [
            {"name": member["name"], "country": member["country"], "region": member["region"],
             "organisation_type": member["organisation_type"],
             "eccp_status": member["eccp_status"],
             "role": "coordinator" if member["is_coordinator"] else "partner"}
            for member in members(count)
        ],
    })


def queries_of(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("member_count", [3, 30])
def test_the_consortium_page_stays_within_its_query_budget(
    client, django_assert_max_num_queries, member_count
):
    owner = make_user()
    client.force_login(owner)
    consortium = make_consortium(owner, members=members(member_count))
    url = reverse("consortia:detail", args=[consortium.pk])

    with django_assert_max_num_queries(CONSORTIUM_PAGE_QUERIES):
        response = client.get(url)

    assert response.status_code == 200


def test_the_consortium_page_makes_as_many_queries_for_30_members_as_for_3(client):
    owner = make_user()
    client.force_login(owner)
    small = make_consortium(owner, acronym="SMALL", members=members(3))
    large = make_consortium(owner, acronym="LARGE", members=members(30))

    counts = [
        queries_of(functools.partial(client.get, reverse("consortia:detail", args=[consortium.pk])))
        for consortium in (small, large)
    ]

    assert counts[0] == counts[1]


def test_the_page_of_a_consortium_never_submitted_reads_no_reviews(client):
    owner = make_user()
    client.force_login(owner)
    consortium = make_consortium(owner, members=members(3))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("consortia:detail", args=[consortium.pk]))

    assert response.status_code == 200
    assert not [query for query in captured.captured_queries if "reviews_review" in query["sql"]]


@pytest.mark.parametrize("member_count", [3, 30])
def test_the_api_check_stays_within_its_query_budget(
    client, django_assert_max_num_queries, member_count
):
    body = check_body(member_count)

    with django_assert_max_num_queries(API_CHECK_QUERIES):
        response = client.post("/api/v1/eligibility-checks", body, content_type="application/json")

    assert response.status_code == 200


def test_the_api_check_makes_as_many_queries_for_30_members_as_for_3(client):
    counts = [
        queries_of(functools.partial(
            client.post,
            "/api/v1/eligibility-checks", check_body(count), content_type="application/json",
        ))
        for count in (3, 30)
    ]

    assert counts[0] == counts[1]


def reviewer(client) -> None:
    """Sign in a national contact point for the countries most generated members come from."""
    user = make_user()
    contact_point = NationalContactPoint.objects.create(user=user)
    contact_point.countries.add("RO", "PT", "DE", "IT", "PL", "ES", "FR")
    client.force_login(user)


def consumed(response):
    """The response with its streamed body read, so that the queries it makes are counted."""
    if response.streaming:
        response.content_read = b"".join(response.streaming_content)
    return response


def test_the_review_queue_makes_the_same_queries_for_10_and_1000_submissions(
    client, django_assert_max_num_queries
):
    reviewer(client)
    urls = [reverse("reviews:queue") + view for view in QUEUE_VIEWS]
    generate_submitted(call=escp_call(), count=9)
    few = []
    for url in urls:
        with django_assert_max_num_queries(REVIEW_QUEUE_QUERIES):
            few.append(queries_of(lambda url=url: client.get(url)))
    generate_submitted(call=escp_call(), count=990)

    many = []
    for url in urls:
        with django_assert_max_num_queries(REVIEW_QUEUE_QUERIES):
            many.append(queries_of(lambda url=url: client.get(url)))

    assert few == many


def test_the_csv_export_makes_the_same_queries_for_10_and_1000_submissions(
    client, django_assert_max_num_queries
):
    reviewer(client)
    url = reverse("reviews:export_csv")
    generate_submitted(call=escp_call(), count=9)
    with django_assert_max_num_queries(CSV_EXPORT_QUERIES):
        few = queries_of(lambda: consumed(client.get(url)))
    generate_submitted(call=escp_call(), count=990)

    with django_assert_max_num_queries(CSV_EXPORT_QUERIES):
        many = queries_of(lambda: consumed(client.get(url)))

    assert few == many
    assert consumed(client.get(url)).content_read.count(b"\n") > 500
