"""Administration of the reference data and the calls, and loading call fixtures by upload."""
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.admin import RecordedInAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from .admin_forms import CallFixtureUploadForm, CallRuleAdminForm
from .fixtures import call_fixtures_load
from .models import (
    Call,
    CallRule,
    Country,
    Participation,
    Programme,
    Region,
    RegionAlias,
    RegionClassification,
    Strand,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "starts_on", "ends_on", "legal_basis"]
    search_fields = ["code", "name"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["programme", "basis", "starts_on", "ends_on", "source"]


@admin.register(Country)
class CountryAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "localized_name", "nuts_prefix"]
    list_filter = ["participations__programme", "participations__basis"]
    search_fields = ["code", "name"]
    inlines = [ParticipationInline]

    @admin.display(description=_("name in your language"))
    def localized_name(self, country: Country) -> str:
        return country.localized_name

    @admin.display(description=_("NUTS prefix"))
    def nuts_prefix(self, country: Country) -> str:
        return country.nuts_prefix


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["country", "programme", "basis", "starts_on", "ends_on"]
    list_filter = ["programme", "basis"]
    list_select_related = ["country", "programme"]
    search_fields = ["country__code", "country__name"]
    autocomplete_fields = ["country"]
    date_hierarchy = "starts_on"


class RegionCount(TypedDict):
    region_count: int


@admin.register(RegionClassification)
class RegionClassificationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "nuts_version", "legal_basis", "region_count"]
    search_fields = ["code", "name", "legal_basis"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(region_count=Count("regions"))

    @admin.display(description=_("regions"), ordering="region_count")
    def region_count(
        self, classification: "WithAnnotations[RegionClassification, RegionCount]"
    ) -> int:
        return classification.region_count


class RegionAliasInline(admin.TabularInline):
    model = RegionAlias
    extra = 0
    fields = ["code", "note"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "country", "category", "classification"]
    list_filter = ["classification", "category", ("country", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["country", "classification"]
    search_fields = ["code", "name", "aliases__code"]
    autocomplete_fields = ["country"]
    inlines = [RegionAliasInline]


class StrandInline(admin.TabularInline):
    model = Strand
    extra = 0
    fields = ["code", "title", "title_ro", "order"]


class CallRuleInline(admin.TabularInline):
    model = CallRule
    form = CallRuleAdminForm
    extra = 0
    fields = ["strand", "code", "severity", "reference", "reference_ro", "source", "options",
              "provenance"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "strand":
            # Only this call's strands; a new call has none yet.
            call_id = request.resolver_match.kwargs.get("object_id")
            kwargs["queryset"] = (
                Strand.objects.filter(call_id=call_id) if call_id else Strand.objects.none()
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Call)
class CallAdmin(RecordedInAdmin):
    change_list_template = "admin/calls/call/change_list.html"
    list_display = [
        "reference", "title", "programme", "deadline_in_zone", "is_open_now", "is_practice",
    ]
    list_filter = ["programme", "is_practice"]
    list_select_related = ["programme"]
    search_fields = ["reference", "alternative_reference", "title", "short_name"]
    date_hierarchy = "deadline"
    inlines = [StrandInline, CallRuleInline]
    readonly_fields = ["version"]
    fieldsets = [
        (None, {"fields": [
            "reference", "alternative_reference", "title", "title_ro", "short_name",
            "programme", "is_practice", "version",
        ]}),
        (_("Funding"), {"fields": ["total_budget", "expected_grants"]}),
        (_("Dates"), {"fields": ["deadline", "deadline_timezone", "questions_deadline"]}),
        (_("Consortium"), {"fields": ["region_classification"]}),
        (_("Information for applicants"), {"fields": [
            "contact_email", "contact_note", "faq_url", "call_text_url", "expected_outputs",
            "partner_search_tools",
        ]}),
        (_("Sources"), {"fields": ["sources", "provenance", "gaps"]}),
    ]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        # Every process rebuilds what its rules read about this call at its next check.
        form.instance.version_bump()

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_in_zone(self, call: Call) -> str:
        local = call.deadline_local
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({call.deadline_timezone})"

    @admin.display(description=_("open"), boolean=True)
    def is_open_now(self, call: Call) -> bool:
        return call.is_open(timezone.now())

    def get_urls(self):
        return [
            path(
                "load-fixture/",
                self.admin_site.admin_view(self.load_fixture_view),
                name="calls_call_load_fixture",
            ),
            *super().get_urls(),
        ]

    def may_load_fixtures(self, request: HttpRequest) -> bool:
        return self.has_add_permission(request) and self.has_change_permission(request)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}), "may_load_fixtures": self.may_load_fixtures(request),
        }
        return super().changelist_view(request, extra_context)

    def load_fixture_view(self, request: HttpRequest) -> HttpResponse:
        """Upload call fixture files; every problem is shown, or what was loaded."""
        if not self.may_load_fixtures(request):
            raise PermissionDenied
        if request.method == "POST":
            form = CallFixtureUploadForm(request.POST, request.FILES)
        else:
            form = CallFixtureUploadForm()
        report = None
        if form.is_bound and form.is_valid():
            report = call_fixtures_load(sources=form.sources(), actor=request.user)
            if report.ok:
                form = CallFixtureUploadForm()
        return TemplateResponse(request, "admin/calls/call/load_fixture.html", {
            **self.admin_site.each_context(request),
            "title": _("Load call fixture"),
            "opts": self.opts,
            "form": form,
            "report": report,
            "max_size": settings.CALL_FIXTURE_MAX_BYTES,
        })
