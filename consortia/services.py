"""Writes that touch a consortium and its members or submissions: each atomic, each checking
its preconditions on the locked consortium row at the moment of writing."""
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Callable, NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from audit.models import Action
from audit.services import event_log, event_record
from calls.models import Call, Region
from eligibility.engine import Report, evaluate
from eligibility.facts import ConsortiumFacts, build_call_parameters, member_facts, project_facts
from eligibility.services import check_consortium
from outbox.emails import email_render, recipient_language
from outbox.models import Kind
from outbox.services import Outgoing, messages_write

from .forms import BaseMemberFormSet, ConsortiumForm
from .models import Consortium, Member, Submission, SubmissionRecheck, snapshot_countries


class ConsortiumActionRefused(Exception):
    """A write the consortium's state does not allow now; ``str()`` is for the applicant,
    ``code`` for the log."""

    code = "refused"

    def __init__(self, message):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return str(self.message)


class ConsortiumNotEditable(ConsortiumActionRefused):
    code = "not_editable"

    def __init__(self):
        super().__init__(_(
            "This consortium is submitted and cannot be changed. Withdraw the submission "
            "before the deadline to edit it again."
        ))


class AlreadySubmitted(ConsortiumActionRefused):
    code = "already_submitted"

    def __init__(self):
        super().__init__(_("This consortium is already submitted."))


class DeadlinePassed(ConsortiumActionRefused):
    """Refused at or after the deadline. When the request arrived before the deadline but
    was judged after it (it waited for the consortium's row), the message says both
    instants, and that the second one counts."""

    code = "deadline_passed"

    def __init__(self, *, call: Call | None = None, judged_at: datetime | None = None,
                 arrived_at: datetime | None = None):
        message: str | Promise
        if call is not None and judged_at and arrived_at and arrived_at < call.deadline:
            message = _(
                "Your request arrived at %(arrived)s, before the deadline (%(deadline)s), but "
                "could only be judged at %(judged)s, after it: the instant a request is judged "
                "counts. Nothing was submitted or withdrawn."
            ) % {"arrived": _instant(arrived_at, call), "judged": _instant(judged_at, call),
                 "deadline": _instant(call.deadline, call)}
        else:
            message = _("The call's deadline has passed: nothing can be submitted or "
                        "withdrawn any more.")
        super().__init__(message)


def _instant(moment: datetime, call: Call) -> str:
    """An instant to the second, in the call's deadline time zone, with its name."""
    local = moment.astimezone(call.deadline_local.tzinfo)
    return f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()}"


class NotEligible(ConsortiumActionRefused):
    code = "not_eligible"

    def __init__(self, report: Report):
        super().__init__(_(
            "Only an eligible consortium can be submitted. The eligibility panel shows what "
            "to change."
        ))
        self.report = report


class NothingToWithdraw(ConsortiumActionRefused):
    code = "nothing_to_withdraw"

    def __init__(self):
        super().__init__(_("This consortium has no submission to withdraw."))


def submission_refusal(
    consortium: Consortium, report: Report, now: datetime, arrived_at: datetime | None = None,
) -> ConsortiumActionRefused | None:
    """Why ``consortium`` cannot be submitted at ``now`` given its ``report``, or None if it can.

    The one definition of "may be submitted": the page asks it to offer the button, and
    ``consortium_submit`` asks it again on the locked row before writing. ``arrived_at``,
    the instant the request arrived, only words a refusal.
    """
    if not consortium.is_editable:
        return AlreadySubmitted()
    if not consortium.call.is_open(now):
        return DeadlinePassed(call=consortium.call, judged_at=now, arrived_at=arrived_at)
    if not report.submission_allowed:
        return NotEligible(report)
    return None


def withdrawal_refusal(
    consortium: Consortium, now: datetime, arrived_at: datetime | None = None,
) -> ConsortiumActionRefused | None:
    """Why the standing submission of ``consortium`` cannot be withdrawn at ``now``, or None."""
    if consortium.is_editable:
        return NothingToWithdraw()
    if not consortium.call.is_open(now):
        return DeadlinePassed(call=consortium.call, judged_at=now, arrived_at=arrived_at)
    return None


def _locked(consortium: Consortium) -> Consortium:
    return (
        Consortium.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=consortium.pk)
    )


