"""Re-checking a call's submissions after its parameters were corrected."""
from decimal import Decimal
import importlib
import io
import itertools

from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
import pytest

from calls.models import Call, CallRule
from consortia.models import RecheckRun, Submission, SubmissionRecheck
from consortia.services import (
    call_submissions_recheck,
    call_submissions_recheck_on_workers,
    consortium_submit,
    consortium_withdraw,
    recheck_run_chunk,
)
from tests.consortium_factories import (
    A_MONTH_BEFORE_ESCP_DEADLINE,
    BEFORE_ESCP_DEADLINE,
    escp_call,
    make_consortium,
    make_user,
)

pytestmark = pytest.mark.django_db


def submitted(owner, acronym: str = "TEXS3", **project) -> Submission:
    consortium = make_consortium(owner, acronym=acronym, **project)
    return consortium_submit(consortium=consortium, user=owner, now=A_MONTH_BEFORE_ESCP_DEADLINE)


def lower_the_maximum_grant(amount: str) -> None:
    call = escp_call()
    CallRule.objects.filter(call=call, code="max_grant").update(options={"maximum": amount})
    call.version_bump()


def recheck_command(*arguments: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("recheck_eligibility", *arguments, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_a_recheck_is_stored_beside_each_standing_submission():
    owner = make_user()
    first, second = submitted(owner, "FIRST"), submitted(owner, "SECOND")

    summary = call_submissions_recheck(call=escp_call())

    assert summary.checked == 2
    rechecks = SubmissionRecheck.objects.order_by("submission_id")
    assert [recheck.submission for recheck in rechecks] == [first, second]
    assert {recheck.checked_at for recheck in rechecks} == {summary.checked_at}
    assert {recheck.call_parameters_hash for recheck in rechecks} == {
        escp_call().parameters_hash()
    }


def test_the_submission_keeps_its_snapshot_and_outcomes_when_rechecked():
    submission = submitted(make_user())
    before = Submission.objects.values().get(pk=submission.pk)
    lower_the_maximum_grant("300000.00")

    call_submissions_recheck(call=escp_call())

    assert Submission.objects.values().get(pk=submission.pk) == before


def test_unchanged_parameters_give_the_same_verdict_and_no_change():
    submitted(make_user())

    summary = call_submissions_recheck(call=escp_call())

    recheck = SubmissionRecheck.objects.get()
    assert recheck.verdict == "eligible"
    assert recheck.changed is False
    assert (summary.checked, summary.changed, summary.verdict_changed) == (1, 0, 0)


def test_a_lowered_maximum_grant_makes_the_submission_not_eligible():
    submitted(make_user())
    lower_the_maximum_grant("300000.00")

    summary = call_submissions_recheck(call=escp_call())

    recheck = SubmissionRecheck.objects.get()
    assert recheck.verdict == "not_eligible"
    assert recheck.changed is True
    statuses = {outcome["rule"]: outcome["status"] for outcome in recheck.outcomes}
    assert statuses["max_grant"] == "fail"
    assert (summary.checked, summary.changed, summary.verdict_changed) == (1, 1, 1)


def test_each_outcome_keeps_the_rule_its_status_and_the_actual_value():
    submitted(make_user())
    lower_the_maximum_grant("300000.00")

    call_submissions_recheck(call=escp_call())

    outcome = next(
        outcome for outcome in SubmissionRecheck.objects.get().outcomes
        if outcome["rule"] == "max_grant"
    )
    assert outcome == {"rule": "max_grant", "status": "fail", "actual": "350000.00"}


def test_submissions_are_checked_as_of_the_instant_they_were_submitted():
    # Run long after the deadline: the deadline rule still looks at the submission instant.
    submitted(make_user())

    call_submissions_recheck(call=escp_call())

    statuses = {o["rule"]: o["status"] for o in SubmissionRecheck.objects.get().outcomes}
    assert statuses["deadline"] == "pass"


def test_withdrawn_submissions_are_not_rechecked():
    owner = make_user()
    withdrawn = submitted(owner, "WITHDRAWN")
    consortium_withdraw(consortium=withdrawn.consortium, user=owner, now=BEFORE_ESCP_DEADLINE)
    standing = submitted(owner, "STANDING")

    call_submissions_recheck(call=escp_call())

    assert list(SubmissionRecheck.objects.values_list("submission", flat=True)) == [standing.pk]


def test_a_second_run_adds_rows_and_keeps_the_first():
    submitted(make_user())
    call_submissions_recheck(call=escp_call())
    lower_the_maximum_grant("300000.00")

    call_submissions_recheck(call=escp_call())

    assert list(SubmissionRecheck.objects.order_by("checked_at").values_list(
        "verdict", flat=True
    )) == ["eligible", "not_eligible"]


def test_progress_is_reported_after_each_chunk():
    owner = make_user()
    for number in range(5):
        submitted(owner, f"C{number}")
    reported = []

    call_submissions_recheck(
        call=escp_call(), chunk_size=2, progress=lambda done, total: reported.append((done, total))
    )

    assert reported == [(2, 5), (4, 5), (5, 5)]
    assert SubmissionRecheck.objects.count() == 5


def test_the_command_reports_the_counts_and_the_consortia_whose_verdict_changed():
    owner = make_user()
    submitted(owner, "KEPT", requested_grant=Decimal("250000.00"))
    submitted(owner, "LOST")
    lower_the_maximum_grant("300000.00")

    output, _progress = recheck_command("--call", "COS-CLUSTPARTNS-2017-3-02", "--no-progress")

    assert "2 submissions re-checked" in output
    assert "Unchanged: 1. Changed: 1, of which 1 changed verdict." in output
    assert "LOST: eligible -> not_eligible (max_grant pass->fail)" in output
    assert "KEPT:" not in output


def test_the_command_shows_its_progress_on_stderr():
    submitted(make_user())

    _output, progress = recheck_command("--call", "COS-CLUSTPARTNS-2017-3-02")

    assert progress.splitlines()[-1].startswith("consortia: 100% (1/1 consortia, ")


def test_the_command_refuses_an_unknown_call():
    with pytest.raises(CommandError, match="No call"):
        recheck_command("--call", "NO-SUCH-CALL")


def test_a_submission_of_a_strand_is_rechecked_with_its_strand_s_rules():
    from calls.models import Strand

    call = escp_call()
    strand = Strand.objects.create(call=call, code="1", title="Strand 1", order=1)
    CallRule.objects.create(
        call=call, strand=strand, code="max_grant", severity="blocking",
        reference="Call text §4", options={"maximum": "400000.00"},
        provenance={"maximum": {"basis": "official", "source": "test"}},
    )
    call.version_bump()
    owner = make_user()
    consortium = make_consortium(owner, strand=strand, requested_grant=Decimal("360000.00"),
                                 total_eligible_costs=Decimal("480000.00"))
    consortium_submit(consortium=consortium, user=owner, now=A_MONTH_BEFORE_ESCP_DEADLINE)

    summary = call_submissions_recheck(call=escp_call())

    recheck = SubmissionRecheck.objects.get()
    assert (recheck.verdict, recheck.changed) == ("eligible", False)
    assert summary.checked == 1


def test_a_run_in_this_process_is_recorded_finished_with_its_counts():
    owner = make_user()
    submitted(owner, "KEPT", requested_grant=Decimal("250000.00"))
    submitted(owner, "LOST")
    lower_the_maximum_grant("300000.00")

    run = call_submissions_recheck(call=escp_call(), chunk_size=1)

    stored = RecheckRun.objects.get()
    assert stored == run and stored.on_workers is False
    assert (stored.submissions, stored.checked, stored.changed, stored.verdict_changed) == (
        2, 2, 1, 1
    )
    assert (stored.chunks, stored.chunks_done, stored.chunks_failed) == (2, 2, 0)
    assert stored.finished_at is not None


def rows_of(run: RecheckRun) -> list[tuple]:
    return list(run.rechecks().values_list(
        "submission_id", "verdict", "outcomes", "changed", "call_parameters_hash"
    ))


def submissions_of_every_kind() -> None:
    owner = make_user()
    for number in range(3):
        submitted(owner, f"KEPT{number}", requested_grant=Decimal("250000.00"))
    for number in range(2):
        submitted(owner, f"LOST{number}")
    lower_the_maximum_grant("300000.00")


def test_a_run_on_the_workers_stores_the_same_results_as_a_run_in_this_process(
    django_capture_on_commit_callbacks,
):
    submissions_of_every_kind()
    here = call_submissions_recheck(call=escp_call())

    with django_capture_on_commit_callbacks(execute=True):
        started = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=2)

    on_workers = RecheckRun.objects.get(pk=started.pk)
    assert rows_of(on_workers) == rows_of(here)
    assert (on_workers.checked, on_workers.changed, on_workers.verdict_changed) == (
        here.checked, here.changed, here.verdict_changed
    ) == (5, 2, 2)


def test_each_chunk_on_the_workers_adds_its_counts_and_the_last_one_finishes_the_run(
    django_capture_on_commit_callbacks,
):
    submissions_of_every_kind()

    with django_capture_on_commit_callbacks(execute=False) as chunks:
        run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=2)
    assert (run.submissions, run.chunks, len(chunks)) == (5, 3, 3)
    progress = []
    for chunk in chunks:
        chunk()
        run.refresh_from_db()
        progress.append((run.chunks_done, run.checked, run.finished_at is not None))

    assert progress == [(1, 2, False), (2, 4, False), (3, 5, True)]
    assert run.is_finished and run.on_workers


