"""How pages show the reviewer role, review statuses, reviews and a consortium's record."""
from django import template
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from audit.models import Action, Event
from consortia.models import Consortium, Submission, snapshot_countries
from consortia.templatetags.consortium_display import verdict_label

from ..models import (
    NOT_REVIEWED,
    Review,
    ReviewStanding,
    ReviewStatus,
    may_review as user_may_review,
    review_standing,
    snapshot_coordinator,
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


@register.simple_tag
def with_review_standing(rows: list[dict]) -> list[dict]:
    """``{% with_review_standing rows as rows %}``: each row of "My consortia" (a dict with
    its ``consortium``) with ``review``, where the consortium stands with the contact points;
    every latest review read in one query."""
    latest = Review.objects.filter(
        submission__consortium__in=[row["consortium"] for row in rows]
    ).latest_per_consortium()
    return [
        {**row, "review": review_standing(
            latest.get(row["consortium"].pk), submitted=not row["consortium"].is_editable
        )}
        for row in rows
    ]


@register.simple_tag
def review_standing_of(consortium: Consortium, latest_review: Review | None) -> ReviewStanding:
    """``{% review_standing_of consortium reviews.0 as standing %}`` (``reviews.0`` of no
    reviews is the template's empty string)."""
    return review_standing(latest_review or None, submitted=not consortium.is_editable)


@register.filter
def coordinator_of(snapshot: dict) -> dict:
    return snapshot_coordinator(snapshot) or {}


@register.filter
def countries_of(snapshot: dict) -> list[str]:
    return snapshot_countries(snapshot)


def _field_label(name: str) -> str:
    try:
        field = Consortium._meta.get_field(name)
    except FieldDoesNotExist:
        return name
    # A reverse relation has no verbose name of its own.
    return str(getattr(field, "verbose_name", name))


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
    elif event.action == Action.CHANGED_IN_ADMIN:
        lines.extend(admin_change_lines(details.get("changes") or []))
    return lines


def admin_change_lines(changes: list) -> list[str]:
    """Django's description of an admin change, one line per part, in the active language
    (the labels were stored in English, as Django's admin log stores them)."""
    lines = []
    for change in changes:
        if not isinstance(change, dict):
            continue
        if "changed" in change and "name" not in change["changed"]:
            fields = change["changed"].get("fields") or []
            if fields:
                lines.append(_("Fields changed: %(fields)s") % {
                    "fields": ", ".join(_admin_label(field) for field in fields)})
        for kind, label in (("added", _("Added: %(name)s “%(object)s”")),
                            ("changed", _("Changed: %(name)s “%(object)s”")),
                            ("deleted", _("Deleted: %(name)s “%(object)s”"))):
            part = change.get(kind) or {}
            if "name" in part:
                lines.append(label % {"name": _admin_label(part["name"]),
                                      "object": part.get("object", "")})
    return lines


def _admin_label(label: str) -> str:
    """A label of Django's admin log in the active language: the admin capitalises the
    verbose names our catalogue translates."""
    translated = _(label)
    if translated == label and label[:1].isupper():
        translated = capfirst(_(label[:1].lower() + label[1:]))
    return translated


def _submissions_shown(consortium: Consortium, user) -> list[int] | None:
    """The submissions of ``consortium`` whose history ``user`` sees, or None for all of
    them (its owner and administrators). A contact point sees the history of the
    submissions ``Submission.objects.visible_to`` them, nothing of the consortium's others
    or of its drafts."""
    if user is None or user.is_superuser or consortium.owner_id == user.pk:
        return None
    return list(Submission.objects.visible_to(user).filter(consortium=consortium)
                .values_list("pk", flat=True))


@register.inclusion_tag("reviews/_record.html")
def consortium_record(consortium: Consortium, user=None) -> dict:
    """The record of ``consortium`` as ``user`` may read it, oldest entry first: for a
    contact point, the entries about the consortium's drafts and about the submissions
    visible to them, none about its other submissions (their submission, reviews and
    withdrawal)."""
    events = Event.objects.filter(consortium=consortium).select_related("actor")
    shown = _submissions_shown(consortium, user)
    if shown is not None:
        events = events.filter(
            Q(details__submission__in=shown) | ~Q(details__has_key="submission")
        )
    return {"entries": [(event, record_details(event)) for event in events]}


@register.simple_tag
def reviews_of(consortium: Consortium, submission=None, user=None,
               submissions=None) -> list[Review]:
    """``{% reviews_of consortium as reviews %}``: the reviews of ``consortium``'s submissions
    (or of ``submission`` only) that ``user`` may read, newest first, read once for every use
    on the page. ``submissions``, the consortium's submissions when the page has read them,
    spares the query when there are none (a consortium never submitted has no reviews)."""
    if submissions is not None and not submissions:
        return []
    reviews = Review.objects.filter(submission__consortium=consortium)
    if submission is not None:
        reviews = reviews.filter(submission=submission)
    shown = _submissions_shown(consortium, user)
    if shown is not None:
        reviews = reviews.filter(submission__in=shown)
    return list(reviews.select_related("reviewer", "submission"))


@register.inclusion_tag("reviews/_reviews.html")
def consortium_reviews(consortium: Consortium, submission=None, user=None,
                       reviews=None) -> dict:
    """The reviews of ``consortium``'s submissions (or of ``submission`` only) that ``user``
    may read, newest first; ``reviews`` when the page has read them already."""
    return {
        "reviews": reviews_of(consortium, submission, user) if reviews is None else reviews,
        "one_submission": submission is not None,
    }

