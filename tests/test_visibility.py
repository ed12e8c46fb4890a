"""Who sees what: ``Consortium.objects.visible_to`` and every queue, review, export and history
URL, for two applicants, an NCP for RO, an NCP for DE and AT, an administrator and a visitor."""
import csv
import io

from django.contrib.auth.models import AnonymousUser
from django.urls import reverse
from openpyxl import load_workbook
import pytest

from consortia.models import Consortium
from consortia.services import consortium_withdraw
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_consortium, make_user
from tests.review_factories import (
    WITH_ONE_ROMANIAN_PARTNER,
    WITH_ROMANIAN_COORDINATOR,
    WITHOUT_ROMANIAN_MEMBER,
    make_admin,
    make_ncp,
    make_submission,
)

pytestmark = pytest.mark.django_db

USERS = ["applicant_a", "applicant_b", "ncp_ro", "ncp_de_at", "admin", "anonymous"]


@pytest.fixture
def world():
    """Applicant A submitted A (RO, PT, DE) and keeps a Romanian draft; applicant B submitted
    B (PT, IT, AT)."""
    users = {
        "applicant_a": make_user("a@example.org"),
        "applicant_b": make_user("b@example.org"),
        "ncp_ro": make_ncp("ncp-ro@example.org", ["RO"]),
        "ncp_de_at": make_ncp("ncp-de-at@example.org", ["DE", "AT"]),
        "admin": make_admin(),
        "anonymous": None,
    }
    submission_a = make_submission(users["applicant_a"], WITH_ROMANIAN_COORDINATOR, acronym="ALPHA")
    submission_b = make_submission(users["applicant_b"], WITHOUT_ROMANIAN_MEMBER, acronym="BRAVO")
    draft = make_consortium(
        users["applicant_a"], members=WITH_ROMANIAN_COORDINATOR, acronym="DRAFT"
    )
    return {"users": users, "a": submission_a, "b": submission_b, "draft": draft}


def url_of(name: str, world) -> str:
    a, b = world["a"], world["b"]
    return {
        "queue": reverse("reviews:queue"),
        "export_csv": reverse("reviews:export_csv"),
        "export_xlsx": reverse("reviews:export_xlsx"),
        "review_a": reverse("reviews:detail", args=[a.pk]),
        "review_b": reverse("reviews:detail", args=[b.pk]),
        "record_review_a": reverse("reviews:detail", args=[a.pk]),
        "history_a": reverse("consortia:detail", args=[a.consortium_id]),
        "report_a": reverse("consortia:report", args=[a.consortium_id, a.pk]),
    }[name]


LOGIN = "login"
# Expected status of each URL for each user. 403: not a reviewer; 404: not theirs (or missing);
# 302 after recording a review: back to the review page; LOGIN: sent to log in first.
MATRIX = {
    # queue, export_csv, export_xlsx, review_a, review_b, record_review_a, history_a, report_a
    "applicant_a": (403, 403, 403, 403, 403, 403, 200, 200),
    "applicant_b": (403, 403, 403, 403, 403, 403, 404, 404),
    "ncp_ro":      (200, 200, 200, 200, 404, 302, 404, 404),
    "ncp_de_at":   (200, 200, 200, 200, 200, 302, 404, 404),
    "admin":       (200, 200, 200, 200, 200, 302, 404, 404),
    "anonymous":   (LOGIN,) * 8,
}
URLS = ["queue", "export_csv", "export_xlsx", "review_a", "review_b", "record_review_a",
        "history_a", "report_a"]
CELLS = [(user, url, MATRIX[user][index]) for user in USERS for index, url in enumerate(URLS)]


@pytest.mark.parametrize("user, url, expected", CELLS)
def test_each_user_gets_the_expected_status_on_each_queue_review_export_and_history_url(
    client, world, user, url, expected
):
    if world["users"][user] is not None:
        client.force_login(world["users"][user])

    if url == "record_review_a":
        response = client.post(url_of(url, world), {"status": "confirmed_eligible", "comment": ""})
    else:
        response = client.get(url_of(url, world))

    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected
    if expected == 302:
        assert response["Location"] == url_of("review_a", world)


