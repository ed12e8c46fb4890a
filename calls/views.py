from datetime import date
import unicodedata

from django.db.models import TextChoices
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from eligibility.facts import call_parameters
from eligibility.views import rules_explained

from . import countries
from .models import (
    Call,
    Country,
    EccpStatus,
    OrganisationType,
    Participation,
    RegionCategory,
)

# Headings of the eligible-country groups (plural, unlike the choice labels).
PARTICIPATION_HEADINGS = {
    Participation.Basis.EU_MEMBER: _("EU Member States"),
    Participation.Basis.EEA: _("EEA countries"),
    Participation.Basis.ASSOCIATION: _("Countries associated to the programme"),
}


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    """Every call: open ones first, nearest deadline first, then the closed ones."""
    calls = Call.objects.for_listing().prefetch_related("rules")
    return render(request, "calls/home.html", {"calls": calls})


@require_safe
def call_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """Every parameter of one call, found by its reference or the reference's other spelling,
    rule by rule and strand by strand, with where each comes from and what is not known."""
    call = get_object_or_404(
        Call.objects.by_reference(reference)
        .select_related("programme", "region_classification")
        .prefetch_related("rules")
    )
    params = call_parameters(call)
    options = call.options_by_code()
    eligible_countries = eligible_countries_by_basis(call)
    return render(request, "calls/detail.html", {
        "call": call,
        "options": options,
        "rules": rules_explained(params.rules, params),
        "strands": [
            (strand, rules_explained(params.strand_rules.get(strand.code, ()), params))
            for strand in params.strands
        ],
        "start_window": [
            date.fromisoformat(day) for day in (
                options.get("start_window", {}).get("earliest"),
                options.get("start_window", {}).get("latest"),
            ) if day
        ],
        "organisation_types": labels(
            OrganisationType, options.get("organisation_types", {}).get("accepted") or []
        ),
        "region_categories": labels(
            RegionCategory, options.get("region_category", {}).get("categories") or []
        ),
        "eccp_statuses": labels(
            EccpStatus, options.get("eccp_registration", {}).get("accepted") or []
        ),
        "call_provenance": [
            (name, entry) for name, entry in (call.provenance or {}).items()
            if isinstance(entry, dict)
        ],
        "expected_outputs": [line for line in call.expected_outputs.splitlines() if line.strip()],
        "eligible_countries": eligible_countries,
        "kosovo_listed": any(
            country.code == countries.KOSOVO
            for _basis, group in eligible_countries for country in group
        ),
        "kosovo_footnote": _(countries.KOSOVO_FOOTNOTE),
    })


def labels(choices: type[TextChoices], values: list[str]) -> list[str]:
    """The human labels of stored choice values, in the stored order."""
    return [choices(value).label for value in values]


def eligible_countries_by_basis(call: Call) -> list[tuple[str, list[Country]]]:
    """The countries taking part in the call's programme on the deadline's date (Brussels time),
    grouped by why they take part (EU membership, EEA, association) and sorted by name."""
    participations = (
        Participation.objects.active_on(call.deadline_local.date())
        .filter(programme_id=call.programme_id)
        .select_related("country")
    )
    countries_by_basis: dict[str, dict[str, Country]] = {}
    for participation in participations:
        countries_by_basis.setdefault(participation.basis, {})[participation.country_id] = (
            participation.country
        )
    return [
        (
            str(PARTICIPATION_HEADINGS.get(basis, basis.label)),
            sorted(countries_by_basis[basis].values(), key=name_sort_key),
        )
        for basis in Participation.Basis
        if basis in countries_by_basis
    ]


def name_sort_key(country: Country) -> str:
    """Sort names as a reader expects: accents do not move Ț or Ö to the end of the list."""
    decomposed = unicodedata.normalize("NFKD", country.localized_name)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()