def consortium_draft_save(
    *, form: ConsortiumForm, members: BaseMemberFormSet, owner=None
) -> Consortium:
    """Save a draft's project data and its member rows together, or nothing.

    ``form`` and ``members`` are valid bound forms of the same consortium; a new consortium
    needs its ``owner`` and already carries its call. Refused when the consortium was
    submitted meanwhile.
    """
    with transaction.atomic():
        consortium = form.instance
        creating = consortium.pk is None
        if creating:
            consortium.owner = owner
        elif not _locked(consortium).is_editable:
            raise ConsortiumNotEditable()
        consortium = form.save()
        members.instance = consortium
        rows = members.save(commit=False)
        for member in members.deleted_objects:
            member.delete()
        # The database allows one coordinator at a time: save the one who steps down first.
        for member in sorted(rows, key=lambda member: member.is_coordinator):
            member.consortium = consortium
            member.save()
        _record_draft_save(consortium, form, members, creating, actor=owner or consortium.owner)
    return consortium


def _record_draft_save(consortium: Consortium, form: ConsortiumForm, members: BaseMemberFormSet,
                       creating: bool, actor) -> None:
    """One record entry for the save: the creation, or the edit with what it changed (none
    when nothing changed)."""
    if creating:
        event_record(
            action=Action.CONSORTIUM_CREATED, actor=actor, consortium=consortium,
            call=consortium.call,
            details={
                "acronym": consortium.acronym,
                "members": [member.name for member in consortium.members.order_by(
                    "-is_coordinator", "id")],
            },
        )
        return
    changes = {
        "fields": list(form.changed_data),
        "members_added": [member.name for member in members.new_objects],
        "members_changed": [member.name for member, _fields in members.changed_objects],
        "members_removed": [member.name for member in members.deleted_objects],
    }
    if any(changes.values()):
        event_record(
            action=Action.CONSORTIUM_EDITED, actor=actor, consortium=consortium,
            call=consortium.call,
            details={"acronym": consortium.acronym, **{k: v for k, v in changes.items() if v}},
        )


def _outcomes_in_every_language(consortium: Consortium, now: datetime) -> tuple[Report, list]:
    """Check once per language, so that the stored outcomes read well in each of them.

    The statuses do not depend on the language; only the wording of messages and hints does.
    The report returned, and the wording stored first, are those of the active language.
    """
    active = (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]
    reports: dict[str, Report] = {}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            reports[language] = check_consortium(consortium, as_of=now)
    report = reports.get(active) or reports[settings.LANGUAGE_CODE]
    outcomes = []
    for position, outcome in enumerate(report.outcomes):
        stored = outcome.to_dict()
        stored["message"], stored["hint"] = str(outcome.message), str(outcome.hint)
        stored["wording"] = {
            language: {
                "message": str(worded.outcomes[position].message),
                "hint": str(worded.outcomes[position].hint),
            }
            for language, worded in reports.items()
        }
        outcomes.append(stored)
    return report, outcomes


def consortium_submit(*, consortium: Consortium, user, now: datetime | None = None,
                      arrived_at: datetime | None = None) -> Submission:
    """Submit ``consortium``: keep what was checked, against which parameters, and when.

    The consortium row is locked, then the deadline and the verdict are checked at ``now``
    (default: the instant the lock is obtained) before anything is written; a refusal raises
    a :class:`ConsortiumActionRefused` saying why. Afterwards the consortium is read-only.
    ``arrived_at`` is the instant the request arrived (default: ``now`` if given, else the
    instant this is called); it is logged beside the instant judged, and named in a refusal.
    """
    arrived_at = arrived_at or now or timezone.now()
    with transaction.atomic():
        locked = _locked(consortium)
        # Taken once the row is ours: a submit that waited for another write to finish
        # is late if that write ended after the deadline.
        now = now or timezone.now()
        if locked.owner_id != user.pk:
            raise PermissionDenied
        report, outcomes = _outcomes_in_every_language(locked, now)
        refusal = submission_refusal(locked, report, now, arrived_at)
        if refusal is not None:
            _log_refusal("submission_refused", refusal, locked, user, now, arrived_at)
            raise refusal
        call = locked.call
        snapshot = locked.snapshot()
        submission = Submission.objects.create(
            consortium=locked,
            submitted_by=user,
            submitted_at=now,
            snapshot=snapshot,
            outcomes=outcomes,
            verdict=str(report.verdict),
            call_parameters=call.parameters(),
            call_parameters_hash=call.parameters_hash(),
        )
        # Who sees this submission follows what it holds, whatever the consortium becomes.
        submission.countries.set(
            {member["country"] for member in snapshot["members"] if member["country"]}
        )
        locked.status = Consortium.Status.SUBMITTED
        locked.save(update_fields=["status", "updated_at"])
        event_record(
            action=Action.CONSORTIUM_SUBMITTED, actor=user, consortium=locked, call=call,
            details={
                "submission": submission.pk, "verdict": submission.verdict,
                "call_parameters_hash": submission.call_parameters_hash,
            },
        )
        # The national contact points of its countries are owed an e-mail: written now, with
        # the submission, and delivered once both are committed.
        submission_e_mails_write(submission=submission)
        transaction.on_commit(partial(_log_submission, submission=submission,
                                      arrived_at=arrived_at))
    consortium.status = locked.status
    return submission


