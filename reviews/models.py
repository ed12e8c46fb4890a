"""National contact points, and their reviews of submitted consortia.

A national contact point (NCP) answers for one or more countries; an administrator links the
account to them in the Django admin. The NCP reviews the standing submissions that involve an
organisation from those countries: each review is a new row, never an edit of an earlier one.
"""
from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
import pgtrigger

from audit.models import refuse
from calls.models import Country
from consortia.models import Submission
from eligibility.engine import Verdict


class NationalContactPoint(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
        related_name="national_contact_point", verbose_name=_("user"),
    )
    countries = models.ManyToManyField(
        Country, related_name="national_contact_points", verbose_name=_("countries"),
        help_text=_("The countries this person answers for: they see the submissions with a "
                    "member from any of them."),
    )


    class Meta:
        ordering = ["user__email"]
        verbose_name = _("national contact point")
        verbose_name_plural = _("national contact points")

    def __str__(self) -> str:
        return self.user.email


def may_review(user) -> bool:
    """Whether ``user`` reviews submissions: an administrator or a national contact point.

    The one definition of the reviewer role: the review pages, the exports and the
    navigation all ask it. Which submissions a reviewer sees is
    ``Submission.objects.visible_to``'s business.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # A page asks twice (its view and its navigation); the answer holds for the request.
    if not hasattr(user, "_may_review"):
        user._may_review = NationalContactPoint.objects.filter(user=user).exists()
    return user._may_review


class ReviewStatus(models.TextChoices):
    CONFIRMED_ELIGIBLE = "confirmed_eligible", _("Confirmed eligible")
    CONFIRMED_INELIGIBLE = "confirmed_ineligible", _("Confirmed ineligible")
    CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")

    def needs_comment(self, verdict: str) -> bool:
        """Whether a review with this status must explain itself, given the automatic verdict.

        A comment is required when the reviewer's view differs from the automatic check
        (ineligible although the check found it eligible, or eligible although it did not),
        and always for a clarification request: the applicant must learn what to clarify.
        """
        if self is ReviewStatus.CLARIFICATION_REQUESTED:
            return True
        if self is ReviewStatus.CONFIRMED_INELIGIBLE:
            return verdict == Verdict.ELIGIBLE
        return verdict != Verdict.ELIGIBLE


NOT_REVIEWED = "not_reviewed"


class ReviewIsAppendOnly(Exception):
    """Raised on an attempt to change or delete a recorded review."""


class ReviewQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise ReviewIsAppendOnly("A review is never changed: record a new one.")

    def delete(self):
        raise ReviewIsAppendOnly("A review is never deleted.")

    def latest_per_consortium(self) -> dict[int, "Review"]:
        """The latest of these reviews for each consortium (by its id), whichever of the
        consortium's submissions it reviewed; each with its submission."""
        latest: dict[int, Review] = {}
        reviews = self.select_related("submission").order_by("-created_at", "-id")
        for review in cast(Iterable[Review], reviews):
            latest.setdefault(review.submission.consortium_id, review)
        return latest


class Review(models.Model):
    """A reviewer's view of one submission. A later review supersedes, never edits, this one."""

    submission = models.ForeignKey(
        Submission, on_delete=models.PROTECT, related_name="reviews",
        verbose_name=_("submission"),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given",
        verbose_name=_("reviewer"),
    )
    status = models.CharField(_("status"), max_length=30, choices=ReviewStatus.choices)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        get_latest_by = ["created_at", "id"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="review_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReviewStatus.CLARIFICATION_REQUESTED) | ~Q(comment=""),
                name="review_clarification_says_what",
                violation_error_message=_("Say what needs clarifying."),
            ),
        ]
        triggers = [
            # PostgreSQL refuses changes too, whoever writes (TRUNCATE is left to tests).
            pgtrigger.Trigger(
                name="review_append_only", when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=refuse("reviews are append-only: record a new review"),
            ),
        ]
        indexes = [
            # The latest review of each submission, read by the queue for every row.
            models.Index(
                fields=["submission", "-created_at", "-id"], name="review_latest_of_submission"
            ),
            models.Index(fields=["status"], name="review_status"),
        ]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.created_at:%Y-%m-%d %H:%M})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ReviewIsAppendOnly("A review is never changed: record a new one.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReviewIsAppendOnly("A review is never deleted.")


class LatestReview(models.Model):
    """The latest review of a submission (latest by ``created_at``, then ``id``), kept beside
    it so that the queue counts and filters its rows by review status without reading every
    review.

    Derived data: ``reviews.services.review_record`` writes it in the transaction that records
    the review, and nothing else does. Submissions and reviews stay append-only; this is the
    one row per reviewed submission that changes.
    """

    submission = models.OneToOneField(
        Submission, on_delete=models.CASCADE, primary_key=True, related_name="latest_review",
        verbose_name=_("submission"),
    )
    review = models.OneToOneField(
        Review, on_delete=models.PROTECT, related_name="+", verbose_name=_("review"),
    )
    status = models.CharField(_("status"), max_length=30, choices=ReviewStatus.choices)
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("latest review")
        verbose_name_plural = _("latest reviews")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=ReviewStatus.values), name="latest_review_status_known",
            ),
        ]
        indexes = [models.Index(fields=["status"], name="latest_review_status")]

    def __str__(self) -> str:
        return f"{self.get_status_display()} ({self.reviewed_at:%Y-%m-%d %H:%M})"

    @classmethod
    def refresh_for(cls, submission: Submission) -> "LatestReview | None":
        """Write ``submission``'s latest review here (or nothing, if it has none) and return it.

        Called inside the transaction that records a review, with the submission locked.
        """
        review = Review.objects.filter(submission=submission).order_by("-created_at", "-id").first()
        if review is None:
            return None
        latest, _created = cls.objects.update_or_create(
            submission=submission,
            defaults={"review": review, "status": review.status, "reviewed_at": review.created_at},
        )
        return latest


