"""Finding 13 of the security review: a submit or withdrawal records the instant its request
arrived and the instant it was judged (after the row lock), logs both, and a refusal says
which one counted (docs/SECURITY.md, section 7)."""
from datetime import datetime, timedelta
import logging

from django.urls import reverse
import pytest
import time_machine

from consortia import services
from consortia.services import DeadlinePassed, consortium_submit, consortium_withdraw
from tests.consortium_factories import (
    AT_ESCP_DEADLINE,
    BEFORE_ESCP_DEADLINE,
    make_consortium,
    make_user,
)
from tests.log_lines import event_fields
from tests.review_factories import make_submission

pytestmark = pytest.mark.django_db


def logged(caplog) -> list[dict]:
    return [event_fields(record) for record in caplog.records
            if record.name == "eligibility.events"]


def test_a_submit_that_arrived_in_time_but_was_judged_late_says_both_instants(caplog):
    consortium = make_consortium(make_user())

    with caplog.at_level(logging.INFO, logger="eligibility.events"), \
            pytest.raises(DeadlinePassed) as refused:
        consortium_submit(consortium=consortium, user=consortium.owner,
                          now=AT_ESCP_DEADLINE + timedelta(seconds=2),
                          arrived_at=BEFORE_ESCP_DEADLINE)

    assert str(refused.value) == (
        "Your request arrived at 2018-03-08 16:59:59 CET, before the deadline "
        "(2018-03-08 17:00:00 CET), but could only be judged at 2018-03-08 17:00:02 CET, after "
        "it: the instant a request is judged counts. Nothing was submitted or withdrawn."
    )
    line = logged(caplog)[-1]
    assert (line["event"], line["reason"]) == ("submission_refused", "deadline_passed")
    assert line["arrived_at"] == BEFORE_ESCP_DEADLINE.isoformat()
    assert line["at"] == (AT_ESCP_DEADLINE + timedelta(seconds=2)).isoformat()


def test_a_request_that_arrived_after_the_deadline_gets_the_plain_refusal():
    consortium = make_consortium(make_user())

    with pytest.raises(DeadlinePassed) as refused:
        consortium_submit(consortium=consortium, user=consortium.owner, now=AT_ESCP_DEADLINE,
                          arrived_at=AT_ESCP_DEADLINE)

    assert str(refused.value).startswith("The call's deadline has passed")


def test_a_withdrawal_judged_late_names_both_instants_too():
    submission = make_submission(make_user())

    with pytest.raises(DeadlinePassed) as refused:
        consortium_withdraw(consortium=submission.consortium, user=submission.consortium.owner,
                            now=AT_ESCP_DEADLINE, arrived_at=BEFORE_ESCP_DEADLINE)

    assert "arrived at 2018-03-08 16:59:59 CET" in str(refused.value)


def test_through_the_page_the_instant_the_request_arrived_is_taken_before_it_waits(
    client, monkeypatch, caplog
):
    consortium = make_consortium(make_user())
    client.force_login(consortium.owner)
    locked = services._locked
    with time_machine.travel(BEFORE_ESCP_DEADLINE, tick=False) as clock:
        def waits_for_the_lock(consortium):
            clock.shift(timedelta(seconds=3))  # another write held the row past the deadline
            return locked(consortium)

        monkeypatch.setattr(services, "_locked", waits_for_the_lock)
        with caplog.at_level(logging.INFO, logger="eligibility.events"):
            response = client.post(reverse("consortia:submit", args=[consortium.pk]), follow=True)

    page = response.content.decode()
    assert "arrived at 2018-03-08 16:59:59 CET, before the deadline" in page
    assert "judged at 2018-03-08 17:00:02 CET" in page
    line = logged(caplog)[-1]
    assert datetime.fromisoformat(line["arrived_at"]) == BEFORE_ESCP_DEADLINE
    assert datetime.fromisoformat(line["at"]) == BEFORE_ESCP_DEADLINE + timedelta(seconds=3)
    assert not consortium.submissions.exists()


def test_an_accepted_submission_logs_when_it_arrived_beside_when_it_was_judged(
    client, caplog, django_capture_on_commit_callbacks
):
    consortium = make_consortium(make_user())
    client.force_login(consortium.owner)

    with time_machine.travel(BEFORE_ESCP_DEADLINE - timedelta(days=1), tick=False), \
            caplog.at_level(logging.INFO, logger="eligibility.events"), \
            django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("consortia:submit", args=[consortium.pk]))

    line = logged(caplog)[-1]
    assert line["event"] == "consortium_submitted"
    assert datetime.fromisoformat(line["arrived_at"]) == \
        datetime.fromisoformat(line["submitted_at"]) == BEFORE_ESCP_DEADLINE - timedelta(days=1)
