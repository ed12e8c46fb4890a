"""Administration of the reference data and the calls, and loading call fixtures by upload."""
from typing import TYPE_CHECKING, TypedDict

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.http import content_disposition_header, urlencode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from audit.admin import RecordedInAdmin

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

from .admin_forms import (
    BASIS,
    OPTION,
    SOURCE,
    CallFixtureUploadForm,
    RuleKindForm,
    SampleConsortiumForm,
    call_rule_form,
)
from .fixtures import call_fixture_export, call_fixtures_load
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
from .rule_kinds import rule_kinds


class ReadByEveryCallAdmin(admin.ModelAdmin):
    """Reference data the rules of every call read (programmes, countries and their
    participation, regions): a change made here marks every call as changed, so that no process
    goes on checking with what it cached before."""

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Call.objects.versions_bump()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Call.objects.versions_bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Call.objects.versions_bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        Call.objects.versions_bump()


@admin.register(Programme)
class ProgrammeAdmin(ReadByEveryCallAdmin):
    list_display = ["code", "name", "starts_on", "ends_on", "legal_basis"]
    search_fields = ["code", "name"]


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    fields = ["programme", "basis", "starts_on", "ends_on", "status", "source"]


@admin.register(Country)
class CountryAdmin(ReadByEveryCallAdmin):
    list_display = ["code", "name", "localized_name", "nuts_prefix"]
    list_filter = ["participations__programme", "participations__basis", "participations__status"]
    search_fields = ["code", "name"]
    inlines = [ParticipationInline]

    @admin.display(description=_("name in your language"))
    def localized_name(self, country: Country) -> str:
        return country.localized_name

    @admin.display(description=_("NUTS prefix"))
    def nuts_prefix(self, country: Country) -> str:
        return country.nuts_prefix


@admin.register(Participation)
class ParticipationAdmin(ReadByEveryCallAdmin):
    list_display = ["country", "programme", "basis", "starts_on", "ends_on"]
    list_filter = ["programme", "basis"]
    list_select_related = ["country", "programme"]
    search_fields = ["country__code", "country__name"]
    autocomplete_fields = ["country"]
    date_hierarchy = "starts_on"


class RegionCount(TypedDict):
    region_count: int


@admin.register(RegionClassification)
class RegionClassificationAdmin(ReadByEveryCallAdmin):
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
class RegionAdmin(ReadByEveryCallAdmin):
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
    """The call's rules, listed: each is edited on its own page, with a field per option."""

    model = CallRule
    extra = 0
    fields = ["strand", "code", "severity", "reference", "options"]
    readonly_fields = ["strand", "code", "severity", "reference", "options"]
    show_change_link = True
    can_delete = False  # on the rule's own page, like every change to it

    def has_add_permission(self, request, obj=None) -> bool:
        return False  # a rule is added in two steps: its kind, then its options


