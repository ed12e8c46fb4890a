"""The deadline and concurrent writes, on PostgreSQL with real threads and committed data.

Each thread has its own database connection (closed when it ends), as each request of a
multi-threaded or multi-process server has. The clock is the real one moved to the days of
ESCP-S3's deadline (8 March 2018 17:00 Brussels time) with time-machine, ticking: every
thread reads the same moved clock.
"""
from collections.abc import Callable
from datetime import datetime, timedelta
import threading
import time

from django.db import connections, transaction
from django.utils import timezone
import pytest
import time_machine

from audit.models import Action, Event
from consortia import services
from consortia.forms import ConsortiumForm, MemberChoices, MemberFormSet
from consortia.models import Consortium, Submission
from consortia.services import (
    AlreadySubmitted,
    ConsortiumNotEditable,
    DeadlinePassed,
    consortium_draft_save,
    consortium_submit,
    consortium_withdraw,
)
from reviews.models import Review
from reviews.services import review_record
from tests.committed_data import postgresql_only, transactional_db  # noqa: F401 (fixture)
from tests.consortium_factories import (
    A_MONTH_BEFORE_ESCP_DEADLINE,
    AT_ESCP_DEADLINE,
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    form_data,
    make_consortium,
    make_user,
)
from tests.review_factories import make_ncp, make_submission

pytestmark = [postgresql_only, pytest.mark.usefixtures("transactional_db")]

THREAD_TIMEOUT = 60  # seconds; a thread still running then is a deadlock


class Outcome:
    """What one thread's action returned or raised."""

    def __init__(self):
        self.value = None
        self.error: BaseException | None = None