def test_the_chunks_wait_for_the_run_to_be_committed(django_capture_on_commit_callbacks):
    submissions_of_every_kind()

    with django_capture_on_commit_callbacks(execute=False) as chunks:
        run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=2)
        assert SubmissionRecheck.objects.count() == 0
    assert len(chunks) == run.chunks == 3


def test_a_chunk_delivered_twice_is_written_and_counted_once():
    submissions_of_every_kind()
    run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=5)
    ids = list(Submission.objects.order_by("id").values_list("id", flat=True))

    for _delivery in range(2):
        recheck_run_chunk(run_id=run.pk, submission_ids=ids)

    run.refresh_from_db()
    assert SubmissionRecheck.objects.count() == 5
    assert (run.chunks_done, run.checked) == (1, 5)


def test_a_chunk_is_refused_when_the_call_changed_after_the_run_began():
    submissions_of_every_kind()
    run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=5)
    lower_the_maximum_grant("280000.00")
    ids = list(Submission.objects.order_by("id").values_list("id", flat=True))

    recheck_run_chunk(run_id=run.pk, submission_ids=ids)

    run.refresh_from_db()
    assert SubmissionRecheck.objects.count() == 0
    assert (run.chunks_done, run.chunks_failed, run.checked) == (0, 1, 0)
    assert run.is_finished and run.finished_at is not None


