from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from audit.admin import ReadOnlyAdmin, RecordedInAdmin

from .models import NationalContactPoint, Review


@admin.register(NationalContactPoint)
class NationalContactPointAdmin(RecordedInAdmin):
    """Where an administrator makes a user the national contact point of some countries."""

    list_display = ["user", "country_codes", "user_is_active"]
    list_filter = ["countries", "user__is_active"]
    search_fields = ["user__email", "user__first_name", "user__last_name", "countries__code",
                     "countries__name"]
    autocomplete_fields = ["user"]
    filter_horizontal = ["countries"]
    list_select_related = ["user"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("countries")

    @admin.display(description=_("countries"))
    def country_codes(self, contact_point: NationalContactPoint) -> str:
        return ", ".join(sorted(country.code for country in contact_point.countries.all()))

    @admin.display(description=_("active"), boolean=True, ordering="user__is_active")
    def user_is_active(self, contact_point: NationalContactPoint) -> bool:
        return contact_point.user.is_active


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    """Reviews are append-only: shown here, never added, changed or deleted."""

    list_display = ["created_at", "consortium_acronym", "call_reference", "reviewer", "status",
                    "submission"]
    list_filter = ["status", "created_at", "submission__consortium__call"]
    search_fields = ["submission__consortium__acronym", "reviewer__email", "comment"]
    date_hierarchy = "created_at"
    list_select_related = ["reviewer", "submission", "submission__consortium",
                           "submission__consortium__call"]

    @admin.display(description=_("consortium"), ordering="submission__consortium__acronym")
    def consortium_acronym(self, review: Review) -> str:
        return review.submission.consortium.acronym

    @admin.display(description=_("call"), ordering="submission__consortium__call__reference")
    def call_reference(self, review: Review) -> str:
        return review.submission.consortium.call.reference
