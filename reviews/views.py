"""The reviewers' pages: the review queue, its exports, and the review of one submission.

Only reviewers (national contact points and administrators, ``may_review``) reach them; others
get 403. Every submission is fetched through ``Submission.objects.visible_to(reviewer)``: one
they may not see and one that does not exist both give 404.
"""
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from consortia.models import Submission

from . import exports
from .forms import QueueFilter, ReviewForm
from .models import NOT_REVIEWED, ReviewStatus, may_review, review_queue
from .overview import queue_overview
from .services import ReviewRefused, review_record


def reviewer_required(view):
    """Sign-in first, then the reviewer role: anyone else gets 403."""
    @login_required
    @wraps(view)
    def checked(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_review(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)
    return checked


def _totals(submissions) -> dict:
    """How many submissions the filters leave, in all and by review status (one query, each
    row's latest review read once)."""
    counted = {
        row["review_status"] or NOT_REVIEWED: row["count"]
        for row in submissions.order_by().values("review_status").annotate(count=Count("pk"))
    }
    return {
        "total": sum(counted.values()),
        "by_status": [(NOT_REVIEWED, _("Not reviewed"), counted.get(NOT_REVIEWED, 0))] + [
            (status.value, status.label, counted.get(status.value, 0)) for status in ReviewStatus
        ],
    }


@reviewer_required
@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    queue_filter = QueueFilter(request.GET, queryset=review_queue(request.user))
    # The page shows the snapshot; the stored outcomes and parameters are not needed here.
    submissions = queue_filter.qs.defer("outcomes", "call_parameters")
    totals = _totals(submissions)
    paginator = Paginator(submissions, queue_filter.page_size)
    paginator.count = totals["total"]  # already counted above: no second COUNT query
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "reviews/queue.html", {
        "form": queue_filter.form,
        "page": page,
        "totals": totals,
        "sort": queue_filter.ordering,
    })


@reviewer_required
@require_safe
def overview(request: HttpRequest) -> HttpResponse:
    """The queue in pictures, each with a table of the same numbers."""
    return render(request, "reviews/overview.html", {
        "overview": queue_overview(review_queue(request.user)),
    })


@reviewer_required
@require_safe
def export_csv(request: HttpRequest) -> StreamingHttpResponse:
    submissions = QueueFilter(request.GET, queryset=review_queue(request.user)).qs
    response = StreamingHttpResponse(
        exports.csv_lines(submissions), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{exports.export_filename("csv")}"'
    return response


@reviewer_required
@require_safe
def export_xlsx(request: HttpRequest) -> FileResponse:
    submissions = QueueFilter(request.GET, queryset=review_queue(request.user)).qs
    return FileResponse(
        exports.xlsx_file(submissions, title=_("Review queue")),
        as_attachment=True, filename=exports.export_filename("xlsx"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def _members_by_country(snapshot: dict) -> list[dict]:
    """The snapshot's members grouped by country, the coordinator's country first."""
    groups: dict[str | None, list[dict]] = {}
    for member in snapshot.get("members", []):
        groups.setdefault(member.get("country"), []).append(member)
    return [{"country": country, "members": members} for country, members in groups.items()]


@reviewer_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_object_or_404(
        Submission.objects.visible_to(request.user)
        .select_related("consortium", "consortium__call", "consortium__call__programme",
                        "submitted_by", "withdrawn_by"),
        pk=pk,
    )
    consortium = submission.consortium
    form = ReviewForm(request.POST or None, verdict=submission.verdict)
    if request.method == "POST" and form.is_valid():
        try:
            review_record(
                submission=submission, reviewer=request.user,
                status=form.cleaned_data["status"], comment=form.cleaned_data["comment"],
            )
        except ReviewRefused as refusal:
            form.add_error(None, str(refusal))
        else:
            messages.success(request, _(
                "Review recorded. The applicant is told by e-mail and sees it with the submission."
            ))
            return redirect("reviews:detail", pk=submission.pk)
    return render(request, "reviews/detail.html", {
        "submission": submission,
        "consortium": consortium,
        "call": consortium.call,
        "snapshot": submission.snapshot,
        "start_date": parse_date(submission.snapshot.get("start_date") or ""),
        "outcomes": submission.outcomes_for_display,
        "member_groups": _members_by_country(submission.snapshot),
        "form": form,
        "may_record": not submission.is_withdrawn and consortium.owner_id != request.user.pk,
    })
