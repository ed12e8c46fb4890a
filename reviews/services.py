"""Recording a review, and telling the applicant about it.

Writes are atomic. The e-mail a review owes is written into the outbox in the same
transaction (outbox.services delivers it once committed, and again until it is sent); the
structured log line goes out once the write is committed.
"""
from datetime import datetime
from functools import partial

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_log, event_record
from consortia.models import Submission
from outbox.emails import email_render, recipient_language
from outbox.models import Kind
from outbox.services import Outgoing, messages_write

from .models import LatestReview, Review, ReviewStatus, may_review


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
    is owed an e-mail, written with the review and delivered once it is committed.
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
        review_e_mail_write(review=review)
        transaction.on_commit(partial(_log_review, review=review))
    return review


def review_e_mail_write(*, review: Review) -> None:
    """Write the e-mail owed to the applicant who owns the reviewed consortium, in their
    language, in the caller's transaction (none for an inactive owner or one without an
    address)."""
    submission = review.submission
    owner = submission.consortium.owner
    if not (owner.is_active and owner.email):
        return
    email = email_render(
        template="reviews/email/review_recorded", language=recipient_language(owner),
        context={"review": review, "submission": submission, "snapshot": submission.snapshot},
        links={"report_url": ("consortia:report", [submission.consortium_id, submission.pk])},
    )
    messages_write(
        kind=Kind.REVIEW_RECORDED, outgoing=[Outgoing(recipient=owner.email, email=email)],
        related={"review": review.pk, "submission": submission.pk,
                 "consortium": submission.consortium_id},
    )


def _log_review(*, review: Review) -> None:
    """After a review is committed: one structured log line."""
    submission = review.submission
    event_log(
        "consortium_reviewed", review=review.pk, submission=submission.pk,
        consortium=submission.consortium_id, status=review.status, verdict=submission.verdict,
        reviewer=review.reviewer_id, reviewed_at=review.created_at.isoformat(),
    )
