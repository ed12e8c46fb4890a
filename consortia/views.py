"""The applicant's pages: my consortia, one consortium (edit, check, submit, withdraw), report.

Every consortium is fetched through ``Consortium.objects.owned_by(request.user)``: another
user's consortium and a missing one both give 404.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from calls.models import Call
from calls.templatetags.site_messages import IN_PAGE
from config.middleware import request_arrived_at
from eligibility.services import check_consortium

from . import services
from .forms import BaseMemberFormSet, ConsortiumForm, MemberChoices, MemberFormSet
from .models import Consortium, Submission

MAX_BLANK_ROWS = 10


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    consortia = list(
        Consortium.objects.owned_by(request.user).with_members().prefetch_related(
            Prefetch("submissions", queryset=Submission.objects.active(), to_attr="standing")
        )
    )
    # One Call object per call, so that each call's parameters are read once for the page.
    calls: dict[int, Call] = {}
    for consortium in consortia:
        consortium.call = calls.setdefault(consortium.call_id, consortium.call)
    now = timezone.now()
    rows = [
        {
            "consortium": consortium,
            "submission": consortium.standing[0] if consortium.standing else None,
            # A submitted consortium shows the verdict it was submitted with.
            "report": None if consortium.standing else check_consortium(consortium, as_of=now),
        }
        for consortium in consortia
    ]
    return render(request, "consortia/dashboard.html", {"rows": rows, "now": now})


@login_required
def create(request: HttpRequest, reference: str | None = None) -> HttpResponse:
    reference = reference or request.GET.get("call", "").strip()
    if not reference:
        calls = Call.objects.for_listing(timezone.now())
        return render(request, "consortia/call_picker.html", {"calls": calls})
    call = get_object_or_404(Call.objects.by_reference(reference).select_related("programme"))
    # login_required: the user is signed in, not anonymous.
    consortium = Consortium(call=call, owner=request.user)  # type: ignore[misc]
    return _consortium_form_page(request, consortium)


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(
        Consortium.objects.owned_by(request.user).select_related("call", "call__programme"),
        pk=pk,
    )
    if not consortium.is_editable:
        messages.error(request, str(services.ConsortiumNotEditable()))
        return redirect("consortia:detail", pk=consortium.pk)
    return _consortium_form_page(request, consortium)


def _blank_rows_wanted(request: HttpRequest, consortium: Consortium) -> int:
    try:
        wanted = int(request.GET.get("blank", ""))
    except ValueError:
        wanted = 1 if consortium.pk else consortium.call.rule_options("min_entities").get(
            "minimum", 1
        )
    return max(1, min(wanted, MAX_BLANK_ROWS))


def _consortium_form_page(request: HttpRequest, consortium: Consortium) -> HttpResponse:
    """The one page that creates or edits a consortium: project data and every member."""
    choices = MemberChoices.for_call(consortium.call)
    data = request.POST if request.method == "POST" else None
    form = ConsortiumForm(data, instance=consortium)
    members = MemberFormSet(
        data, instance=consortium, prefix="members", form_kwargs={"choices": choices}
    )
    if data is None:
        members.extra = _blank_rows_wanted(request, consortium)
    elif _both_valid(form, members):
        try:
            consortium = services.consortium_draft_save(
                form=form, members=members, owner=request.user
            )
        except services.ConsortiumActionRefused as refusal:
            messages.error(request, str(refusal))
            return redirect("consortia:detail", pk=consortium.pk)
        except IntegrityError:
            form.add_error(None, _(
                "Two members cannot swap names in one save. Rename one of them first, save, "
                "then rename the other."
            ))
        else:
            if "add_member" in request.POST:
                blank = sum(1 for row in members.extra_forms if not row.has_changed())
                edit_url = reverse("consortia:edit", kwargs={"pk": consortium.pk})
                # The page opens at the first field of the new row (the first blank one,
                # after the saved members), which the browser focuses; the message is shown
                # in that row.
                first_field = f"id_{members.add_prefix(consortium.members.count())}-name"
                messages.success(
                    request, _("Saved. Fill in the new member below."), extra_tags=IN_PAGE
                )
                return redirect(f"{edit_url}?blank={blank + 1}#{first_field}")
            messages.success(request, _("Saved. The eligibility check below reflects it."))
            return redirect("consortia:detail", pk=consortium.pk)
    return render(request, "consortia/edit.html", {
        "consortium": consortium,
        "call": consortium.call,
        "form": form,
        "members": members,
        "creating": consortium.pk is None,
    })


def _both_valid(form: ConsortiumForm, members: BaseMemberFormSet) -> bool:
    form_valid = form.is_valid()
    members_valid = members.is_valid()
    return form_valid and members_valid


@login_required
@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(
        Consortium.objects.owned_by(request.user).with_members(), pk=pk
    )
    now = timezone.now()
    report = check_consortium(consortium, as_of=now)
    submissions = list(consortium.submissions.select_related("submitted_by", "withdrawn_by"))
    return render(request, "consortia/detail.html", {
        "consortium": consortium,
        "call": consortium.call,
        "members": [member.snapshot() for member in consortium.members.all()],
        "report": report,
        "submission_refusal": services.submission_refusal(consortium, report, now),
        "withdrawal_refusal": services.withdrawal_refusal(consortium, now),
        "standing_submission": next((s for s in submissions if not s.is_withdrawn), None),
        "submissions": submissions,
        "now": now,
    })


@login_required
@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(Consortium.objects.owned_by(request.user), pk=pk)
    try:
        submission = services.consortium_submit(
            consortium=consortium, user=request.user, arrived_at=request_arrived_at(request)
        )
    except services.ConsortiumActionRefused as refusal:
        messages.error(request, str(refusal))
        return redirect("consortia:detail", pk=consortium.pk)
    messages.success(request, _("Submitted. This is the report of what was checked."))
    return redirect("consortia:report", pk=consortium.pk, submission_pk=submission.pk)


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    consortium = get_object_or_404(Consortium.objects.owned_by(request.user), pk=pk)
    try:
        services.consortium_withdraw(
            consortium=consortium, user=request.user, arrived_at=request_arrived_at(request)
        )
    except services.ConsortiumActionRefused as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _(
            "Submission withdrawn. The consortium is a draft again: you can change it and "
            "submit it again before the deadline."
        ))
    return redirect("consortia:detail", pk=consortium.pk)


@login_required
@require_safe
def report(request: HttpRequest, pk: int, submission_pk: int) -> HttpResponse:
    consortium = get_object_or_404(
        Consortium.objects.owned_by(request.user).select_related("call", "call__programme"),
        pk=pk,
    )
    submission = get_object_or_404(
        Submission.objects.filter(consortium=consortium).select_related(
            "submitted_by", "withdrawn_by"
        ),
        pk=submission_pk,
    )
    return render(request, "consortia/report.html", {
        "consortium": consortium,
        "call": consortium.call,
        "submission": submission,
        "snapshot": submission.snapshot,
        "start_date": parse_date(submission.snapshot.get("start_date") or ""),
        "outcomes": submission.outcomes_for_display,
    })
