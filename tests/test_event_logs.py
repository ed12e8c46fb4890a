"""Structured logs: one JSON line on the ``eligibility.events`` logger for every submission,
withdrawal, refused submission or withdrawal, and review, written once it is committed.
(The submission's and the review's lines are checked field by field in
tests/test_notifications.py.)"""
from datetime import datetime
import io
import json
import logging

import pytest

from audit.services import event_log
from consortia.services import DeadlinePassed, consortium_submit, consortium_withdraw
from reviews.services import review_record
from tests.consortium_factories import (
    A_MONTH_BEFORE_ESCP_DEADLINE,
    AT_ESCP_DEADLINE,
    make_consortium,
    make_user,
)
from tests.log_lines import event_fields, line_formatter
from tests.review_factories import make_ncp, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(caplog):
    """The JSON objects logged on ``eligibility.events`` so far, in order."""
    caplog.set_level(logging.INFO, logger="eligibility.events")
    return lambda: [event_fields(record) for record in caplog.records
                    if record.name == "eligibility.events"]


def test_a_submission_its_review_and_its_withdrawal_each_write_one_line_once_committed(
    logged, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = make_submission(make_user())
    with django_capture_on_commit_callbacks(execute=True):
        review_record(submission=submission, reviewer=make_ncp("ncp@example.org", ["RO"]),
                      status="confirmed_eligible", comment="")
    with django_capture_on_commit_callbacks(execute=False) as pending:
        consortium_withdraw(consortium=submission.consortium, user=submission.consortium.owner,
                            now=A_MONTH_BEFORE_ESCP_DEADLINE)

    assert [line["event"] for line in logged()] == ["consortium_submitted", "consortium_reviewed"]
    for callback in pending:
        callback()
    withdrawn = logged()[-1]
    assert withdrawn == {
        "event": "consortium_withdrawn", "submission": submission.pk,
        "consortium": submission.consortium_id, "call": "COS-CLUSTPARTNS-2017-3-02",
        "withdrawn_at": A_MONTH_BEFORE_ESCP_DEADLINE.isoformat(),
        "arrived_at": A_MONTH_BEFORE_ESCP_DEADLINE.isoformat(),
    }


def test_a_late_submission_is_refused_and_logged_with_the_instant_it_was_judged_at(logged):
    consortium = make_consortium(make_user())

    with pytest.raises(DeadlinePassed):
        consortium_submit(consortium=consortium, user=consortium.owner, now=AT_ESCP_DEADLINE)

    assert logged() == [{
        "event": "submission_refused", "reason": "deadline_passed", "consortium": consortium.pk,
        "call": "COS-CLUSTPARTNS-2017-3-02", "user": consortium.owner.pk,
        "at": AT_ESCP_DEADLINE.isoformat(), "arrived_at": AT_ESCP_DEADLINE.isoformat(),
    }]


def test_a_late_withdrawal_is_refused_and_logged(logged):
    submission = make_submission(make_user())

    with pytest.raises(DeadlinePassed):
        consortium_withdraw(consortium=submission.consortium, user=submission.consortium.owner,
                            now=AT_ESCP_DEADLINE)

    assert [(line["event"], line["reason"]) for line in logged() if "reason" in line] == [
        ("withdrawal_refused", "deadline_passed")
    ]


def test_every_log_line_is_one_json_object_a_log_shipper_can_read(rf):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(line_formatter())
    events, requests = logging.getLogger("eligibility.events"), logging.getLogger("django.request")
    for logger in (events, requests):
        logger.addHandler(handler)
    try:
        event_log("consortium_submitted", consortium=7, countries=["RO", "ȚȘ"])
        requests.warning("Bad Request: %s", "/api",
                         extra={"request": rf.get("/api"), "status_code": 400})
        try:
            raise ValueError("line one\nline two")
        except ValueError:
            requests.exception("Internal Server Error: %s", "/")
    finally:
        for logger in (events, requests):
            logger.removeHandler(handler)

    event, warning, error = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert {key: event[key] for key in ("level", "logger", "message")} == {
        "level": "INFO", "logger": "eligibility.events", "message": "consortium_submitted",
    }
    assert (event["event"], event["consortium"], event["countries"]) == (
        "consortium_submitted", 7, ["RO", "ȚȘ"]
    )
    assert datetime.fromisoformat(event["time"]).tzinfo is not None
    assert (warning["message"], warning["status_code"]) == ("Bad Request: /api", 400)
    assert error["message"] == "Internal Server Error: /"
    assert "line one\nline two" in error["exc_info"]