def run_chunks_at_once(monkeypatch) -> None:
    """The command runs outside any transaction, so its chunks are handed over at once; in a
    test's transaction they would wait for a commit that never comes."""
    monkeypatch.setattr("consortia.services.transaction.on_commit",
                        lambda callback, **options: callback())


def test_the_command_on_the_workers_counts_finished_chunks_and_reports_as_in_one_process(
    monkeypatch,
):
    submissions_of_every_kind()
    run_chunks_at_once(monkeypatch)

    output, progress = recheck_command(
        "--call", "COS-CLUSTPARTNS-2017-3-02", "--workers", "--chunk-size", "2"
    )

    assert "5 submissions in 3 chunks handed to the workers" in progress
    assert progress.splitlines()[-1].startswith("chunks: 100% (3/3 chunks, ")
    assert "5 submissions re-checked" in output
    assert "Unchanged: 3. Changed: 2, of which 2 changed verdict." in output
    assert "LOST0: eligible -> not_eligible (max_grant pass->fail)" in output


def test_the_command_on_the_workers_says_when_chunks_were_refused(monkeypatch):
    submissions_of_every_kind()
    run_chunks_at_once(monkeypatch)
    # A new hash at every reading (an id of a freed object could come back and repeat one).
    hashes = itertools.count()
    monkeypatch.setattr(Call, "parameters_hash", lambda call: str(next(hashes)))

    with pytest.raises(CommandError, match="3 of 3 chunks were not checked"):
        recheck_command("--call", "COS-CLUSTPARTNS-2017-3-02", "--workers", "--chunk-size", "2")


