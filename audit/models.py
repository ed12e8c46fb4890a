"""The record: who changed what, and when. Append-only."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
import pgtrigger


def refuse(reason: str) -> str:
    """The body of a PostgreSQL trigger function that refuses the row change, saying why."""
    return f"RAISE EXCEPTION '%: {reason}', TG_TABLE_NAME;"


class Action(models.TextChoices):
    CONSORTIUM_CREATED = "consortium_created", _("Consortium created")
    CONSORTIUM_EDITED = "consortium_edited", _("Consortium edited")
    CONSORTIUM_SUBMITTED = "consortium_submitted", _("Consortium submitted")
    CONSORTIUM_WITHDRAWN = "consortium_withdrawn", _("Submission withdrawn")
    CONSORTIUM_REVIEWED = "consortium_reviewed", _("Submission reviewed")
    CALL_LOADED = "call_loaded", _("Call loaded")
    CALL_UPDATED = "call_updated", _("Call updated")
    CHANGED_IN_ADMIN = "changed_in_admin", _("Changed in the admin")


class EventQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("The record cannot be changed.")

    def delete(self):
        raise PermissionError("The record cannot be deleted.")


class Event(models.Model):
    """One state change. Rows are only ever added; the database refuses changes too."""

    occurred_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name=_("who"),
    )
    action = models.CharField(_("what"), max_length=30, choices=Action.choices)
    consortium = models.ForeignKey(
        "consortia.Consortium", on_delete=models.PROTECT, null=True, blank=True,
        related_name="events", verbose_name=_("consortium"),
    )
    call = models.ForeignKey(
        "calls.Call", on_delete=models.PROTECT, null=True, blank=True,
        related_name="events", verbose_name=_("call"),
    )
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["occurred_at", "id"]
        verbose_name = _("record entry")
        verbose_name_plural = _("record")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=Action.values), name="event_action_known",
            ),
        ]
        indexes = [models.Index(fields=["consortium", "occurred_at"])]
        triggers = [
            # PostgreSQL refuses changes too, whoever writes (TRUNCATE is left to tests).
            pgtrigger.Trigger(
                name="record_append_only", when=pgtrigger.Before,
                operation=pgtrigger.Update | pgtrigger.Delete,
                func=refuse("the record is append-only"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("The record cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("The record cannot be deleted.")
