from django.contrib import admin

from .models import Event
from .services import admin_change_record


class ReadOnlyAdmin(admin.ModelAdmin):
    """A ModelAdmin base for history: every row is shown, none can be added, changed or
    deleted in the admin, and each field is shown read-only."""

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RecordedInAdmin(admin.ModelAdmin):
    """A ModelAdmin base: every addition, change and deletion made in the admin goes on
    the record too (beside Django's admin log, in the same transaction)."""

    def log_addition(self, request, obj, message):
        admin_change_record(actor=request.user, instance=obj, operation="added", changes=message)
        return super().log_addition(request, obj, message)

    def log_change(self, request, obj, message):
        admin_change_record(actor=request.user, instance=obj, operation="changed",
                            changes=message)
        return super().log_change(request, obj, message)

    def log_deletions(self, request, queryset):
        for obj in queryset:
            admin_change_record(actor=request.user, instance=obj, operation="deleted", changes=[])
        return super().log_deletions(request, queryset)


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    """The record, read-only: nothing in it can be added, changed or deleted here."""

    list_display = ["occurred_at", "action", "actor", "consortium", "call"]
    list_filter = ["action", "occurred_at"]
    search_fields = ["actor__email", "consortium__acronym", "call__reference"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor", "consortium", "call"]
