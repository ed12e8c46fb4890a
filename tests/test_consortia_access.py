"""Every consortium page belongs to its owner: anyone else gets 404, anonymous users log in."""
from django.urls import reverse
import pytest

from consortia.models import Consortium, Submission
from consortia.services import consortium_submit
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_consortium, make_user

pytestmark = pytest.mark.django_db

PAGES = [
    ("get", "consortia:detail"),
    ("get", "consortia:edit"),
    ("post", "consortia:edit"),
    ("post", "consortia:submit"),
    ("post", "consortia:withdraw"),
    ("get", "consortia:report"),
]


@pytest.fixture
def submitted():
    """A consortium of someone else's, submitted, with its submission."""
    owner = make_user("owner@example.org")
    consortium = make_consortium(owner)
    submission = consortium_submit(
        consortium=consortium, user=owner, now=A_MONTH_BEFORE_ESCP_DEADLINE
    )
    return consortium, submission


def url_of(name, consortium, submission):
    if name == "consortia:report":
        return reverse(name, args=[consortium.pk, submission.pk])
    return reverse(name, args=[consortium.pk])


@pytest.mark.parametrize("method, name", PAGES)
def test_another_user_gets_not_found_on_every_consortium_url(client, submitted, method, name):
    consortium, submission = submitted
    client.force_login(make_user("intruder@example.org"))

    response = getattr(client, method)(url_of(name, consortium, submission))

    assert response.status_code == 404
    assert Submission.objects.get() == submission and not submission.is_withdrawn
    assert Consortium.objects.get().status == Consortium.Status.SUBMITTED


@pytest.mark.parametrize("method, name", PAGES)
def test_a_missing_consortium_is_not_found_just_the_same(client, method, name):
    client.force_login(make_user())

    response = getattr(client, method)(
        reverse(name, args=[999999, 1] if name == "consortia:report" else [999999])
    )

    assert response.status_code == 404


def test_a_report_url_naming_another_consortium_s_submission_is_not_found(client, submitted):
    _consortium, submission = submitted
    mine = make_consortium(make_user("me@example.org"))
    client.force_login(mine.owner)

    assert client.get(reverse("consortia:report", args=[mine.pk, submission.pk])).status_code == 404


@pytest.mark.parametrize("method, name", [
    *PAGES, ("get", "consortia:dashboard"), ("get", "consortia:create"),
])
def test_anonymous_visitors_are_sent_to_log_in(client, submitted, method, name):
    consortium, submission = submitted
    if name in ("consortia:dashboard", "consortia:create"):
        url = reverse(name)
    else:
        url = url_of(name, consortium, submission)

    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("name", ["consortia:submit", "consortia:withdraw"])
def test_submit_and_withdraw_take_only_posts(client, name):
    consortium = make_consortium(make_user())
    client.force_login(consortium.owner)

    assert client.get(reverse(name, args=[consortium.pk])).status_code == 405
