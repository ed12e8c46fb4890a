"""The review queue's filters (a GET form) and the review form."""
import functools
from typing import cast

from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

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


class QueueFilterForm(forms.Form):
    """What the reviewer narrows the queue to. Every field is optional; an invalid one is
    shown as an error and left out of the filtering."""

    q = forms.CharField(
        label=_("Acronym or organisation"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    call = forms.ModelChoiceField(
        label=_("Call"), queryset=Call.objects.order_by("-deadline", "reference"),
        to_field_name="reference", required=False, empty_label=_("Every call"),
    )
    country = forms.ChoiceField(label=_("Country of a member"), required=False)
    verdict = forms.ChoiceField(
        label=_("Automatic verdict"), required=False,
        choices=[("", _("Every verdict")), *Verdict.choices],
    )
    review_status = forms.ChoiceField(
        label=_("Review status"), required=False,
        choices=[("", _("Every review status")), (NOT_REVIEWED, _("Not reviewed")),
                 *ReviewStatus.choices],
    )
    sort = forms.ChoiceField(label=_("Order"), required=False, choices=SORT_CHOICES)
    per_page = forms.TypedChoiceField(
        # Django takes any empty value; the stubs allow text only.
        label=_("Rows per page"), required=False, coerce=int,
        empty_value=DEFAULT_PAGE_SIZE,  # type: ignore[arg-type]
        choices=[(size, str(size)) for size in PAGE_SIZES],
    )

    def __init__(self, data, **kwargs):
        # Always bound (an empty query shows everything) and read at once: the valid fields
        # filter even when another one is invalid.
        super().__init__(data, **kwargs)
        # Read when first needed (to check a chosen country, or to show the list), then kept.
        country = cast(forms.ChoiceField, self.fields["country"])
        country.choices = functools.cache(country_choices)
        self.is_valid()

    def value(self, name: str):
        return self.cleaned_data.get(name) or None

    @property
    def page_size(self) -> int:
        return self.cleaned_data.get("per_page") or DEFAULT_PAGE_SIZE

    def filtered(self, submissions: SubmissionQuerySet) -> SubmissionQuerySet:
        """``submissions`` (a review queue) narrowed and ordered as the form says."""
        if query := (self.value("q") or "").strip():
            named = Member.objects.filter(
                consortium=OuterRef("consortium_id"), name__icontains=query
            )
            submissions = submissions.filter(
                Q(consortium__acronym__icontains=query) | Exists(named)
            )
        if call := self.value("call"):
            submissions = submissions.filter(consortium__call=call)
        if country := self.value("country"):
            # The countries of the members as submitted, as the reviewer's queue shows them.
            submissions = submissions.filter(countries=country)
        if verdict := self.value("verdict"):
            submissions = submissions.filter(verdict=verdict)
        if review_status := self.value("review_status"):
            if review_status == NOT_REVIEWED:
                submissions = submissions.filter(review_status__isnull=True)
            else:
                submissions = submissions.filter(review_status=review_status)
        return submissions.order_by(*SORTS[self.value("sort") or "-submitted"])


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
