"""The consortium page's forms: the project data and one row per member.

Forms check the shape of what is typed (a region of the chosen country, an https address on
clustercollaboration.eu, an amount in cents, one coordinator, no organisation twice). Whether
the consortium meets the call's rules is the eligibility panel's business, never a form error.
"""
from dataclasses import dataclass
from datetime import datetime, time
from functools import cached_property, lru_cache
from typing import cast
import zoneinfo

from django import forms
from django.core.validators import RegexValidator
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _, ngettext

from calls.countries import country_name
from calls.eccp import ECCP_URL_VALIDATOR
from calls.models import (
    Call,
    Country,
    Declaration,
    EccpStatus,
    MemberRole,
    OrganisationType,
    Region,
)
from config.forms import AmountField, LocalDateField
from config.text import reading_order
from eligibility.facts import call_parameters
from eligibility.member_set import member_set_findings

from .models import Consortium, Member
from .services import MemberDraft, ProjectDraft

MAX_MEMBERS = 50


# A list of options as rendered: (group label or "", ((value, label, country), ...)) per
# group; a country is given for regions only. Hashable, so that the rendered markup can be
# kept per content (see ``options_markup``).
OptionGroups = tuple[tuple[str, tuple[tuple[str, str, str], ...]], ...]


def _frozen(choices: list, country_of: dict[str, str] | None = None) -> OptionGroups:
    """``choices`` as Django takes them (values and labels, optionally grouped), frozen
    in the active language."""
    country_of = country_of or {}
    groups: list[tuple[str, tuple[tuple[str, str, str], ...]]] = []
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            groups.append((str(value), tuple(
                (str(option), str(text), country_of.get(str(option), ""))
                for option, text in label
            )))
        else:
            groups.append(("", ((str(value), str(label), country_of.get(str(value), "")),)))
    return tuple(groups)


@lru_cache(maxsize=64)
def options_markup(groups: OptionGroups) -> str:
    """The ``<option>`` elements of ``groups``, rendered once per content (so once per call,
    language and reference data) and shared by every member row of every page."""
    parts: list[str] = []
    for group_label, options in groups:
        if group_label:
            parts.append(format_html('<optgroup label="{}">', group_label))
        for value, label, country in options:
            parts.append(format_html(
                '<option value="{}"{}>{}</option>', value,
                format_html(' data-country="{}"', country) if country else "", label,
            ))
        if group_label:
            parts.append("</optgroup>")
    return "".join(parts)


@dataclass(frozen=True)
class MemberChoices:
    """The country and region lists of a call's member rows, built once per page.

    Countries taking part in the call's programme on the deadline date come first, then every
    other country; regions are those of the call's classification, grouped by country. Each
    region option says its country (``data-country``) for ``static/js/region-filter.js``.
    """

    countries: list
    regions: list
    region_queryset: QuerySet[Region]
    country_of_region: dict[str, str]

    @classmethod
    def for_call(cls, call: Call) -> "MemberChoices":
        eligible = call_parameters(call).eligible_countries
        named = sorted(
            ((code, country_name(code)) for code in Country.objects.values_list("code", flat=True)),
            key=lambda pair: reading_order(pair[1]),
        )
        countries = [
            ("", _("Choose a country")),
            (_("Taking part in this call"), [pair for pair in named if pair[0] in eligible]),
            (_("Other countries"), [pair for pair in named if pair[0] not in eligible]),
        ]
        if call.region_classification_id:
            region_queryset = Region.objects.filter(
                classification_id=call.region_classification_id
            ).select_related("country")
        else:
            region_queryset = Region.objects.none()
        by_country: dict[str, list[tuple[str, str]]] = {}
        country_of_region: dict[str, str] = {}
        for pk, code, name, country in region_queryset.order_by("code").values_list(
            "pk", "code", "name", "country_id"
        ):
            by_country.setdefault(country, []).append((str(pk), f"{name} ({code})"))
            country_of_region[str(pk)] = country
        regions = [("", _("No region or not known yet"))] + [
            (country_name(country), options)
            for country, options in sorted(
                by_country.items(), key=lambda item: reading_order(country_name(item[0]))
            )
        ]
        return cls(countries, regions, region_queryset, country_of_region)

    @cached_property
    def country_options(self) -> str:
        return options_markup(_frozen(self.countries))

    @cached_property
    def region_options(self) -> str:
        return options_markup(_frozen(self.regions, self.country_of_region))