def run_in_threads(*actions: Callable[[], object], together: bool = True) -> list[Outcome]:
    """Run each action in a thread of its own; with ``together``, all start at the same
    moment. Each thread closes its database connection when done."""
    barrier = threading.Barrier(len(actions)) if together else None
    outcomes = [Outcome() for _action in actions]

    def run(action, outcome: Outcome) -> None:
        try:
            if barrier is not None:
                barrier.wait(timeout=THREAD_TIMEOUT)
            outcome.value = action()
        except BaseException as error:  # noqa: BLE001 - reported to the test
            outcome.error = error
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=(action, outcome), daemon=True)
        for action, outcome in zip(actions, outcomes, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(THREAD_TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a thread is still waiting"
    return outcomes


def hold_row_lock(consortium: Consortium, *, locked: threading.Event, until: datetime) -> datetime:
    """Lock the consortium's row (as any write to it does) until the clock reads ``until``;
    returns the instant the lock is released."""
    with transaction.atomic():
        Consortium.objects.select_for_update().get(pk=consortium.pk)
        locked.set()
        while timezone.now() < until:
            time.sleep(0.02)
        released_at = timezone.now()
    return released_at


def submit_once_locked(consortium: Consortium, locked: threading.Event, asked: list) -> Submission:
    """Ask to submit (without saying when) once another thread holds the row."""
    assert locked.wait(THREAD_TIMEOUT)
    asked.append(timezone.now())
    return consortium_submit(consortium=Consortium.objects.get(pk=consortium.pk),
                             user=consortium.owner)


def test_a_submit_that_waits_for_a_lock_held_past_the_deadline_is_refused():
    deadline = AT_ESCP_DEADLINE
    consortium = make_consortium(make_user())
    locked, asked = threading.Event(), []

    with time_machine.travel(deadline - timedelta(seconds=2), tick=True):
        holder, submitter = run_in_threads(
            lambda: hold_row_lock(consortium, locked=locked,
                                  until=deadline + timedelta(milliseconds=200)),
            lambda: submit_once_locked(consortium, locked, asked),
            together=False,
        )

    assert holder.error is None
    assert asked[0] < deadline  # the applicant pressed the button in time ...
    assert isinstance(submitter.error, DeadlinePassed)  # ... but the write came too late
    assert not Submission.objects.filter(consortium=consortium).exists()
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_a_submit_that_waits_for_a_lock_is_dated_when_it_obtains_the_lock():
    consortium = make_consortium(make_user())
    locked, asked = threading.Event(), []
    start = AT_ESCP_DEADLINE - timedelta(minutes=10)

    with time_machine.travel(start, tick=True):
        holder, submitter = run_in_threads(
            lambda: hold_row_lock(consortium, locked=locked, until=start + timedelta(seconds=1)),
            lambda: submit_once_locked(consortium, locked, asked),
            together=False,
        )

    assert holder.error is None and submitter.error is None
    submission = submitter.value
    assert asked[0] < holder.value <= submission.submitted_at < AT_ESCP_DEADLINE


def test_a_withdrawal_that_waits_for_a_lock_held_past_the_deadline_is_refused():
    deadline = AT_ESCP_DEADLINE
    submission = make_submission(make_user())
    consortium = submission.consortium
    locked = threading.Event()

    def withdraw():
        assert locked.wait(THREAD_TIMEOUT)
        return consortium_withdraw(consortium=consortium, user=consortium.owner)

    with time_machine.travel(deadline - timedelta(seconds=2), tick=True):
        holder, withdrawer = run_in_threads(
            lambda: hold_row_lock(consortium, locked=locked,
                                  until=deadline + timedelta(milliseconds=200)),
            withdraw,
            together=False,
        )

    assert holder.error is None
    assert isinstance(withdrawer.error, DeadlinePassed)
    submission.refresh_from_db()
    assert submission.withdrawn_at is None


def test_twenty_concurrent_submits_of_one_consortium_produce_exactly_one_submission():
    consortium = make_consortium(make_user())
    owner = consortium.owner

    def submit():
        return consortium_submit(consortium=Consortium.objects.get(pk=consortium.pk), user=owner)

    with time_machine.travel(A_MONTH_BEFORE_ESCP_DEADLINE, tick=True):
        outcomes = run_in_threads(*[submit] * 20)

    accepted = [outcome.value for outcome in outcomes if outcome.error is None]
    refusals = [outcome.error for outcome in outcomes if outcome.error is not None]
    assert len(accepted) == 1
    assert len(refusals) == 19 and all(isinstance(error, AlreadySubmitted) for error in refusals)
    assert list(Submission.objects.filter(consortium=consortium)) == accepted
    submitted = Event.objects.filter(consortium=consortium, action=Action.CONSORTIUM_SUBMITTED)
    assert submitted.count() == 1
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.SUBMITTED


# The edit that races the submit: every part of it changes something the snapshot keeps.
EDITED_PROJECT = {**ELIGIBLE_PROJECT, "acronym": "AFTER", "title": "After the edit",
                  "duration_months": 20}
RENAMED_PARTNER = "Cluster Norte (renamed)"
EDITED_MEMBERS = [
    {**member, "name": RENAMED_PARTNER} if member["name"] == "Cluster Norte" else member
    for member in ELIGIBLE_MEMBERS
]


def expected_after_edit(before: dict) -> dict:
    members = [
        {**member, "name": RENAMED_PARTNER} if member["name"] == "Cluster Norte" else member
        for member in before["members"]
    ]
    return {**before, "acronym": "AFTER", "title": "After the edit", "duration_months": 20,
            "members": members}


def bound_edit_forms(consortium: Consortium) -> tuple[ConsortiumForm, MemberFormSet]:
    """The consortium page's forms, filled in with the edit and validated, as the view has
    them just before it saves."""
    existing = list(consortium.members.order_by("-is_coordinator", "id"))
    data = form_data(EDITED_PROJECT, EDITED_MEMBERS, call=consortium.call, existing=existing)
    form = ConsortiumForm(data, instance=consortium)
    members = MemberFormSet(data, instance=consortium, prefix="members",
                            form_kwargs={"choices": MemberChoices.for_call(consortium.call)})
    assert form.is_valid() and members.is_valid(), (form.errors, members.errors)
    return form, members


def race_edit_and_submit(consortium: Consortium, *, first: str | None = None, pause: float = 0.5):
    """Start the edit and the submit of ``consortium`` together; with ``first``, that write
    pauses for ``pause`` seconds halfway, after it holds the row, and the other one starts
    only then. Returns (edit outcome, submit outcome)."""
    form, members = bound_edit_forms(consortium)
    owner = consortium.owner
    halfway = threading.Event()

    def edit():
        if first == "submit":
            assert halfway.wait(THREAD_TIMEOUT)
        return consortium_draft_save(
            consortium=form.instance, project=form.project_draft(),
            members=members.member_drafts(), removed=members.removed_members(), owner=owner,
        )

    def submit():
        if first == "edit":
            assert halfway.wait(THREAD_TIMEOUT)
        return consortium_submit(consortium=Consortium.objects.get(pk=consortium.pk), user=owner)

    def pausing(function):
        def paused(*args, **kwargs):
            result = function(*args, **kwargs)
            halfway.set()
            time.sleep(pause)
            return result
        return paused

    with pytest.MonkeyPatch.context() as patch:
        if first == "edit":
            # The project fields are written; the members are not yet.
            patch.setattr(services, "_project_save", pausing(services._project_save))
        elif first == "submit":
            # The row is locked and the rules are checked; the snapshot is not yet taken.
            patch.setattr(services, "_outcomes_in_every_language",
                          pausing(services._outcomes_in_every_language))
        return run_in_threads(edit, submit)


def assert_one_consistent_submission(consortium: Consortium, before: dict, edited, submitted):
    """The snapshot is the consortium before the edit or after it, never a mixture; the
    consortium ends as its submission keeps it; the record says what happened."""
    assert submitted.error is None, submitted.error
    submission = Submission.objects.get(consortium=consortium)
    after = expected_after_edit(before)
    if edited.error is None:
        assert submission.snapshot == after
    else:
        assert isinstance(edited.error, ConsortiumNotEditable)
        assert submission.snapshot == before
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.SUBMITTED
    assert consortium.snapshot() == submission.snapshot
    actions = list(Event.objects.filter(consortium=consortium).values_list("action", flat=True))
    edit_entries = [Action.CONSORTIUM_EDITED] if edited.error is None else []
    assert actions == [*edit_entries, Action.CONSORTIUM_SUBMITTED]


@pytest.mark.parametrize("first", ["edit", "submit"])
def test_an_edit_racing_a_submit_never_produces_a_snapshot_mixing_the_two(first):
    consortium = make_consortium(make_user())
    before = consortium.snapshot()

    with time_machine.travel(A_MONTH_BEFORE_ESCP_DEADLINE, tick=True):
        edited, submitted = race_edit_and_submit(consortium, first=first)

    assert (edited.error is None) == (first == "edit")
    assert_one_consistent_submission(consortium, before, edited, submitted)


def test_edits_and_submits_started_together_always_give_one_consistent_submission():
    owner = make_user()
    with time_machine.travel(A_MONTH_BEFORE_ESCP_DEADLINE, tick=True):
        for _round in range(8):
            consortium = make_consortium(owner)
            before = consortium.snapshot()
            edited, submitted = race_edit_and_submit(consortium)
            assert_one_consistent_submission(consortium, before, edited, submitted)


def test_two_ncps_reviewing_at_once_both_end_up_in_the_history():
    submission = make_submission(make_user())  # members in RO, PT and DE
    ncp_ro = make_ncp("ncp-ro@example.org", ["RO"])
    ncp_de = make_ncp("ncp-de@example.org", ["DE"])

    def reviews_by(reviewer, count: int = 5):
        return [
            review_record(submission=submission, reviewer=reviewer,
                          status="confirmed_eligible", comment=f"Review {number} by {reviewer}")
            for number in range(count)
        ]

    from_ro, from_de = run_in_threads(lambda: reviews_by(ncp_ro), lambda: reviews_by(ncp_de))

    assert from_ro.error is None and from_de.error is None
    reviews = Review.objects.filter(submission=submission).select_related("reviewer")
    recorded = {(review.reviewer.email, review.comment) for review in reviews}
    assert recorded == {(review.reviewer.email, review.comment)
                        for review in from_ro.value + from_de.value}
    assert len(recorded) == 10
    entries = Event.objects.filter(consortium=submission.consortium,
                                   action=Action.CONSORTIUM_REVIEWED)
    assert sorted(entry.details["review"] for entry in entries) == sorted(
        review.pk for review in from_ro.value + from_de.value
    )
    assert {entry.actor.email for entry in entries} == {"ncp-ro@example.org", "ncp-de@example.org"}
