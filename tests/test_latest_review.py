"""The latest review kept beside each submission, which the review queue counts and filters."""
from datetime import timedelta
from importlib import import_module

from django.apps import apps
from django.urls import reverse
import pytest

from reviews.models import LatestReview, Review, review_queue
from reviews.services import CommentRequired, review_record
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_user
from tests.review_factories import copy_submission, make_ncp, make_submission

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def ncp():
    return make_ncp("ncp-ro@example.org", ["RO"])


@pytest.fixture
def submission():
    return make_submission(make_user("applicant@example.org"), acronym="TEXS3")


def latest_recorded(submission) -> Review:
    return Review.objects.filter(submission=submission).order_by("-created_at", "-id").first()


def assert_every_latest_review_is_the_newest_review() -> None:
    kept = {row.submission_id: row for row in LatestReview.objects.all()}
    reviewed = set(Review.objects.values_list("submission_id", flat=True))
    assert set(kept) == reviewed
    for submission_id, row in kept.items():
        newest = latest_recorded(submission_id)
        assert (row.review_id, row.status, row.reviewed_at) == (
            newest.pk, newest.status, newest.created_at
        )


# Reviews recorded one after the other: (status, hours after the first review). A review can
# carry an earlier instant than one already recorded (``now`` given), and two can share one.
SEQUENCES = [
    [("confirmed_eligible", 0)],
    [("clarification_requested", 0), ("confirmed_eligible", 1)],
    [("confirmed_eligible", 2), ("clarification_requested", 1)],
    [("confirmed_ineligible", 1), ("confirmed_eligible", 1), ("clarification_requested", 0)],
    [("clarification_requested", 0), ("confirmed_ineligible", 3), ("confirmed_eligible", 2),
     ("clarification_requested", 3)],
]


@pytest.mark.parametrize("sequence", SEQUENCES)
def test_the_latest_review_always_equals_the_newest_review_of_its_submission(
    ncp, submission, sequence
):
    other = copy_submission(submission, "OTHER")
    review_record(submission=other, reviewer=ncp, status="clarification_requested",
                  comment="Which region?", now=A_MONTH_BEFORE_ESCP_DEADLINE + 5 * HOUR)
    for status, hours in sequence:
        review_record(submission=submission, reviewer=ncp, status=status, comment="Noted.",
                      now=A_MONTH_BEFORE_ESCP_DEADLINE + hours * HOUR)

        assert_every_latest_review_is_the_newest_review()
    assert review_queue(ncp).get(pk=submission.pk).review_status == latest_recorded(
        submission
    ).status


def test_a_submission_without_a_review_has_no_latest_review_and_counts_as_not_reviewed(
    client, ncp, submission
):
    client.force_login(ncp)

    totals = client.get(reverse("reviews:queue")).context["totals"]

    assert not LatestReview.objects.exists()
    assert review_queue(ncp).get().review_status is None
    assert dict((code, count) for code, _label, count in totals["by_status"])["not_reviewed"] == 1


def test_a_refused_review_leaves_the_latest_review_as_it_was(ncp, submission):
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")

    with pytest.raises(CommentRequired):
        review_record(submission=submission, reviewer=ncp, status="clarification_requested",
                      comment="")

    assert LatestReview.objects.get().status == "confirmed_eligible"


def test_the_queue_counts_and_filters_by_the_latest_review_only(client, ncp, submission):
    second = copy_submission(submission, "SECOND")
    review_record(submission=submission, reviewer=ncp, status="clarification_requested",
                  comment="Which region?")
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")
    review_record(submission=second, reviewer=ncp, status="clarification_requested",
                  comment="Which region?")
    client.force_login(ncp)

    response = client.get(reverse("reviews:queue"), {"review_status": "confirmed_eligible"})
    counts = {code: count for code, _label, count in response.context["totals"]["by_status"]}

    assert [row.pk for row in response.context["page"].object_list] == [submission.pk]
    assert counts["confirmed_eligible"] == 1
    assert counts["clarification_requested"] == 0


def test_the_migration_fills_the_latest_review_from_the_reviews_already_recorded(
    ncp, submission
):
    second = copy_submission(submission, "SECOND")
    copy_submission(submission, "UNREVIEWED")
    for status, hours in [("confirmed_eligible", 2), ("clarification_requested", 1)]:
        review_record(submission=submission, reviewer=ncp, status=status, comment="Noted.",
                      now=A_MONTH_BEFORE_ESCP_DEADLINE + hours * HOUR)
    review_record(submission=second, reviewer=ncp, status="confirmed_ineligible", comment="No.")
    LatestReview.objects.all().delete()

    import_module("reviews.migrations.0005_fill_latest_review").fill(apps, None)

    assert LatestReview.objects.count() == 2
    assert LatestReview.objects.get(submission=submission).status == "confirmed_eligible"
    assert_every_latest_review_is_the_newest_review()