def contact_points_of(countries: list[str]):
    """The active users who answer for any of ``countries`` as national contact points,
    each once, by address. (The national contact points are the reviews application's;
    they are reached here by their relation's name, as ``Submission.objects.visible_to``
    does, so that consortia does not import the application above it.)"""
    return get_user_model().objects.filter(
        is_active=True, national_contact_point__countries__in=countries,
    ).distinct().order_by("email")


def submission_e_mails_write(*, submission: Submission) -> None:
    """Write the e-mail owed to each national contact point of a country of ``submission``'s
    members, each in its recipient's language, in the caller's transaction."""
    countries = snapshot_countries(submission.snapshot)
    context = {"submission": submission, "snapshot": submission.snapshot,
               "countries": countries}
    outgoing = [
        Outgoing(recipient=contact_point.email, email=email_render(
            template="consortia/email/submission_arrived",
            language=recipient_language(contact_point), context=context,
            links={"review_url": ("reviews:detail", [submission.pk])},
        ))
        for contact_point in contact_points_of(countries)
    ]
    messages_write(
        kind=Kind.SUBMISSION_ARRIVED, outgoing=outgoing,
        related={"submission": submission.pk, "consortium": submission.consortium_id},
    )


def _log_submission(*, submission: Submission, arrived_at: datetime) -> None:
    """After a submission is committed: one structured log line, with the instant its
    request arrived beside the instant it was judged and dated."""
    event_log(
        "consortium_submitted", submission=submission.pk, consortium=submission.consortium_id,
        call=submission.snapshot.get("call"), verdict=submission.verdict,
        countries=snapshot_countries(submission.snapshot),
        submitted_at=submission.submitted_at.isoformat(), arrived_at=arrived_at.isoformat(),
    )


def consortium_withdraw(*, consortium: Consortium, user, now: datetime | None = None,
                        arrived_at: datetime | None = None) -> Submission:
    """Withdraw the standing submission before the deadline; the consortium is a draft again.

    The submission is kept, marked as withdrawn by ``user`` at ``now`` (default: the instant
    the consortium row is locked, as for a submission); ``arrived_at`` as for a submission.
    """
    arrived_at = arrived_at or now or timezone.now()
    with transaction.atomic():
        locked = _locked(consortium)
        now = now or timezone.now()
        if locked.owner_id != user.pk:
            raise PermissionDenied
        refusal = withdrawal_refusal(locked, now, arrived_at)
        if refusal is not None:
            _log_refusal("withdrawal_refused", refusal, locked, user, now, arrived_at)
            raise refusal
        submission = Submission.objects.select_for_update().active().get(consortium=locked)
        submission.withdrawn_at = now
        submission.withdrawn_by = user
        submission.save(update_fields=["withdrawn_at", "withdrawn_by"])
        locked.status = Consortium.Status.DRAFT
        locked.save(update_fields=["status", "updated_at"])
        event_record(
            action=Action.CONSORTIUM_WITHDRAWN, actor=user, consortium=locked, call=locked.call,
            details={"submission": submission.pk},
        )
        transaction.on_commit(partial(
            event_log, "consortium_withdrawn", submission=submission.pk, consortium=locked.pk,
            call=locked.call.reference, withdrawn_at=now.isoformat(),
            arrived_at=arrived_at.isoformat(),
        ))
    consortium.status = locked.status
    return submission


def _log_refusal(event: str, refusal: ConsortiumActionRefused, consortium: Consortium, user,
                 now: datetime, arrived_at: datetime) -> None:
    """A refused submission or withdrawal, with the instant its request arrived and the
    instant it was judged at: what an applicant who says they were in time needs to see."""
    event_log(event, reason=refusal.code, consortium=consortium.pk,
              call=consortium.call.reference, user=user.pk, at=now.isoformat(),
              arrived_at=arrived_at.isoformat())


@dataclass
class RecheckSummary:
    """What a re-check run found; the changed consortia themselves are its stored rows."""

    call: str
    checked_at: datetime
    call_parameters_hash: str
    checked: int = 0
    changed: int = 0
    verdict_changed: int = 0

    @property
    def unchanged(self) -> int:
        return self.checked - self.changed

    def rechecks(self):
        """This run's rows, oldest submission first."""
        return SubmissionRecheck.objects.filter(
            checked_at=self.checked_at, submission__consortium__call__reference=self.call
        ).order_by("submission_id")


class _MemberRow(NamedTuple):
    """A member read as plain values, with the attributes ``member_facts`` reads."""

    consortium_id: int
    name: str
    country_id: str | None
    region_id: int | None
    organisation_type: str
    eccp_status: str
    is_coordinator: bool
    region: Region | None


