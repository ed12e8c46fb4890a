"""Recording a review, and telling people about submissions and reviews.

Writes are atomic; e-mails and the structured log lines go out only once the write is
committed, and a failure to send is logged, never undoing what was recorded.
"""
from datetime import datetime
from functools import partial
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_log, event_record
from consortia.models import Submission

from .models import LatestReview, Review, ReviewStatus, may_review, snapshot_countries

logger = logging.getLogger(__name__)


class ReviewRefused(Exception):
    """A review the submission's state does not allow; ``str()`` is for the reviewer."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class SubmissionWithdrawn(ReviewRefused):
    def __init__(self):
        super().__init__(_("This submission was withdrawn: it can no longer be reviewed."))


class CommentRequired(ReviewRefused):
    def __init__(self, status: ReviewStatus):
        if status is ReviewStatus.CLARIFICATION_REQUESTED:
            message = _("Say what the applicant should clarify.")
        else:
            message = _("Your view differs from the automatic check: explain why in the comment.")
        super().__init__(message)


def review_record(
    *, submission: Submission, reviewer, status: str, comment: str,
    now: datetime | None = None,
) -> Review:
    """Record ``reviewer``'s view of ``submission`` as a new review, and put it on the record.

    The submission row is locked, so that a withdrawal and a review never cross. Raises
    ``PermissionDenied`` when ``reviewer`` may not review this submission (not a reviewer,
    the submission not visible to them, or their own consortium) and a :class:`ReviewRefused`
    when the submission was withdrawn or a comment is required and missing. The applicant
    is told by e-mail once the review is committed.
    """
    status = ReviewStatus(status)
    comment = comment.strip()
    with transaction.atomic():
        locked = (
            Submission.objects.select_for_update(of=("self",))
            .select_related("consortium", "consortium__call")
            .get(pk=submission.pk)
        )
        consortium = locked.consortium
        if (
            not may_review(reviewer)
            or consortium.owner_id == reviewer.pk
            or not Submission.objects.visible_to(reviewer).filter(pk=locked.pk).exists()
        ):
            raise PermissionDenied
        if locked.is_withdrawn:
            raise SubmissionWithdrawn()
        if status.needs_comment(locked.verdict) and not comment:
            raise CommentRequired(status)
        review = Review.objects.create(
            submission=locked, reviewer=reviewer, status=status, comment=comment,
            created_at=now or timezone.now(),
        )
        LatestReview.refresh_for(locked)
        event_record(
            action=Action.CONSORTIUM_REVIEWED, actor=reviewer, consortium=consortium,
            call=consortium.call,
            details={
                "submission": locked.pk, "review": review.pk, "status": status.value,
                "verdict": locked.verdict, "comment": comment,
            },
        )
        transaction.on_commit(partial(review_announce, review=review))
    return review


def _absolute(path: str) -> str:
    """``path`` on the site's address (setting ``SITE_URL``), or as it is without one."""
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _send(messages: list[EmailMessage], what: str) -> None:
    """Send ``messages``; a failure is logged, never raised (what it announces is recorded)."""
    if not messages:
        return
    try:
        get_connection().send_messages(messages)
    except Exception:
        logger.exception("Could not send the e-mail about %s", what)


def submission_announce(*, submission: Submission, arrived_at: datetime | None = None) -> None:
    """After a submission is committed: one structured log line (with the instant its
    request arrived, beside the instant it was judged and dated), and an e-mail to each
    national contact point of a country of its members. Never raises."""
    countries = snapshot_countries(submission.snapshot)
    event_log(
        "consortium_submitted", submission=submission.pk, consortium=submission.consortium_id,
        call=submission.snapshot.get("call"), verdict=submission.verdict, countries=countries,
        submitted_at=submission.submitted_at.isoformat(),
        arrived_at=(arrived_at or submission.submitted_at).isoformat(),
    )
    try:
        recipients = list(
            get_user_model().objects.filter(
                is_active=True, national_contact_point__countries__in=countries,
            ).distinct().order_by("email").values_list("email", flat=True)
        )
        context = {
            "submission": submission,
            "snapshot": submission.snapshot,
            "countries": countries,
            "review_url": _absolute(reverse("reviews:detail", args=[submission.pk])),
        }
        subject = render_to_string("reviews/email/submission_arrived_subject.txt", context)
        body = render_to_string("reviews/email/submission_arrived_body.txt", context)
    except Exception:
        logger.exception("Could not prepare the e-mail about submission %s", submission.pk)
        return
    messages = [
        EmailMessage(" ".join(subject.split()), body, to=[email]) for email in recipients
    ]
    _send(messages, f"submission {submission.pk}")


def review_announce(*, review: Review) -> None:
    """After a review is committed: one structured log line, and an e-mail to the applicant
    who owns the consortium. Never raises."""
    submission = review.submission
    event_log(
        "consortium_reviewed", review=review.pk, submission=submission.pk,
        consortium=submission.consortium_id, status=review.status, verdict=submission.verdict,
        reviewer=review.reviewer_id, reviewed_at=review.created_at.isoformat(),
    )
    try:
        owner = submission.consortium.owner
        context = {
            "review": review,
            "submission": submission,
            "snapshot": submission.snapshot,
            "report_url": _absolute(reverse(
                "consortia:report", args=[submission.consortium_id, submission.pk]
            )),
        }
        subject = render_to_string("reviews/email/review_recorded_subject.txt", context)
        body = render_to_string("reviews/email/review_recorded_body.txt", context)
    except Exception:
        logger.exception("Could not prepare the e-mail about review %s", review.pk)
        return
    if owner.is_active and owner.email:
        _send([EmailMessage(" ".join(subject.split()), body, to=[owner.email])],
              f"review {review.pk}")