class SharedOptionsSelect(forms.Select):
    """A list whose options are rendered once (``options_markup``) and pasted into every row
    that uses them; only the chosen option is marked per row. Rendering the same few hundred
    options through a template for every member row cost most of the consortium form's time.
    """

    def __init__(self, attrs=None, choices=(), options_html: str = ""):
        super().__init__(attrs, choices)
        self.options_html = options_html

    def use_required_attribute(self, initial) -> bool:
        # Django reads the first option to see whether it is empty; with shared markup it
        # always is (MemberChoices begins each list with the empty choice), and reading it
        # would walk the whole list for every row.
        if not self.options_html:
            return super().use_required_attribute(initial)
        return not self.is_hidden

    def render(self, name, value, attrs=None, renderer=None):
        if not self.options_html:
            return super().render(name, value, attrs, renderer)
        chosen = next(iter(self.format_value(value)), "")
        marker = format_html('<option value="{}"', chosen)
        # The markup is ours (escaped by options_markup); the marker ends at the value's
        # closing quote, so "1" never marks "12".
        options = mark_safe(self.options_html.replace(marker, f"{marker} selected", 1))
        return format_html(
            '<select name="{}"{}>{}</select>', name,
            flatatt(self.build_attrs(self.attrs, attrs)), options,
        )


class RegionSelect(SharedOptionsSelect):
    """The region list, marked for ``static/js/region-filter.js``, which shows only the
    regions of the country chosen in the same row."""

    def __init__(self, attrs=None, choices=(), options_html: str = ""):
        super().__init__({"data-region-filter": "", **(attrs or {})}, choices, options_html)