def review_queue(user):
    """The standing submissions visible to ``user`` (``Submission.objects.visible_to``),
    newest first.

    Each carries ``review_status`` and ``reviewed_at`` from its latest review (None when it has
    none), read in the same query as the submission from ``LatestReview``.
    """
    return (
        Submission.objects.active().visible_to(user)
        .annotate(
            review_status=F("latest_review__status"), reviewed_at=F("latest_review__reviewed_at")
        )
        .order_by("-submitted_at", "-pk")
    )


NOT_SUBMITTED = "not_submitted"

# What the applicant should do after each state of the review, said where the review is shown.
APPLICANT_ADVICE = {
    ReviewStatus.CONFIRMED_ELIGIBLE: _(
        "The contact point agrees with the automatic check. Nothing more is needed here: "
        "apply through the call's own channel before the deadline. The funding body makes "
        "its own checks."
    ),
    ReviewStatus.CONFIRMED_INELIGIBLE: _(
        "The contact point finds the consortium ineligible, whatever the automatic check "
        "says. Read their comment; to apply, withdraw the submission, change the consortium "
        "and submit it again before the deadline, or ask the contact point."
    ),
    ReviewStatus.CLARIFICATION_REQUESTED: _(
        "The contact point needs more information before confirming. Read their comment and "
        "answer them; if the consortium must change, withdraw the submission, change it and "
        "submit it again before the deadline."
    ),
    NOT_REVIEWED: _(
        "A national contact point of a member's country will review the submission; you "
        "will get an e-mail when they record their review."
    ),
    NOT_SUBMITTED: _(
        "A national contact point of a member's country reviews the consortium once it is "
        "submitted."
    ),
}
WITHDRAWN_ADVICE = _(
    "This review is of a submission that was withdrawn. Submit the consortium again when it "
    "is ready: the new submission gets a review of its own."
)


@dataclass(frozen=True)
class ReviewStanding:
    """Where a consortium stands with the contact points, as its applicant is told.

    ``state`` is the latest review's status, ``not_reviewed`` (submitted, no review of the
    standing submission yet) or ``not_submitted`` (a draft never reviewed). A draft whose
    withdrawn submission was reviewed keeps that review, marked as of a withdrawn submission.
    """

    state: str
    review: Review | None = None

    @property
    def label(self) -> str:
        if self.state == NOT_SUBMITTED:
            return str(_("Not submitted yet"))
        if self.state == NOT_REVIEWED:
            return str(_("Not reviewed"))
        return str(ReviewStatus(self.state).label)

    @property
    def of_withdrawn_submission(self) -> bool:
        return self.review is not None and self.review.submission.is_withdrawn

    @property
    def advice(self) -> str:
        if self.of_withdrawn_submission:
            return str(WITHDRAWN_ADVICE)
        return str(APPLICANT_ADVICE[self.state])

    @property
    def asks_for_action(self) -> bool:
        """The review asks the applicant to act (an ineligible finding or a question)."""
        return self.state in {
            ReviewStatus.CONFIRMED_INELIGIBLE, ReviewStatus.CLARIFICATION_REQUESTED
        }


def review_standing(latest_review: Review | None, *, submitted: bool) -> ReviewStanding:
    """The standing of a consortium (``submitted`` or a draft) whose latest review, of any of
    its submissions, is ``latest_review``."""
    if latest_review is not None and not latest_review.submission.is_withdrawn:
        return ReviewStanding(latest_review.status, latest_review)
    if submitted:
        return ReviewStanding(NOT_REVIEWED)
    if latest_review is not None:
        return ReviewStanding(latest_review.status, latest_review)
    return ReviewStanding(NOT_SUBMITTED)


# Reading a submission's snapshot: what was submitted, not what the consortium is now.

def snapshot_coordinator(snapshot: dict) -> dict | None:
    """The coordinator's row in a submission snapshot, or None."""
    return next(
        (member for member in snapshot.get("members", []) if member.get("role") == "coordinator"),
        None,
    )