@admin.register(CallRule)
class CallRuleAdmin(RecordedInAdmin):
    """A call's rule, edited with a form made from its rule class's parameters.

    Adding one takes two steps, without script: pick the call and the kind of rule, then fill
    the form of that kind. Saving checks the rule as a fixture load does and raises the call's
    version, all or nothing.
    """

    list_display = ["call", "strand", "code", "severity", "reference"]
    list_filter = ["code", "severity"]
    list_select_related = ["call", "strand"]
    search_fields = ["call__reference", "code", "reference"]

    def get_form(self, request, obj=None, change=False, **kwargs):
        code = obj.code if obj is not None else request.GET.get("code", "")
        form = call_rule_form(code)
        if form is None:
            raise Http404(_("No rule has this code."))
        if obj is None:
            form = type(form.__name__, (form,), {"call_id": request.GET.get("call")})
        kwargs["form"] = form
        kwargs["fields"] = list(form.base_fields)
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        form = self.get_form(request, obj)
        return [
            (None, {"fields": [
                "call", "code", "strand", "severity", "reference", "reference_ro", "source",
            ]}),
            (_("Options"), {"fields": [
                (OPTION + option, BASIS + option, SOURCE + option)
                for option in form.option_names
            ]}),
        ]

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context=None):
        if not RuleKindForm(request.GET).is_valid():
            return self.rule_kind_view(request)
        return super().add_view(request, form_url, extra_context)

    def rule_kind_view(self, request: HttpRequest) -> HttpResponse:
        """The first step of adding a rule: which call, which kind of rule."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = RuleKindForm(request.GET if "code" in request.GET else None,
                            initial={"call": request.GET.get("call")})
        return TemplateResponse(request, "admin/calls/callrule/rule_kind.html", {
            **self.admin_site.each_context(request),
            "title": _("Add call rule: its kind"),
            "opts": self.opts,
            "form": form,
        })

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        # Every process rebuilds what its rules read about this call at its next check.
        obj.call.version_bump()

    def delete_model(self, request, obj) -> None:
        call = obj.call
        super().delete_model(request, obj)
        call.version_bump()


def fixture_response(calls, filename: str) -> HttpResponse:
    response = HttpResponse(call_fixture_export(calls), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


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
    readonly_fields = ["version", "add_rule"]
    fieldsets = [
        (None, {"fields": [
            "reference", "alternative_reference", "title", "title_ro", "short_name",
            "programme", "is_practice", "version", "add_rule",
        ]}),
        (_("Funding"), {"fields": ["total_budget", "expected_grants"]}),
        (_("Dates"), {"fields": [
            "deadline", "deadline_timezone", "deadline_hour_known", "participation_on",
            "questions_deadline",
        ]}),
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

    @admin.display(description=_("rules"))
    def add_rule(self, call: Call) -> str:
        if call.pk is None:
            return _("Save the call first; then add its rules.")
        url = reverse("admin:calls_callrule_add") + "?" + urlencode({"call": call.pk})
        return format_html('<a href="{}">{}</a>', url, _("Add a rule"))

    @admin.display(description=_("deadline"), ordering="deadline")
    def deadline_in_zone(self, call: Call) -> str:
        local = call.deadline_local
        return f"{local:%Y-%m-%d %H:%M} {local.tzname()} ({call.deadline_timezone})"

    @admin.display(description=_("open"), boolean=True)
    def is_open_now(self, call: Call) -> bool:
        return call.is_open(timezone.now())

    actions = ["export_fixture"]

    @admin.action(description=_("Export the selected calls as a fixture"),
                  permissions=["view"])
    def export_fixture(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse:
        return fixture_response(queryset.order_by("reference"), "calls.json")

    def export_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The call as a fixture file that loads back as it is."""
        call = self.get_object(request, object_id)
        if call is None or not self.has_view_permission(request, call):
            raise Http404
        return fixture_response([call], f"{call.reference}.json")

    def try_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Check a sample consortium against the call as it stands now, before it is used."""
        call = self.get_object(request, object_id)
        if call is None or not self.has_view_permission(request, call):
            raise Http404
        form = SampleConsortiumForm(request.POST or None, request.FILES or None)
        result = {}
        if form.is_bound and form.is_valid():
            result = rule_kinds().sample_check(call, form.body())
        return TemplateResponse(request, "admin/calls/call/try_consortium.html", {
            **self.admin_site.each_context(request),
            "title": _("Try a consortium against %(call)s") % {"call": call.reference},
            "opts": self.opts,
            "original": call,
            "form": form,
            "report": result.get("report"),
            "problems": result.get("problems"),
        })

    def get_urls(self):
        return [
            path(
                "<path:object_id>/try/",
                self.admin_site.admin_view(self.try_view),
                name="calls_call_try",
            ),
            path(
                "<path:object_id>/export/",
                self.admin_site.admin_view(require_safe(self.export_view)),
                name="calls_call_export",
            ),
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
