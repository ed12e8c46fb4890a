from django.contrib import admin

from .models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The record, read-only: nothing in it can be added, changed or deleted here."""

    list_display = ["occurred_at", "action", "actor", "consortium", "call"]
    list_filter = ["action", "occurred_at"]
    search_fields = ["actor__email", "consortium__acronym", "call__reference"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor", "consortium", "call"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
