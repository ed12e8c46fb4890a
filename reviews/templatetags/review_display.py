"""How pages show the reviewer role, review statuses, reviews and a consortium's record."""
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.utils.translation import gettext as _

from audit.models import Action, Event
from consortia.models import Consortium
from consortia.templatetags.consortium_display import verdict_label

from ..models import (
    NOT_REVIEWED, Review, ReviewStatus, may_review as user_may_review, snapshot_coordinator,
    snapshot_countries,
)

register = template.Library()


@register.filter
def may_review(user) -> bool:
    """``{% if user|may_review %}``: the user reviews submissions (NCP or administrator)."""
    return user_may_review(user)


@register.filter
def review_status_label(status: str | None) -> str:
    if not status or status == NOT_REVIEWED:
        return _("Not reviewed")
    return str(ReviewStatus(status).label) if status in ReviewStatus.values else status


@register.filter
def coordinator_of(snapshot: dict) -> dict:
    return snapshot_coordinator(snapshot) or {}


@register.filter
def countries_of(snapshot: dict) -> list[str]:
    return snapshot_countries(snapshot)


def _field_label(name: str) -> str:
    try:
        return str(Consortium._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        return name


def record_details(event: Event) -> list[str]:
    """What an entry of the record says beyond its action, one line per fact."""
    details = event.details or {}
    lines = []
    if event.action == Action.CONSORTIUM_CREATED:
        members = details.get("members", [])
        lines.append(_("Members: %(names)s") % {"names": ", ".join(members) or "—"})
    elif event.action == Action.CONSORTIUM_EDITED:
        if details.get("fields"):
            lines.append(_("Project data changed: %(fields)s") % {
                "fields": ", ".join(_field_label(name) for name in details["fields"])
            })
        for key, label in (
            ("members_added", _("Members added: %(names)s")),
            ("members_changed", _("Members changed: %(names)s")),
            ("members_removed", _("Members removed: %(names)s")),
        ):
            if details.get(key):
                lines.append(label % {"names": ", ".join(details[key])})
    elif event.action == Action.CONSORTIUM_SUBMITTED:
        if details.get("verdict"):
            lines.append(_("Automatic verdict: %(verdict)s") % {
                "verdict": verdict_label(details["verdict"])
            })
    elif event.action == Action.CONSORTIUM_REVIEWED:
        lines.append(review_status_label(details.get("status")))
        if details.get("comment"):
            lines.append(details["comment"])
    return lines


@register.inclusion_tag("reviews/_record.html")
def consortium_record(consortium: Consortium) -> dict:
    """The record of ``consortium``, oldest entry first (one query)."""
    events = Event.objects.filter(consortium=consortium).select_related("actor")
    return {"entries": [(event, record_details(event)) for event in events]}


@register.simple_tag
def reviews_of(consortium: Consortium, submission=None) -> list[Review]:
    """``{% reviews_of consortium as reviews %}``: the reviews of ``consortium``'s submissions
    (or of ``submission`` only), newest first, read once for every use on the page."""
    reviews = Review.objects.filter(submission__consortium=consortium)
    if submission is not None:
        reviews = reviews.filter(submission=submission)
    return list(reviews.select_related("reviewer", "submission"))


@register.inclusion_tag("reviews/_reviews.html")
def consortium_reviews(consortium: Consortium, submission=None, reviews=None) -> dict:
    """The reviews of ``consortium``'s submissions (or of ``submission`` only), newest first;
    ``reviews`` when the page has read them already."""
    return {
        "reviews": reviews_of(consortium, submission) if reviews is None else reviews,
        "one_submission": submission is not None,
    }