class ConsortiumForm(forms.ModelForm):
    class Meta:
        model = Consortium
        fields = [
            "strand", "acronym", "title", "duration_months", "start_date",
            "total_eligible_costs", "requested_grant", "fstp_costs", "other_costs",
        ]
        field_classes = {
            "start_date": LocalDateField,
            "total_eligible_costs": AmountField,
            "requested_grant": AmountField,
            "fstp_costs": AmountField,
            "other_costs": AmountField,
        }
        help_texts = {
            "acronym": _("A short name for the project; you can change it later."),
            "duration_months": _("Whole months, for example 24."),
            "start_date": _("The day the project is planned to begin."),
            "total_eligible_costs": _(
                "In euro, with at most two decimals, for example 466,666.67."
            ),
            "requested_grant": _("In euro, with at most two decimals; the call caps the grant."),
            "fstp_costs": _(
                "Optional, for calls that fund cost categories at different rates: the part "
                "of the eligible costs passed on to third parties (cascade funding)."
            ),
            "other_costs": _(
                "Optional, with the line above: all other eligible costs. Together they make "
                "the total eligible costs."
            ),
        }
        error_messages = {
            "acronym": {"required": _("Give the project an acronym, even a provisional one.")},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The model refuses 0 months (its validator reports it next to the field); say so
        # to the browser as well.
        self.fields["duration_months"].widget.attrs["min"] = 1
        # A call with strands asks which one the consortium applies to; others do not ask.
        call = self.instance.call if self.instance.call_id else None
        if call is None or not call_parameters(call).strands:
            del self.fields["strand"]
        else:
            strand = self.fields["strand"]
            strand.queryset = call.strands.all()  # type: ignore[attr-defined]
            strand.required = True
            strand.error_messages["required"] = _(
                "Choose the strand of the call the consortium applies to."
            )

    def project_draft(self) -> ProjectDraft:
        """What a valid form says of the project, as plain values for the service."""
        cleaned = self.cleaned_data
        return ProjectDraft(
            acronym=cleaned["acronym"],
            title=cleaned.get("title") or "",
            duration_months=cleaned.get("duration_months"),
            start_date=cleaned.get("start_date"),
            total_eligible_costs=cleaned.get("total_eligible_costs"),
            requested_grant=cleaned.get("requested_grant"),
            fstp_costs=cleaned.get("fstp_costs"),
            other_costs=cleaned.get("other_costs"),
            strand_id=cleaned["strand"].pk if cleaned.get("strand") else None,
        )


# The model's own check, under a code of its own: a URL field would otherwise replace its
# message (code "invalid") with the generic "Enter a valid URL.".
ECCP_PROFILE_ADDRESS = RegexValidator(
    ECCP_URL_VALIDATOR.regex, ECCP_URL_VALIDATOR.message, code="not_on_eccp"
)


# The coordinator is marked by its own box; the list offers the other roles.
ROLES_BESIDE_THE_COORDINATOR = [
    (value, label) for value, label in MemberRole.choices if value != MemberRole.COORDINATOR
]


class RoleField(forms.ChoiceField):
    """The role of a member who is not the coordinator; left empty, a beneficiary. An empty
    value and "beneficiary" are the same, so that an untouched new row stays unchanged."""

    def has_changed(self, initial, data) -> bool:
        default = MemberRole.BENEFICIARY.value
        return str(initial or default) != str(data or default)


class MemberForm(forms.ModelForm):
    eccp_profile_url = forms.URLField(
        label=_("ECCP profile URL"), required=False, assume_scheme="https",
        validators=[ECCP_PROFILE_ADDRESS],
        help_text=_("The https address of the published profile on clustercollaboration.eu."),
    )
    role = RoleField(
        label=_("Role, if not the coordinator"), required=False,
        choices=ROLES_BESIDE_THE_COORDINATOR,
        help_text=_("Beneficiaries sign the grant agreement; affiliated entities are linked "
                    "to a beneficiary; associated partners take part without funding. Left "
                    "empty: beneficiary."),
    )
    declarations = forms.MultipleChoiceField(
        label=_("Declarations"), required=False, choices=Declaration.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick what applies to this member. EU law excludes Russian entities over "
                    "50 % publicly owned or controlled (not eligible), and forbids signing a "
                    "grant with a Hungarian public-interest trust or an entity it maintains "
                    "(it may apply, but cannot sign)."),
    )

    class Meta:
        model = Member
        fields = [
            "name", "country", "region", "organisation_type", "eccp_status", "eccp_profile_url",
            "is_coordinator", "role", "declarations",
        ]
        widgets = {"country": SharedOptionsSelect, "region": RegionSelect}
        help_texts = {
            "region": _(
                "The NUTS 2 region where the organisation is established. Countries outside "
                "the classification have no region: leave it empty."
            ),
            "is_coordinator": _("Exactly one member coordinates the consortium."),
        }
        error_messages = {
            "name": {"required": _("Give the member's legal name, or leave the whole row empty.")},
        }

    def __init__(self, *args, choices: MemberChoices, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.role == MemberRole.COORDINATOR:
            self.initial["role"] = MemberRole.BENEFICIARY
        # The lists are handed over as callables: Django then reads them only when asked,
        # instead of normalising some 500 options for every row (the rows render the shared
        # markup, and the model fields validate against their querysets).
        country = cast(forms.ModelChoiceField, self.fields["country"])
        country.choices = lambda: choices.countries
        cast(SharedOptionsSelect, country.widget).options_html = choices.country_options
        region = cast(forms.ModelChoiceField, self.fields["region"])
        region.queryset = choices.region_queryset
        region.choices = lambda: choices.regions
        cast(RegionSelect, region.widget).options_html = choices.region_options
        cast(forms.ChoiceField, self.fields["organisation_type"]).choices = [
            ("", _("Choose a type")), *OrganisationType.choices
        ]
        cast(forms.ChoiceField, self.fields["eccp_status"]).choices = [
            ("", _("Choose a status")), *EccpStatus.choices
        ]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        country, region = cleaned.get("country"), cleaned.get("region")
        if region is not None:
            if country is None:
                self.add_error("country", _("Choose the country of the region %(region)s.")
                               % {"region": region})
            elif region.country_id != country.code:
                self.add_error("region", _(
                    "%(region)s is not a region of %(country)s. Choose one of its regions, or "
                    "leave the region empty."
                ) % {"region": region, "country": country_name(country.code)})
        if cleaned.get("is_coordinator"):
            cleaned["role"] = MemberRole.COORDINATOR
        elif not cleaned.get("role"):
            cleaned["role"] = MemberRole.BENEFICIARY
        return cleaned


class BaseMemberFormSet(forms.BaseInlineFormSet):
    """Every member of a consortium on one page: one coordinator, no organisation twice."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].label = _("Remove this member when saving")

    def kept_forms(self) -> list[forms.ModelForm]:
        """Rows that will be saved: neither removed nor left empty."""
        return [
            form for form in self.forms
            if hasattr(form, "cleaned_data")
            # Django's own test of a row marked for removal, which its stubs leave out.
            and not self._should_delete_form(form)  # type: ignore[attr-defined]
            and (form.instance.pk is not None or form.has_changed())
        ]

    def member_drafts(self) -> list[MemberDraft]:
        """The members a valid formset keeps, as plain values for the service."""
        drafts = []
        for form in self.kept_forms():
            cleaned = form.cleaned_data
            country, region = cleaned.get("country"), cleaned.get("region")
            drafts.append(MemberDraft(
                name=cleaned["name"],
                country_id=country.code if country is not None else None,
                region_id=region.pk if region is not None else None,
                organisation_type=cleaned.get("organisation_type") or "",
                eccp_status=cleaned.get("eccp_status") or "",
                eccp_profile_url=cleaned.get("eccp_profile_url") or "",
                is_coordinator=bool(cleaned.get("is_coordinator")),
                role=cleaned.get("role") or MemberRole.BENEFICIARY,
                declarations=list(cleaned.get("declarations") or ()),
                pk=form.instance.pk,
            ))
        return drafts

    def removed_members(self) -> list[int]:
        """The keys of the saved members marked for removal."""
        return [form.instance.pk for form in self.deleted_forms if form.instance.pk is not None]

    def clean(self):
        super().clean()
        kept = self.kept_forms()
        findings = member_set_findings(
            (form.cleaned_data.get("name"), bool(form.cleaned_data.get("is_coordinator")))
            for form in kept
        )
        coordinators = [kept[position] for position in findings.coordinators]
        if kept and not coordinators:
            kept[0].add_error("is_coordinator", _("Mark one member as the coordinator."))
        elif len(coordinators) > 1:
            message = ngettext(
                "Only one member can be the coordinator; %(count)d is marked.",
                "Only one member can be the coordinator; %(count)d are marked.",
                len(coordinators),
            ) % {"count": len(coordinators)}
            for form in coordinators:
                form.add_error("is_coordinator", message)
        row_number = {form: number for number, form in enumerate(self.forms, start=1)}
        for position, first in findings.repeats.items():
            kept[position].add_error("name", _(
                "This organisation is already member %(number)d. List each organisation once."
            ) % {"number": row_number[kept[first]]})


# A subclass of BaseMemberFormSet, which the stubs of inlineformset_factory do not tell.
MemberFormSet = cast(type[BaseMemberFormSet], forms.inlineformset_factory(
    Consortium, Member, form=MemberForm, formset=BaseMemberFormSet, extra=1,
    can_delete=True, can_delete_extra=False, max_num=MAX_MEMBERS, validate_max=True,
    absolute_max=MAX_MEMBERS,
))


class MemberImportForm(forms.Form):
    """The spreadsheet of members to import, and whether its members join or replace the
    current ones. What the file holds is read by ``consortia.imports``."""

    ADD, REPLACE = "add", "replace"

    file = forms.FileField(
        label=_("Spreadsheet of members (XLSX or CSV)"),
        help_text=_("One row per member under the template's header row; at most 1 MiB."),
        error_messages={"required": _("Choose the file to import."),
                        "empty": _("The file is empty.")},
    )
    mode = forms.ChoiceField(
        label=_("What the file's members do"), widget=forms.RadioSelect, initial=ADD,
        choices=[
            (ADD, _("Join the current members")),
            (REPLACE, _("Replace the current members")),
        ],
    )


class AsOfForm(forms.Form):
    """The day a consortium is checked as of, on its page: for a closed call, a day before
    its deadline. The check is made at the start of that day in the deadline's time zone."""

    as_of = LocalDateField(
        label=_("Check as of"), required=False,
        help_text=_("The check is made at 00:00 that day, in the time zone of the call's "
                    "deadline."),
    )

    def instant(self, call: Call) -> datetime | None:
        """The instant to check at, or None when no valid day is given."""
        if not self.is_valid() or self.cleaned_data["as_of"] is None:
            return None
        zone = zoneinfo.ZoneInfo(call.deadline_timezone)
        return datetime.combine(self.cleaned_data["as_of"], time(0, 0), tzinfo=zone)
