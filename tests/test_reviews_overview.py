"""The review queue's overview: the same submissions as the queue, counted over time, by
verdict, by review status and by country, in a fixed number of queries, in both languages."""
from datetime import datetime, timedelta
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
import pytest

from consortia.services import consortium_submit, consortium_withdraw
from reviews.models import review_queue
from reviews.overview import queue_overview
from reviews.services import review_record
from tests.consortium_factories import BRUSSELS, PASSWORD, make_consortium, make_user
from tests.review_factories import (
    WITH_ONE_ROMANIAN_PARTNER,
    WITH_ROMANIAN_COORDINATOR,
    WITHOUT_ROMANIAN_MEMBER,
    make_admin,
    make_ncp,
)

pytestmark = pytest.mark.django_db

FIRST_DAY = datetime(2018, 2, 8, 10, 0, tzinfo=BRUSSELS)
SECOND_DAY = datetime(2018, 2, 12, 23, 30, tzinfo=BRUSSELS)  # 22:30 UTC: still the 12th here


def submitted(owner, members, at: datetime, acronym: str):
    consortium = make_consortium(owner, members=members, acronym=acronym)
    return consortium_submit(consortium=consortium, user=owner, now=at)


@pytest.fixture
def ncp():
    return make_ncp("ncp-ro@example.org", ["RO"])


@pytest.fixture
def queue(ncp):
    """Two submissions with a Romanian member (one reviewed), one without, one withdrawn."""
    owner = make_user("applicant@example.org")
    first = submitted(owner, WITH_ROMANIAN_COORDINATOR, FIRST_DAY, "ONE")
    submitted(owner, WITH_ONE_ROMANIAN_PARTNER, SECOND_DAY, "TWO")
    submitted(owner, WITHOUT_ROMANIAN_MEMBER, SECOND_DAY, "THREE")
    withdrawn = submitted(owner, WITH_ROMANIAN_COORDINATOR, SECOND_DAY, "GONE")
    consortium_withdraw(consortium=withdrawn.consortium, user=owner,
                        now=SECOND_DAY + timedelta(hours=1))
    review_record(submission=first, reviewer=ncp, status="confirmed_eligible", comment="",
                  now=FIRST_DAY + timedelta(days=1))
    return owner


def counted(rows) -> dict:
    return {row.code: row.count for row in rows}


def test_a_contact_point_counts_only_the_submissions_their_queue_shows(ncp, queue):
    overview = queue_overview(review_queue(ncp))

    assert overview.total == 2
    assert counted(overview.by_verdict) == {"eligible": 2, "not_eligible": 0, "incomplete": 0}
    assert counted(overview.by_review_status) == {
        "not_reviewed": 1, "confirmed_eligible": 1, "confirmed_ineligible": 0,
        "clarification_requested": 0,
    }
    assert {row.code: (row.submissions, row.members) for row in overview.by_country} == {
        "RO": (2, 2), "PT": (2, 2), "DE": (1, 1), "IT": (1, 1),
    }


def test_an_administrator_counts_every_standing_submission(queue):
    overview = queue_overview(review_queue(make_admin()))

    assert overview.total == 3
    assert {row.code: row.submissions for row in overview.by_country}["AT"] == 1
    assert {row.code: row.submissions for row in overview.by_country}["PT"] == 3


def test_countries_are_listed_by_how_many_submissions_have_a_member_from_them(queue):
    overview = queue_overview(review_queue(make_admin()))

    counts = [row.submissions for row in overview.by_country]
    assert counts == sorted(counts, reverse=True)
    assert overview.by_country[0].label == "Portugal (PT)"


def test_the_timeline_counts_each_brussels_day_and_what_stands_by_its_end(ncp, queue):
    (timeline,) = queue_overview(review_queue(ncp)).timelines

    assert timeline.call.reference == "COS-CLUSTPARTNS-2017-3-02"
    assert [(row.day.isoformat(), row.submitted, row.standing) for row in timeline.days] == [
        ("2018-02-08", 1, 1), ("2018-02-12", 1, 2),
    ]
    assert "Deadline, 8 March 2018" in timeline.chart


def test_the_overview_page_draws_each_picture_with_a_table_of_the_same_numbers(client, ncp, queue):
    client.login(username=ncp.email, password=PASSWORD)

    html = client.get(reverse("reviews:overview")).content.decode()

    assert html.count('role="img"') == 4  # one call over time, verdict, review status, country
    for title in ("Submissions over time: COS-CLUSTPARTNS-2017-3-02",
                  "Submissions by automatic verdict", "Submissions by review status",
                  "Submissions by country of the members"):
        assert f">{title}</title>" in html
    assert html.count("<table") == 4
    assert re.search(
        r"<th scope=\"row\">Romania \(RO\)</th>\s*<td[^>]*>2</td>\s*<td[^>]*>2</td>", html
    )
    assert "Austria" not in html


def test_the_overview_page_has_no_script_and_no_inline_style(client, ncp, queue):
    client.login(username=ncp.email, password=PASSWORD)

    html = client.get(reverse("reviews:overview")).content.decode()

    main = html[html.index("<main"):html.index("</main>")]
    assert "<script" not in main
    assert " style=" not in main


def test_the_overview_page_is_romanian_under_the_romanian_address(client, ncp, queue):
    client.login(username=ncp.email, password=PASSWORD)

    html = client.get("/ro" + reverse("reviews:overview")).content.decode()

    assert '<html lang="ro">' in html
    assert ">Depuneri după stadiul analizei</title>" in html
    assert "Termen-limită, 8 martie 2018" in html
    assert "România (RO)" in html


def test_the_queue_links_to_its_overview(client, ncp):
    client.login(username=ncp.email, password=PASSWORD)

    html = client.get(reverse("reviews:queue")).content.decode()

    assert f'href="{reverse("reviews:overview")}"' in html


def test_an_applicant_may_not_see_the_overview(client, queue):
    client.login(username="applicant@example.org", password=PASSWORD)

    assert client.get(reverse("reviews:overview")).status_code == 403


def test_an_empty_queue_says_there_is_nothing_to_count(client, ncp):
    client.login(username=ncp.email, password=PASSWORD)

    html = client.get(reverse("reviews:overview")).content.decode()

    assert "There is no submission to count yet." in html
    assert 'role="img"' not in html


def overview_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("reviews:overview")).status_code == 200
    return len(queries)


def test_the_overview_counts_in_a_fixed_number_of_queries(client, ncp, queue,
                                                          django_assert_max_num_queries):
    client.login(username=ncp.email, password=PASSWORD)
    # The session, the user, the reviewer role; then four counts (see queue_overview).
    with django_assert_max_num_queries(7):
        assert client.get(reverse("reviews:overview")).status_code == 200
    few = overview_queries(client)

    owner = make_user("second@example.org")
    for number in range(8):
        members = WITH_ROMANIAN_COORDINATOR if number % 2 else WITH_ONE_ROMANIAN_PARTNER
        submitted(owner, members, FIRST_DAY + timedelta(days=number), f"MORE{number}")

    assert overview_queries(client) == few
