"""The applicant's pages: my consortia, one consortium (edit, check, submit, withdraw), report.

Every consortium is fetched through ``Consortium.objects.owned_by(request.user)``: another
user's consortium and a missing one both give 404.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import IntegrityError
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import slugify
from django.utils.translation import get_language, gettext as _, ngettext
from django.views.decorators.http import require_POST, require_safe

from calls.models import Call
from config.middleware import request_arrived_at
from config.templatetags.site_messages import IN_PAGE
from eligibility.contract import to_json
from eligibility.services import check_consortium

from . import imports, services
from .forms import (
    AsOfForm,
    BaseMemberFormSet,
    ConsortiumForm,
    MemberChoices,
    MemberFormSet,
    MemberImportForm,
)
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
    consortium = _editable_or_redirect(request, pk)
    if isinstance(consortium, HttpResponse):
        return consortium
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
                consortium=consortium, project=form.project_draft(),
                members=members.member_drafts(), removed=members.removed_members(),
                owner=request.user,
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
    as_of_form = AsOfForm(request.GET or None)
    checked_at = as_of_form.instant(consortium.call)
    report = check_consortium(consortium, as_of=checked_at or now)
    # Submitting is judged now, whatever day the check on the page is made as of.
    report_now = report if checked_at is None else check_consortium(consortium, as_of=now)
    submissions = list(consortium.submissions.select_related("submitted_by", "withdrawn_by"))
    return render(request, "consortia/detail.html", {
        "consortium": consortium,
        "call": consortium.call,
        "members": [member.snapshot() for member in consortium.members.all()],
        "report": report,
        "as_of_form": as_of_form,
        "checked_at": checked_at,
        "submission_refusal": services.submission_refusal(consortium, report_now, now),
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


def _editable_or_redirect(request: HttpRequest, pk: int) -> Consortium | HttpResponse:
    consortium = get_object_or_404(
        Consortium.objects.owned_by(request.user).select_related("call", "call__programme"),
        pk=pk,
    )
    if not consortium.is_editable:
        messages.error(request, str(services.ConsortiumNotEditable()))
        return redirect("consortia:detail", pk=consortium.pk)
    return consortium


def _import_session_key(consortium: Consortium) -> str:
    return f"member-import-{consortium.pk}"


def _import_page(request: HttpRequest, consortium: Consortium,
                 form: MemberImportForm | None = None,
                 problems: list[imports.Problem] | None = None) -> HttpResponse:
    return render(request, "consortia/members_import.html", {
        "consortium": consortium, "call": consortium.call,
        "form": form or MemberImportForm(), "problems": problems or [],
    })


@login_required
def members_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Upload a spreadsheet of members; a valid one is kept on the server for the preview."""
    consortium = _editable_or_redirect(request, pk)
    if isinstance(consortium, HttpResponse):
        return consortium
    form = MemberImportForm(request.POST or None, request.FILES or None)
    if request.method != "POST" or not form.is_valid():
        return _import_page(request, consortium, form)
    replace = form.cleaned_data["mode"] == MemberImportForm.REPLACE
    try:
        member_file = imports.read_member_file(form.cleaned_data["file"], consortium)
    except imports.FileRefused as refused:
        return _import_page(request, consortium, form, refused.problems)
    _members, problems = imports.check_rows(member_file, consortium, replace=replace)
    if problems:
        return _import_page(request, consortium, form, problems)
    request.session[_import_session_key(consortium)] = {
        "file": member_file.to_session(), "replace": replace,
        "name": form.cleaned_data["file"].name[:200],
    }
    return redirect("consortia:members_import_preview", pk=consortium.pk)


@login_required
def members_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The members read from the file, shown before they are saved (checked again on the
    consortium as it is now); a POST saves them, checked once more as they are written."""
    consortium = _editable_or_redirect(request, pk)
    if isinstance(consortium, HttpResponse):
        return consortium
    stored = request.session.get(_import_session_key(consortium))
    if not stored:
        messages.error(request, _("There is no imported file to confirm. Choose the file "
                                  "again."))
        return redirect("consortia:members_import", pk=consortium.pk)
    member_file = imports.MemberFile.from_session(stored["file"])
    if request.method == "POST":
        return _members_import_save(request, consortium, member_file, stored["replace"])
    members, problems = imports.check_rows(member_file, consortium, replace=stored["replace"])
    if problems:
        del request.session[_import_session_key(consortium)]
        return _import_page(request, consortium, problems=problems)
    new_forms = members.forms[members.initial_form_count():]
    return render(request, "consortia/members_import_preview.html", {
        "consortium": consortium, "call": consortium.call,
        "file_name": stored["name"], "replace": stored["replace"],
        "imported": [form.instance.snapshot() for form in new_forms],
        "removed": list(consortium.members.all()) if stored["replace"] else [],
    })


def _members_import_save(request: HttpRequest, consortium: Consortium,
                         member_file: imports.MemberFile, replace: bool) -> HttpResponse:
    del request.session[_import_session_key(consortium)]
    members, problems = imports.check_rows(member_file, consortium, replace=replace)
    if problems:
        return _import_page(request, consortium, problems=problems)
    try:
        added = services.consortium_members_import(
            consortium=consortium, members=imports.new_member_drafts(members),
            replace=replace, user=request.user,
        )
    except services.MembersImportRefused as refused:
        return _import_page(request, consortium, problems=refused.problems)
    except services.ConsortiumActionRefused as refusal:  # submitted meanwhile
        messages.error(request, str(refusal))
        return redirect("consortia:detail", pk=consortium.pk)
    messages.success(request, ngettext(
        "%(count)d member imported. The eligibility check below reflects it.",
        "%(count)d members imported. The eligibility check below reflects it.",
        len(added),
    ) % {"count": len(added)})
    return redirect("consortia:detail", pk=consortium.pk)


IMPORT_TEMPLATES = {
    "xlsx": (imports.template_xlsx,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "csv": (imports.template_csv, "text/csv; charset=utf-8"),
}


@login_required
@require_safe
def members_import_template(request: HttpRequest, file_format: str) -> HttpResponse:
    """The spreadsheet template, its header row in the page's language."""
    if file_format not in IMPORT_TEMPLATES:
        raise Http404
    build, content_type = IMPORT_TEMPLATES[file_format]
    language = (get_language() or "en").split("-")[0]
    response = HttpResponse(build(language), content_type=content_type)
    name = _("members-template")
    response["Content-Disposition"] = f'attachment; filename="{name}-{language}.{file_format}"'
    return response


@login_required
@require_safe
def download_json(request: HttpRequest, pk: int) -> HttpResponse:
    """The consortium as the JSON document the command line and the API check."""
    consortium = get_object_or_404(
        Consortium.objects.owned_by(request.user).select_related("call"), pk=pk
    )
    response = HttpResponse(
        to_json(consortium.check_request()), content_type="application/json; charset=utf-8"
    )
    filename = slugify(consortium.acronym) or "consortium"
    response["Content-Disposition"] = f'attachment; filename="{filename}.json"'
    return response
