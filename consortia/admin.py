from django.contrib import admin

from .models import Consortium, Member, Submission


class MemberInline(admin.TabularInline):
    model = Member
    extra = 0
    raw_id_fields = ["region"]


@admin.register(Consortium)
class ConsortiumAdmin(admin.ModelAdmin):
    list_display = ["acronym", "call", "owner", "status", "updated_at"]
    list_filter = ["status", "call"]
    search_fields = ["acronym", "title", "owner__email", "members__name"]
    list_select_related = ["call", "owner"]
    readonly_fields = ["status", "created_at", "updated_at"]
    raw_id_fields = ["owner"]
    inlines = [MemberInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Submissions are history: shown, never changed or deleted here."""

    list_display = ["consortium", "submitted_at", "submitted_by", "verdict", "withdrawn_at"]
    list_filter = ["verdict", "consortium__call"]
    search_fields = ["consortium__acronym", "submitted_by__email"]
    list_select_related = ["consortium", "submitted_by"]
    date_hierarchy = "submitted_at"

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in Submission._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
