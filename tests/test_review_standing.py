"""The contact point's verdict cannot be missed: the consortium page puts the latest review
beside the automatic verdict, with what to do, and "My consortia" has a column for it."""
from datetime import timedelta
import html as html_text
import re

from django.urls import reverse
from django.utils import translation
import pytest
import time_machine

from consortia.services import consortium_withdraw
from reviews.models import NOT_REVIEWED, Review, ReviewStatus, review_standing
from reviews.services import review_record
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_consortium, make_user
from tests.review_factories import make_ncp, make_submission

pytestmark = pytest.mark.django_db


def reviewed(submission, status: str, comment: str = "", days: int = 1) -> Review:
    reviewer = make_ncp(f"ncp-{status}-{days}@example.org", ["RO"])
    return review_record(
        submission=submission, reviewer=reviewer, status=status, comment=comment,
        now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=days),
    )


def summary_of(html: str) -> str:
    start = html.index('class="verdict-summary')
    return html[start:html.index("</section>", start)]


def text_of(html: str) -> str:
    return " ".join(html_text.unescape(re.sub(r"<[^>]+>", " ", html)).split())


@pytest.fixture(autouse=True)
def before_the_deadline():
    """The pages check the consortium as of now: a week before ESCP-S3's deadline."""
    with time_machine.travel(A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=21), tick=False):
        yield


def test_a_confirmed_ineligible_review_stands_beside_the_green_verdict_at_the_top(client):
    submission = make_submission(make_user())
    reviewed(submission, "confirmed_ineligible", "The coordinator is not a cluster.")
    client.force_login(submission.consortium.owner)

    html = client.get(reverse("consortia:detail", args=[submission.consortium_id])).content
    summary = text_of(summary_of(html.decode()))

    assert "Automatic check Eligible" in summary
    assert "Contact point's review ! Confirmed ineligible" in summary
    assert "What to do: The contact point finds the consortium ineligible" in summary
    assert "withdraw the submission, change the consortium and submit it again" in summary


def test_the_eligibility_panel_shows_the_review_beside_its_verdict_banner(client):
    submission = make_submission(make_user())
    reviewed(submission, "confirmed_ineligible", "The coordinator is not a cluster.")
    client.force_login(submission.consortium.owner)

    html = client.get(reverse("consortia:detail", args=[submission.consortium_id])).content
    html = html.decode()
    panel = html[html.index('id="eligibility"'):html.index('class="outcome-list')]

    pair = text_of(panel[panel.index('class="verdict-pair"'):])
    assert pair.index("Eligible") < pair.index("Contact point's review ! Confirmed ineligible")


@pytest.mark.parametrize("status, advice", [
    ("confirmed_eligible", "The contact point agrees with the automatic check."),
    ("clarification_requested", "The contact point needs more information"),
])
def test_each_review_status_tells_the_applicant_what_to_do(client, status, advice):
    submission = make_submission(make_user())
    reviewed(submission, status, "Which region is the coordinator in?")
    client.force_login(submission.consortium.owner)

    html = client.get(reverse("consortia:detail", args=[submission.consortium_id])).content

    assert advice in text_of(summary_of(html.decode()))


def test_a_submission_without_review_says_a_review_will_come(client):
    submission = make_submission(make_user())
    client.force_login(submission.consortium.owner)

    html = client.get(reverse("consortia:detail", args=[submission.consortium_id])).content

    summary = text_of(summary_of(html.decode()))
    assert "Contact point's review Not reviewed" in summary
    assert "you will get an e-mail" in summary


def test_a_draft_says_it_is_reviewed_once_submitted(client):
    consortium = make_consortium(make_user())
    client.force_login(consortium.owner)

    html = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()

    assert "Contact point's review Not submitted yet" in text_of(summary_of(html))
    assert 'class="verdict-pair"' in html and "panel-review" not in html


def test_the_review_of_a_withdrawn_submission_is_shown_as_such_on_the_draft():
    submission = make_submission(make_user())
    review = reviewed(submission, "clarification_requested", "Which region?")
    consortium_withdraw(consortium=submission.consortium, user=submission.consortium.owner,
                        now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=2))
    review.refresh_from_db()

    standing = review_standing(review, submitted=False)

    assert standing.state == "clarification_requested" and standing.of_withdrawn_submission
    assert "withdrawn" in standing.advice


def test_a_new_submission_is_not_reviewed_until_its_own_review_comes():
    submission = make_submission(make_user())
    review = reviewed(submission, "confirmed_eligible")
    consortium_withdraw(consortium=submission.consortium, user=submission.consortium.owner,
                        now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=2))
    review.refresh_from_db()

    assert review_standing(review, submitted=True).state == NOT_REVIEWED


def test_my_consortia_has_a_review_column_with_each_consortiums_latest_review(client):
    owner = make_user()
    reviewed_one = make_submission(owner, acronym="REVIEWED-S3")
    reviewed(reviewed_one, "confirmed_eligible", days=1)
    reviewed(reviewed_one, "confirmed_ineligible", "Not a cluster.", days=2)
    make_submission(owner, acronym="WAITING-S3")
    make_consortium(owner, acronym="DRAFT-S3")
    someone_elses = make_submission(make_user("other@example.org"), acronym="OTHER-S3")
    reviewed(someone_elses, "clarification_requested", "Why?", days=3)
    client.force_login(owner)

    with translation.override("en"):
        html = client.get(reverse("consortia:dashboard")).content.decode()

    assert "Contact point's review" in text_of(html[:html.index("</thead>")])
    rows = {text_of(row).split()[0]: text_of(row) for row in re.findall(
        r"<tr>\s*<th scope=\"row\">.*?</tr>", html, re.S)}
    assert set(rows) == {"REVIEWED-S3", "WAITING-S3", "DRAFT-S3"}
    assert "! Confirmed ineligible" in rows["REVIEWED-S3"]
    assert "What to do about REVIEWED-S3" in rows["REVIEWED-S3"]
    assert "Confirmed eligible" not in rows["REVIEWED-S3"]
    assert "Not reviewed" in rows["WAITING-S3"]
    assert "Not submitted yet" in rows["DRAFT-S3"]


def test_my_consortia_reads_every_latest_review_in_one_query(client, django_assert_num_queries):
    owner = make_user()
    for number in range(3):
        submission = make_submission(owner, acronym=f"S3-{number}")
        reviewed(submission, ReviewStatus.CONFIRMED_ELIGIBLE, days=number + 1)
    client.force_login(owner)
    client.get(reverse("consortia:dashboard"))  # the session and the user, once

    latest = Review.objects.filter(submission__consortium__owner=owner)
    with django_assert_num_queries(1):
        by_consortium = latest.latest_per_consortium()
    assert len(by_consortium) == 3


def test_the_report_names_the_reviews_status_beside_the_verdict_at_submission(client):
    submission = make_submission(make_user())
    reviewed(submission, "confirmed_ineligible", "Not a cluster.")
    client.force_login(submission.consortium.owner)

    html = client.get(reverse("consortia:report", args=[
        submission.consortium_id, submission.pk])).content.decode()

    facts = text_of(html[html.index('id="submission-heading"'):html.index('id="call-heading"')])
    assert "Verdict at submission Eligible Contact point's review Confirmed ineligible" in facts