VISIBLE = {
    "applicant_a": {"ALPHA", "DRAFT"},
    "applicant_b": {"BRAVO"},
    "ncp_ro": {"ALPHA"},
    "ncp_de_at": {"ALPHA", "BRAVO"},
    "admin": {"ALPHA", "BRAVO", "DRAFT"},
    "anonymous": set(),
}


@pytest.mark.parametrize("user", USERS)
def test_visible_to_gives_each_user_exactly_their_consortia(world, user):
    asking = world["users"][user] or AnonymousUser()

    visible = Consortium.objects.visible_to(asking)

    assert set(visible.values_list("acronym", flat=True)) == VISIBLE[user]
    assert visible.count() == len(VISIBLE[user])  # no duplicates


REVIEWERS_ROWS = {"ncp_ro": {"ALPHA"}, "ncp_de_at": {"ALPHA", "BRAVO"}, "admin": {"ALPHA", "BRAVO"}}


@pytest.mark.parametrize("user", REVIEWERS_ROWS)
def test_the_queue_and_both_exports_list_exactly_the_submissions_visible_to_the_reviewer(
    client, world, user
):
    client.force_login(world["users"][user])

    page = client.get(reverse("reviews:queue"))
    csv_response = client.get(reverse("reviews:export_csv"))
    csv_text = b"".join(csv_response.streaming_content).decode("utf-8-sig")
    xlsx_response = client.get(reverse("reviews:export_xlsx"))
    workbook = load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content)))

    acronyms = {row.snapshot["acronym"] for row in page.context["page"].object_list}
    assert acronyms == REVIEWERS_ROWS[user]
    assert page.context["totals"]["total"] == len(REVIEWERS_ROWS[user])
    assert {row["acronym"] for row in csv.DictReader(io.StringIO(csv_text))} == REVIEWERS_ROWS[user]
    sheet_rows = list(workbook.active.iter_rows(min_row=2, values_only=True))
    assert {row[0] for row in sheet_rows} == REVIEWERS_ROWS[user]


def test_an_ncp_for_romania_sees_a_consortium_with_one_romanian_partner_and_not_one_without():
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    applicant = make_user()
    with_partner = make_submission(applicant, WITH_ONE_ROMANIAN_PARTNER, acronym="PARTNER")
    without = make_submission(applicant, WITHOUT_ROMANIAN_MEMBER, acronym="NONE")

    visible = Consortium.objects.visible_to(ncp)

    assert with_partner.consortium in visible
    assert without.consortium not in visible


def test_drafts_are_never_visible_to_an_ncp_even_with_members_from_their_country():
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    draft = make_consortium(make_user(), members=WITH_ROMANIAN_COORDINATOR)

    assert not Consortium.objects.visible_to(ncp).filter(pk=draft.pk).exists()


def test_a_withdrawn_submission_leaves_the_ncp_s_view_and_its_review_page(client):
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    submission = make_submission(make_user())
    consortium_withdraw(
        consortium=submission.consortium, user=submission.consortium.owner,
        now=A_MONTH_BEFORE_ESCP_DEADLINE,
    )
    client.force_login(ncp)

    assert not Consortium.objects.visible_to(ncp).exists()
    assert client.get(reverse("reviews:detail", args=[submission.pk])).status_code == 404


def test_a_consortium_with_several_members_from_the_ncp_s_countries_is_listed_once():
    ncp = make_ncp("ncp@example.org", ["RO", "PT", "DE"])
    make_submission(make_user())

    assert Consortium.objects.visible_to(ncp).count() == 1


def test_an_ncp_who_also_applies_sees_their_own_drafts_as_an_applicant_would():
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    own_draft = make_consortium(ncp, members=WITHOUT_ROMANIAN_MEMBER)

    assert list(Consortium.objects.visible_to(ncp)) == [own_draft]


def test_a_missing_submission_is_not_found_just_like_one_not_visible(client):
    client.force_login(make_ncp("ncp-ro@example.org", ["RO"]))

    assert client.get(reverse("reviews:detail", args=[999999])).status_code == 404


def test_the_review_queue_link_shows_for_ncps_and_administrators_only(client, world):
    queue_url = reverse("reviews:queue")
    shown = {}
    for user in ("applicant_a", "ncp_ro", "admin"):
        client.force_login(world["users"][user])
        shown[user] = f'href="{queue_url}"' in client.get(reverse("calls:home")).content.decode()

    assert shown == {"applicant_a": False, "ncp_ro": True, "admin": True}
