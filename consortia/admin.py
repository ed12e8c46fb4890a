from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from audit.admin import ReadOnlyAdmin, RecordedInAdmin

from .models import Consortium, Member, RecheckRun, Submission


def _is_submitted(consortium: Consortium | None) -> bool:
    return consortium is not None and not consortium.is_editable


class MemberInline(admin.TabularInline):
    """A submitted consortium's members are shown, never changed: they are what was
    submitted, and what its contact points were told."""

    model = Member
    extra = 0
    raw_id_fields = ["region"]

    def has_add_permission(self, request, obj=None):
        return not _is_submitted(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None):
        return not _is_submitted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_submitted(obj) and super().has_delete_permission(request, obj)


@admin.register(Consortium)
class ConsortiumAdmin(RecordedInAdmin):
    """Drafts can be corrected here, each change on the record; a submitted consortium is
    read-only (its applicant withdraws it to change it)."""

    list_display = ["acronym", "call", "owner", "status", "updated_at"]
    list_filter = ["status", "call"]
    search_fields = ["acronym", "title", "owner__email", "members__name"]
    list_select_related = ["call", "owner"]
    readonly_fields = ["status", "created_at", "updated_at"]
    raw_id_fields = ["owner"]
    inlines = [MemberInline]

    def has_change_permission(self, request, obj=None):
        return not _is_submitted(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _is_submitted(obj) and super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        # The applicant may have submitted it since the form was opened: look again, with
        # the row locked until the admin's transaction ends (as every write to it does).
        if change and _is_submitted(Consortium.objects.select_for_update().get(pk=obj.pk)):
            raise PermissionDenied
        super().save_model(request, obj, form, change)


@admin.register(Submission)
class SubmissionAdmin(ReadOnlyAdmin):
    """Submissions are history: shown, never changed or deleted here."""

    list_display = ["consortium", "submitted_at", "submitted_by", "verdict", "withdrawn_at"]
    list_filter = ["verdict", "consortium__call"]
    search_fields = ["consortium__acronym", "submitted_by__email"]
    list_select_related = ["consortium", "submitted_by"]
    date_hierarchy = "submitted_at"


@admin.register(RecheckRun)
class RecheckRunAdmin(ReadOnlyAdmin):
    """Re-check runs and how far each has come (``manage.py recheck_eligibility``): shown,
    never changed here; the workers fill in the counts chunk by chunk."""

    list_display = ["call", "checked_at", "on_workers", "progress", "checked", "changed",
                    "verdict_changed", "chunks_failed", "finished_at"]
    list_filter = ["call", "on_workers"]
    list_select_related = ["call"]
    date_hierarchy = "checked_at"

    @admin.display(description=_("chunks done"))
    def progress(self, run: RecheckRun) -> str:
        return f"{run.chunks_done} / {run.chunks}"
