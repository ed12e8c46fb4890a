"""Writes that touch a consortium and its members or submissions: each atomic, each checking
its preconditions on the locked consortium row at the moment of writing."""
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import date, datetime
from decimal import Decimal
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
from eligibility.facts import (
    CallParameters,
    ConsortiumFacts,
    build_call_parameters,
    member_facts,
    project_facts,
)
from eligibility.member_set import member_set_findings
from eligibility.services import check_consortium
from eligibility.wording import instant_text
from outbox.emails import email_render, recipient_language
from outbox.models import Kind
from outbox.services import Outgoing, messages_write

from .models import (
    Consortium,
    Member,
    RecheckRun,
    Submission,
    SubmissionRecheck,
    snapshot_countries,
)


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
    """An instant to the second, in the call's deadline time zone, worded as the rules word it."""
    return instant_text(
        moment, call.deadline_timezone, call.deadline_local.tzinfo, seconds=True
    )


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


@dataclass(frozen=True)
class ProjectDraft:
    """A draft's project data as the applicant gives it."""

    acronym: str
    title: str = ""
    duration_months: int | None = None
    start_date: date | None = None
    total_eligible_costs: Decimal | None = None
    requested_grant: Decimal | None = None
    fstp_costs: Decimal | None = None
    other_costs: Decimal | None = None
    strand_id: int | None = None


@dataclass(frozen=True)
class MemberDraft:
    """One member of a draft as the applicant gives it; ``pk`` names a member already saved."""

    name: str
    country_id: str | None = None
    region_id: int | None = None
    organisation_type: str = ""
    eccp_status: str = ""
    eccp_profile_url: str = ""
    is_coordinator: bool = False
    role: str = "beneficiary"  # calls.models.MemberRole value
    declarations: list[str] = field(default_factory=list)  # calls.models.Declaration values
    pk: int | None = None


PROJECT_DRAFT_FIELDS = tuple(field.name for field in fields(ProjectDraft))
MEMBER_DRAFT_FIELDS = tuple(field.name for field in fields(MemberDraft) if field.name != "pk")


