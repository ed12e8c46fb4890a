from functools import partial

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _, ngettext

from audit.services import event_log

from .models import Message
from .services import messages_mark_sent, messages_retry


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    """The outbox, read-only but for two decisions: send again now, or mark an uncertain
    e-mail sent once a person has checked that it arrived."""

    list_display = ["created_at", "kind", "recipient", "language", "status", "attempts",
                    "next_attempt_at", "sent_at", "error"]
    list_filter = ["status", "kind", "language"]
    search_fields = ["recipient", "subject"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    actions = ["retry_now", "mark_sent"]
    readonly_fields = ["kind", "recipient", "language", "subject", "body", "related", "status",
                       "attempts", "created_at", "next_attempt_at", "claimed_at", "sent_at",
                       "last_error"]

    @admin.display(description=_("last error"))
    def error(self, message: Message) -> str:
        return Truncator(message.last_error).chars(80)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Send again now (pending and uncertain e-mails)"),
                  permissions=["change"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = messages_retry(message_ids=ids)
        transaction.on_commit(partial(event_log, "outbox_retried", messages=ids,
                                      by=request.user.pk))
        self.message_user(request, ngettext(
            "%(count)d e-mail will be sent again now.",
            "%(count)d e-mails will be sent again now.", count,
        ) % {"count": count}, messages.SUCCESS)

    @admin.action(description=_("Mark as sent (uncertain e-mails that did arrive)"),
                  permissions=["change"])
    def mark_sent(self, request: HttpRequest, queryset: QuerySet[Message]) -> None:
        ids = list(queryset.values_list("pk", flat=True))
        count = messages_mark_sent(message_ids=ids)
        transaction.on_commit(partial(event_log, "outbox_marked_sent", messages=ids,
                                      by=request.user.pk))
        self.message_user(request, ngettext(
            "%(count)d e-mail marked as sent.", "%(count)d e-mails marked as sent.", count,
        ) % {"count": count}, messages.SUCCESS)
