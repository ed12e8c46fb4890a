"""The review queue's filters (a django-filter FilterSet, read from the query string) and the
review form."""
import functools

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _
import django_filters

from calls.countries import country_name
from calls.models import Call, Country
from config.text import reading_order
from consortia.models import Member, SubmissionQuerySet
from eligibility.engine import Verdict

from .models import NOT_REVIEWED, ReviewStatus
from .services import CommentRequired

PAGE_SIZES = [25, 50, 100]
DEFAULT_PAGE_SIZE = 50

# Each sort ends on the primary key, so that pages never share or skip a row.
SORTS = {
    "-submitted": ("-submitted_at", "-pk"),
    "submitted": ("submitted_at", "pk"),
    "acronym": ("consortium__acronym", "-submitted_at", "-pk"),
    "-acronym": ("-consortium__acronym", "-submitted_at", "-pk"),
    "verdict": ("verdict", "-submitted_at", "-pk"),
}
SORT_CHOICES = [
    ("-submitted", _("Newest submissions first")),
    ("submitted", _("Oldest submissions first")),
    ("acronym", _("Acronym, A to Z")),
    ("-acronym", _("Acronym, Z to A")),
    ("verdict", _("Automatic verdict")),
]


def country_choices() -> list[tuple[str, str]]:
    """The countries taking part in a programme, by their name in the active language, in
    reading order (one query). Only they can have members in an eligible submission."""
    codes = Country.objects.filter(participations__isnull=False).distinct().values_list(
        "code", flat=True
    )
    named = [(code, country_name(code)) for code in codes]
    named.sort(key=lambda pair: reading_order(pair[1]))
    return [("", str(_("Every country")))] + [(code, f"{name} ({code})") for code, name in named]


class QueueFilter(django_filters.FilterSet):
    """What the reviewer narrows the queue to, and its order. Every field is optional; an
    invalid one is shown as an error and left out of the filtering, the valid ones filter."""

    q = django_filters.CharFilter(
        label=_("Acronym or organisation"), method="filter_acronym_or_member", max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Call"), field_name="consortium__call",
        queryset=Call.objects.order_by("-deadline", "reference"),
        to_field_name="reference", empty_label=_("Every call"),
    )
    # The countries of the members as submitted, as the reviewer's queue shows them.
    country = django_filters.ChoiceFilter(
        label=_("Country of a member"), field_name="countries", empty_label=None,
    )
    verdict = django_filters.ChoiceFilter(
        label=_("Automatic verdict"), empty_label=None,
        choices=[("", _("Every verdict")), *Verdict.choices],
    )
    review_status = django_filters.ChoiceFilter(
        label=_("Review status"), method="filter_review_status", empty_label=None,
        choices=[("", _("Every review status")), (NOT_REVIEWED, _("Not reviewed")),
                 *ReviewStatus.choices],
    )
    # The order and the page size filter nothing: filter_queryset orders every queue,
    # filtered or not, and the view pages it.
    sort = django_filters.ChoiceFilter(
        label=_("Order"), method="filter_nothing", empty_label=None, choices=SORT_CHOICES,
    )
    per_page = django_filters.TypedChoiceFilter(
        label=_("Rows per page"), method="filter_nothing", coerce=int,
        empty_value=DEFAULT_PAGE_SIZE, choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def __init__(self, data, queryset: SubmissionQuerySet, **kwargs):
        # Always bound: an empty query shows everything.
        super().__init__(data, queryset=queryset, **kwargs)
        # Read when first needed (to check a chosen country, or to show the list), then kept.
        self.filters["country"].extra["choices"] = functools.cache(country_choices)

    def filter_acronym_or_member(self, submissions, name: str, value: str):
        if not (query := value.strip()):
            return submissions
        named = Member.objects.filter(consortium=OuterRef("consortium_id"), name__icontains=query)
        return submissions.filter(Q(consortium__acronym__icontains=query) | Exists(named))

    def filter_review_status(self, submissions, name: str, value: str):
        if value == NOT_REVIEWED:
            return submissions.filter(review_status__isnull=True)
        return submissions.filter(review_status=value)

    def filter_nothing(self, submissions, name: str, value: str):
        return submissions

    def filter_queryset(self, queryset):
        return super().filter_queryset(queryset).order_by(*SORTS[self.ordering])

    @property
    def ordering(self) -> str:
        return self.form.cleaned_data.get("sort") or "-submitted"

    @property
    def page_size(self) -> int:
        return self.form.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE


class ReviewForm(forms.Form):
    """A review of one submission; the comment is required where ``ReviewStatus`` says so."""

    status = forms.ChoiceField(
        label=_("Your view"), choices=ReviewStatus.choices, widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Required when your view differs from the automatic check, and for a "
                    "clarification request. The applicant reads it."),
    )

    def __init__(self, *args, verdict: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.verdict = verdict

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        status = cleaned.get("status")
        if status and not cleaned.get("comment", "").strip():
            status = ReviewStatus(status)
            if status.needs_comment(self.verdict):
                self.add_error("comment", forms.ValidationError(
                    str(CommentRequired(status)), code="comment_required"
                ))
        return cleaned