def consortium_draft_save(
    *, consortium: Consortium, project: ProjectDraft, members: Sequence[MemberDraft],
    removed: Collection[int] = (), owner=None,
) -> Consortium:
    """Save a draft's project data and its members together, or nothing.

    ``members`` are the members given, their shape already checked (the consortium page's
    forms do it): one with a ``pk`` is changed where it differs, one without is added; the
    saved members whose keys are in ``removed`` are removed, and the others stay as they
    are. A new consortium needs its ``owner`` and already carries its call. Refused when the
    consortium was submitted meanwhile.
    """
    with transaction.atomic():
        creating = consortium.pk is None
        if creating:
            consortium.owner = owner
            stored = None
        else:
            stored = _locked(consortium)
            if not stored.is_editable:
                raise ConsortiumNotEditable()
        changed_fields = [
            name for name in PROJECT_DRAFT_FIELDS
            if stored is not None and getattr(stored, name) != getattr(project, name)
        ]
        consortium = _project_save(consortium, project)
        saved = {member.pk: member for member in consortium.members.order_by(
            "-is_coordinator", "id")} if not creating else {}
        removed_members = [member for pk, member in saved.items() if pk in removed]
        for member in removed_members:
            member.delete()
        added, changed = [], []
        for draft in members:
            values = {name: getattr(draft, name) for name in MEMBER_DRAFT_FIELDS}
            if draft.pk is None:
                added.append(Member(consortium=consortium, **values))
                continue
            member = saved[draft.pk]
            if any(getattr(member, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(member, name, value)
                changed.append(member)
        # The database allows one coordinator at a time: save the one who steps down first.
        for member in sorted(changed + added, key=lambda member: member.is_coordinator):
            member.save()
        actor = owner or consortium.owner
        if creating:
            _record_creation(consortium, actor=actor)
        else:
            _record_edit(consortium, actor=actor, changes={
                "fields": changed_fields,
                "members_added": [member.name for member in added],
                "members_changed": [member.name for member in changed],
                "members_removed": [member.name for member in removed_members],
            })
    return consortium


def _project_save(consortium: Consortium, project: ProjectDraft) -> Consortium:
    for name in PROJECT_DRAFT_FIELDS:
        setattr(consortium, name, getattr(project, name))
    consortium.save()
    return consortium


def _record_creation(consortium: Consortium, *, actor) -> None:
    event_record(
        action=Action.CONSORTIUM_CREATED, actor=actor, consortium=consortium,
        call=consortium.call,
        details={
            "acronym": consortium.acronym,
            "members": [member.name for member in consortium.members.order_by(
                "-is_coordinator", "id")],
        },
    )


def _record_edit(consortium: Consortium, *, actor, changes: dict[str, list[str]]) -> None:
    """The edit and what it changed; nothing when nothing changed."""
    if any(changes.values()):
        event_record(
            action=Action.CONSORTIUM_EDITED, actor=actor, consortium=consortium,
            call=consortium.call,
            details={"acronym": consortium.acronym, **{k: v for k, v in changes.items() if v}},
        )


class MembersImportRefused(ConsortiumActionRefused):
    """The imported rows no longer fit the consortium as it is now; ``problems`` says why."""

    code = "import_refused"

    def __init__(self, problems: list):
        super().__init__(_("The members were not imported: the file no longer fits the "
                           "consortium as it is now."))
        self.problems = problems


def consortium_members_import(
    *, consortium: Consortium, members: Sequence[MemberDraft], replace: bool, user,
) -> list[Member]:
    """Add ``members`` (read from a file, their shape checked by the member form) to a
    draft, or put them in place of its members with ``replace``: all of them or none.

    What spans the members is checked again on the locked consortium, as it is at the moment
    of writing (one coordinator, no organisation twice); a problem raises
    :class:`MembersImportRefused` and nothing is written. The change goes on the record like
    an edit of the members.
    """
    with transaction.atomic():
        locked = _locked(consortium)
        if locked.owner_id != user.pk:
            raise PermissionDenied
        if not locked.is_editable:
            raise ConsortiumNotEditable()
        current = list(locked.members.order_by("-is_coordinator", "id"))
        kept = [] if replace else current
        problems = _member_set_problems(
            [(member.name, member.is_coordinator) for member in kept]
            + [(draft.name, draft.is_coordinator) for draft in members]
        )
        if problems:
            raise MembersImportRefused(problems)
        removed = current if replace else []
        for member in removed:
            member.delete()
        added = [
            Member(consortium=locked, **{name: getattr(draft, name)
                                         for name in MEMBER_DRAFT_FIELDS})
            for draft in members
        ]
        # The database allows one coordinator at a time: the one who steps in comes last.
        for member in sorted(added, key=lambda member: member.is_coordinator):
            member.save()
        locked.save(update_fields=["updated_at"])
        _record_edit(locked, actor=user, changes={
            "members_added": [member.name for member in added],
            "members_removed": [member.name for member in removed],
        })
    return added


def _member_set_problems(members: list[tuple[str, bool]]) -> list[str]:
    findings = member_set_findings(members)
    problems = [
        str(_("“%(name)s” is already a member.") % {"name": members[position][0]})
        for position in findings.repeats
    ]
    if len(findings.coordinators) != 1:
        problems.append(str(_(
            "The consortium would have %(count)d coordinators; it needs exactly one."
        ) % {"count": len(findings.coordinators)}))
    return problems


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
                "reference": worded.outcomes[position].reference,
                "reference_language": worded.outcomes[position].reference_language,
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


class _MemberRow(NamedTuple):
    """A member read as plain values, with the attributes ``member_facts`` reads."""

    consortium_id: int
    name: str
    country_id: str | None
    region_id: int | None
    organisation_type: str
    eccp_status: str
    is_coordinator: bool
    role: str
    declarations: list[str]
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
                     "eccp_status", "is_coordinator", "role", "declarations")
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


def _standing_rows(call: Call):
    """The call's standing submissions as plain values, with what a re-check reads."""
    return (
        Submission.objects.active()
        .filter(consortium__call=call)
        .with_submitted_statuses()
        .annotate(**{name: models.F(f"consortium__{name}") for name in PROJECT_FIELDS})
        .annotate(strand_code=models.F("consortium__strand__code"))
        .order_by("id")
        .values_list("id", "consortium_id", "submitted_at", "verdict", "submitted_statuses",
                     "strand_code", *PROJECT_FIELDS, named=True)
    )


@dataclass
class _RecheckBatch:
    """Everything a run reads once and every chunk of it uses."""

    call: Call
    checked_at: datetime
    parameters_hash: str
    params: CallParameters
    regions: dict[int, Region]

    @classmethod
    def of(cls, call: Call, checked_at: datetime, parameters_hash: str) -> "_RecheckBatch":
        return cls(
            call=call, checked_at=checked_at, parameters_hash=parameters_hash,
            params=build_call_parameters(call),
            regions=Region.objects.filter(
                classification_id=call.region_classification_id
            ).in_bulk(),
        )

    def recheck(self, chunk: list) -> tuple[int, int, int]:
        """Check a chunk of rows and write their rechecks; returns (checked, changed,
        verdict changed)."""
        members = _members_by_consortium([row.consortium_id for row in chunk], self.regions)
        rechecks, changed_count, verdict_changed_count = [], 0, 0
        for row in chunk:
            facts = ConsortiumFacts(
                # The row carries its strand's code, not the strand: a consortium of a
                # strand is checked by that strand's rules.
                project=replace(project_facts(row), strand=row.strand_code),
                members=tuple(member_facts(member)
                              for member in members.get(row.consortium_id, ())),
            )
            report = evaluate(facts, self.params, as_of=row.submitted_at)
            verdict = str(report.verdict)
            outcomes = _recheck_outcomes(report)
            verdict_changed = verdict != row.verdict
            changed = verdict_changed or (
                {outcome["rule"]: outcome["status"] for outcome in outcomes}
                != (row.submitted_statuses or {})
            )
            changed_count += changed
            verdict_changed_count += verdict_changed
            rechecks.append(SubmissionRecheck(
                submission_id=row.id, checked_at=self.checked_at,
                call_parameters_hash=self.parameters_hash, verdict=verdict,
                outcomes=outcomes, changed=changed,
            ))
        SubmissionRecheck.objects.bulk_create(rechecks, batch_size=INSERT_BATCH_SIZE)
        return len(chunk), changed_count, verdict_changed_count


def call_submissions_recheck(
    *,
    call: Call,
    now: datetime | None = None,
    chunk_size: int = 2000,
    progress: Callable[[int, int], None] | None = None,
) -> RecheckRun:
    """Run the call's current rules again over every standing submission of ``call``, in
    this process.

    Each submission is checked as of the instant it was submitted, against the call's
    parameters as they are now (after a corrected fixture, say), and the result is stored as
    a :class:`SubmissionRecheck` beside it; the submission is never changed. Submissions are
    streamed ``chunk_size`` at a time, each chunk's members read in one query, so memory
    stays flat however many there are; ``progress(done, total)`` is called after each chunk.
    The run (a :class:`RecheckRun` with its counts) and all its rows are written in one
    transaction and share ``checked_at`` (default: now). Rows are read as plain values, not
    model instances: this runs over every submission of a call, and building instances cost
    more than the checks themselves.
    """
    checked_at = now or timezone.now()
    batch = _RecheckBatch.of(call, checked_at, call.parameters_hash())
    submissions = _standing_rows(call)
    with transaction.atomic():
        total = submissions.count()
        run = RecheckRun(
            call=call, checked_at=checked_at, call_parameters_hash=batch.parameters_hash,
            submissions=total, chunks=0,
        )

        def recheck_chunk(chunk: list) -> None:
            checked, changed, verdict_changed = batch.recheck(chunk)
            run.checked += checked
            run.changed += changed
            run.verdict_changed += verdict_changed
            run.chunks_done += 1
            if progress:
                progress(run.checked, total)

        chunk: list = []
        for row in submissions.iterator(chunk_size=chunk_size):
            chunk.append(row)
            if len(chunk) == chunk_size:
                recheck_chunk(chunk)
                chunk = []
        if chunk:
            recheck_chunk(chunk)
        if progress and not run.chunks_done:
            progress(0, 0)
        # What was read, whatever the count said a moment before.
        run.submissions = run.checked
        run.chunks = run.chunks_done
        run.finished_at = timezone.now()
        run.save()
    return run


def call_submissions_recheck_on_workers(
    *, call: Call, now: datetime | None = None, chunk_size: int = 2000,
) -> RecheckRun:
    """Start re-checking every standing submission of ``call`` on the workers.

    The submissions standing now are cut into chunks of ``chunk_size`` (by id) and each
    chunk is handed to a worker (``consortia.tasks.recheck_chunk``, with its submissions' ids)
    once the run is committed; each chunk is checked and written in a transaction of its own,
    which adds its counts to the returned :class:`RecheckRun` (reload it to follow the
    progress). Without a broker the chunks run here, one after the other. The rows written
    are those of :func:`call_submissions_recheck`.
    """
    from .tasks import recheck_chunk  # the tasks module calls this one

    checked_at = now or timezone.now()
    ids = list(Submission.objects.active().filter(consortium__call=call)
               .order_by("id").values_list("id", flat=True))
    chunks = [ids[start:start + chunk_size] for start in range(0, len(ids), chunk_size)]
    run = RecheckRun.objects.create(
        call=call, checked_at=checked_at, call_parameters_hash=call.parameters_hash(),
        on_workers=True, submissions=len(ids), chunks=len(chunks),
        finished_at=None if chunks else checked_at,
    )
    for chunk in chunks:
        transaction.on_commit(partial(recheck_chunk.delay, run.pk, chunk))
    return run


def recheck_run_chunk(*, run_id: int, submission_ids: list[int]) -> None:
    """Check the submissions ``submission_ids`` of a run that still stand and add their
    counts to the run, in one transaction.

    A chunk delivered twice is written once: if its rows are there, nothing is done. If the
    call's parameters changed since the run began, nothing is written and the chunk counts
    as failed: the run would otherwise mix two versions of the call.
    """
    run = RecheckRun.objects.select_related("call").get(pk=run_id)
    if run.call.parameters_hash() != run.call_parameters_hash:
        recheck_run_chunk_give_up(run_id=run_id, submission_ids=submission_ids,
                                  reason="call_parameters_changed")
        return
    batch = _RecheckBatch.of(run.call, run.checked_at, run.call_parameters_hash)
    rows = _standing_rows(run.call).filter(id__in=submission_ids)
    with transaction.atomic():
        if SubmissionRecheck.objects.filter(
            checked_at=run.checked_at, submission__in=submission_ids,
        ).exists():
            return
        checked, changed, verdict_changed = batch.recheck(list(rows))
        _recheck_run_count(run_id, chunks_done=1, checked=checked, changed=changed,
                           verdict_changed=verdict_changed)


def recheck_run_chunk_give_up(*, run_id: int, submission_ids: list[int], reason: str) -> None:
    """Count a chunk that was not checked as failed (so that the run still ends), and say
    why in the log."""
    _recheck_run_count(run_id, chunks_failed=1)
    event_log("recheck_chunk_failed", run=run_id, submissions=len(submission_ids),
              first=submission_ids[0] if submission_ids else None, reason=reason)


def _recheck_run_count(run_id: int, **counts: int) -> None:
    """Add ``counts`` to the run's row in one UPDATE (the row is locked until the
    transaction ends, so chunks finishing together each add theirs), and mark the run
    finished if this was its last chunk."""
    ended = counts.get("chunks_done", 0) + counts.get("chunks_failed", 0)
    last_chunk = models.Q(
        chunks_done__gte=models.F("chunks") - models.F("chunks_failed") - ended
    )
    RecheckRun.objects.filter(pk=run_id).update(
        **{field: models.F(field) + amount for field, amount in counts.items()},
        finished_at=models.Case(
            models.When(last_chunk, then=models.Value(timezone.now())),
            default=models.F("finished_at"),
        ),
    )


# Rows per INSERT: measured on PostgreSQL, a few hundred rows per statement insert faster
# than one statement for the whole chunk.
INSERT_BATCH_SIZE = 250
# The consortium's fields that its project facts read (eligibility.facts.project_facts).
PROJECT_FIELDS = (
    "acronym", "duration_months", "start_date", "total_eligible_costs", "requested_grant",
    "fstp_costs", "other_costs",
)