def _recheck_outcomes(report: Report) -> list[dict]:
    """What each rule found in this consortium: its status and the actual value.

    What the call requires and how severe each rule is are the call's parameters, the same
    for every row of a run and named by its ``call_parameters_hash``; the wording is the
    engine's to give again. Repeating them in every row tripled its size, and writing it
    cost more than the check.
    """
    return [
        {"rule": outcome.rule, "status": str(outcome.status), "actual": outcome.actual}
        for outcome in report.outcomes
    ]


def _members_by_consortium(consortium_ids: list[int], regions: dict[int, Region]) -> dict:
    """The members of a chunk of consortia in one query, coordinator first, by consortium."""
    rows = list(
        Member.objects.filter(consortium_id__in=consortium_ids)
        .order_by("consortium_id", "-is_coordinator", "id")
        .values_list("consortium_id", "name", "country_id", "region_id", "organisation_type",
                     "eccp_status", "is_coordinator")
    )
    unknown = {row[3] for row in rows if row[3] is not None and row[3] not in regions}
    if unknown:
        regions.update(Region.objects.in_bulk(unknown))
    members: dict[int, list[_MemberRow]] = {}
    for row in rows:
        members.setdefault(row[0], []).append(
            _MemberRow(*row, regions.get(row[3]) if row[3] is not None else None)
        )
    return members


def call_submissions_recheck(
    *,
    call: Call,
    now: datetime | None = None,
    chunk_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> RecheckSummary:
    """Run the call's current rules again over every standing submission of ``call``.

    Each submission is checked as of the instant it was submitted, against the call's
    parameters as they are now (after a corrected fixture, say), and the result is stored as
    a :class:`SubmissionRecheck` beside it; the submission is never changed. Submissions are
    streamed ``chunk_size`` at a time, each chunk's members read in one query, so memory
    stays flat however many there are; ``progress(done, total)`` is called after each chunk.
    All rows of the run are written in one transaction and share ``checked_at`` (default:
    now). Rows are read as plain values, not model instances: this runs over every
    submission of a call, and building instances cost more than the checks themselves.
    """
    checked_at = now or timezone.now()
    params = build_call_parameters(call)
    summary = RecheckSummary(
        call=call.reference, checked_at=checked_at, call_parameters_hash=call.parameters_hash()
    )
    regions = Region.objects.filter(classification_id=call.region_classification_id).in_bulk()
    submissions = (
        Submission.objects.active()
        .filter(consortium__call=call)
        .with_submitted_statuses()
        .annotate(**{name: models.F(f"consortium__{name}") for name in PROJECT_FIELDS})
        .order_by("id")
        .values_list("id", "consortium_id", "submitted_at", "verdict", "submitted_statuses",
                     *PROJECT_FIELDS, named=True)
    )

    def recheck_chunk(chunk: list) -> None:
        members = _members_by_consortium([row.consortium_id for row in chunk], regions)
        rechecks = []
        for row in chunk:
            member_rows = members.get(row.consortium_id, ())
            facts = ConsortiumFacts(
                project=project_facts(row),
                members=tuple(member_facts(member) for member in member_rows),
            )
            report = evaluate(facts, params, as_of=row.submitted_at)
            verdict = str(report.verdict)
            outcomes = _recheck_outcomes(report)
            verdict_changed = verdict != row.verdict
            changed = verdict_changed or (
                {outcome["rule"]: outcome["status"] for outcome in outcomes}
                != (row.submitted_statuses or {})
            )
            summary.changed += changed
            summary.verdict_changed += verdict_changed
            rechecks.append(SubmissionRecheck(
                submission_id=row.id, checked_at=checked_at,
                call_parameters_hash=summary.call_parameters_hash, verdict=verdict,
                outcomes=outcomes, changed=changed,
            ))
        SubmissionRecheck.objects.bulk_create(rechecks, batch_size=INSERT_BATCH_SIZE)
        summary.checked += len(chunk)

    with transaction.atomic():
        total = submissions.count()
        chunk: list = []
        for row in submissions.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                recheck_chunk(chunk)
                chunk = []
                if progress:
                    progress(summary.checked, total)
        if chunk:
            recheck_chunk(chunk)
        if progress:
            progress(summary.checked, total)
    return summary


# Rows per INSERT: measured on PostgreSQL, a few hundred rows per statement insert faster
# than one statement for the whole chunk.
INSERT_BATCH_SIZE = 250
# The consortium's fields that its project facts read (eligibility.facts.project_facts).
PROJECT_FIELDS = (
    "acronym", "duration_months", "start_date", "total_eligible_costs", "requested_grant",
)
