"""Re-checking a call's submissions after its parameters were corrected."""
from decimal import Decimal
import io

from django.core.management import CommandError, call_command
import pytest

from calls.models import CallRule
from consortia.models import Submission, SubmissionRecheck
from consortia.services import call_submissions_recheck, consortium_submit, consortium_withdraw
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


def test_the_command_draws_a_progress_bar_on_stderr():
    submitted(make_user())

    _output, progress = recheck_command("--call", "COS-CLUSTPARTNS-2017-3-02")

    assert "[##############################] 1/1 consortia" in progress


def test_the_command_refuses_an_unknown_call():
    with pytest.raises(CommandError, match="No call"):
        recheck_command("--call", "NO-SUCH-CALL")