def test_the_admin_lists_each_run_with_its_chunks_done(admin_client):
    submissions_of_every_kind()
    run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=2)
    ids = list(Submission.objects.order_by("id").values_list("id", flat=True))
    recheck_run_chunk(run_id=run.pk, submission_ids=ids[:2])

    response = admin_client.get(reverse("admin:consortia_recheckrun_changelist"))

    assert response.status_code == 200
    assert "1 / 3" in response.content.decode()


def test_the_migration_gives_each_earlier_run_its_record_with_its_counts():
    from django.apps import apps

    runs_of_earlier_rechecks = importlib.import_module(
        "consortia.migrations.0009_recheck_run"
    ).runs_of_earlier_rechecks
    submissions_of_every_kind()
    earlier = call_submissions_recheck(call=escp_call())
    expected = RecheckRun.objects.values(
        "call", "checked_at", "call_parameters_hash", "checked", "changed", "verdict_changed"
    ).get()
    RecheckRun.objects.all().delete()  # as before the migration: rows without their run

    runs_of_earlier_rechecks(apps, None)

    migrated = RecheckRun.objects.get()
    assert {field: getattr(migrated, field if field != "call" else "call_id")
            for field in expected} == expected
    assert migrated.is_finished and migrated.finished_at == earlier.checked_at


def test_a_chunk_checks_only_its_own_submissions_and_not_one_withdrawn_since_the_run_began():
    owner = make_user()
    first, withdrawn = submitted(owner, "FIRST"), submitted(owner, "WITHDRAWN")
    run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=5)
    consortium_withdraw(consortium=withdrawn.consortium, user=owner, now=BEFORE_ESCP_DEADLINE)
    submitted(owner, "LATER")  # after the run began: not one of its submissions

    recheck_run_chunk(run_id=run.pk, submission_ids=[first.pk, withdrawn.pk])

    run.refresh_from_db()
    assert list(SubmissionRecheck.objects.values_list("submission", flat=True)) == [first.pk]
    assert (run.submissions, run.checked, run.chunks_done, run.is_finished) == (2, 1, 1, True)


def test_a_chunk_the_database_refuses_is_tried_again(monkeypatch):
    submissions_of_every_kind()
    attempts = []
    real_chunk = recheck_run_chunk

    def refused_once(**arguments):
        attempts.append(arguments["submission_ids"])
        if len(attempts) == 1:
            raise OperationalError("the server closed the connection")
        real_chunk(**arguments)
    monkeypatch.setattr("consortia.tasks.recheck_run_chunk", refused_once)
    run_chunks_at_once(monkeypatch)

    run = call_submissions_recheck_on_workers(call=escp_call(), chunk_size=5)

    run.refresh_from_db()
    assert len(attempts) == 2
    assert (run.chunks_done, run.chunks_failed, run.checked) == (1, 0, 5)


def test_a_chunk_the_database_keeps_refusing_counts_as_failed_and_the_run_ends(monkeypatch):
    submissions_of_every_kind()

    def always_refused(**arguments):
        raise OperationalError("the server closed the connection")
    monkeypatch.setattr("consortia.tasks.recheck_run_chunk", always_refused)
    run_chunks_at_once(monkeypatch)

    with pytest.raises(OperationalError):
        call_submissions_recheck_on_workers(call=escp_call(), chunk_size=5)

    run = RecheckRun.objects.get()
    assert (run.chunks_done, run.chunks_failed) == (0, 1)
    assert run.is_finished and run.finished_at is not None
