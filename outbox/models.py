"""The e-mails the application owes, kept until they are delivered.

A row is written in the same transaction as the change it reports, so that a change is
never committed without its e-mail, nor an e-mail kept for a change rolled back. Delivery
(outbox.services) claims a row before sending it and marks it sent afterwards.
"""
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    SUBMISSION_ARRIVED = "submission_arrived", _("New submission, to a national contact point")
    REVIEW_RECORDED = "review_recorded", _("Review, to the applicant")


class Status(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    # Claimed for sending, and never marked sent nor failed: the process may have died
    # before or after the mail server took it. A person decides (docs/OPERATIONS.md).
    UNCERTAIN = "uncertain", _("Uncertain: check whether it arrived")


class MessageQuerySet(models.QuerySet):
    def due(self, now: datetime) -> "MessageQuerySet":
        """Pending messages whose next attempt is at or before ``now``, oldest first."""
        return self.filter(status=Status.PENDING, next_attempt_at__lte=now).order_by(
            "next_attempt_at", "id"
        )

    def stale_claims(self, claimed_before: datetime) -> "MessageQuerySet":
        """Messages claimed for sending before ``claimed_before`` and still not settled."""
        return self.filter(status=Status.SENDING, claimed_at__lt=claimed_before)


class Message(models.Model):
    """One e-mail to one recipient, rendered in the recipient's language when it was
    written: what is sent is exactly what the change reported at that moment."""

    kind = models.CharField(_("kind"), max_length=32, choices=Kind.choices)
    recipient = models.EmailField(_("recipient"), max_length=254)
    language = models.CharField(_("language"), max_length=8)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("body"))
    # The ids of what the e-mail reports (e.g. {"submission": 12, "review": 3}): a record
    # for the person reading the admin, not a link the e-mail depends on.
    related = models.JSONField(_("related objects"), default=dict, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("written at"))
    next_attempt_at = models.DateTimeField(_("next attempt at"))
    claimed_at = models.DateTimeField(_("claimed for sending at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    objects = MessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=Kind.values), name="outbox_message_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=Status.values), name="outbox_message_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(status=Status.SENT, sent_at__isnull=False)
                | (~Q(status=Status.SENT) & Q(sent_at__isnull=True)),
                name="outbox_message_sent_when_sent_at",
            ),
            models.CheckConstraint(
                condition=~Q(status=Status.SENDING) | Q(claimed_at__isnull=False),
                name="outbox_message_sending_is_claimed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"
