"""E-mails and structured log lines once a submission or a review is committed; a mail server
that fails loses neither, and the e-mail waits in the outbox for its next attempt."""
import json
import logging

from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
import pytest

from consortia.models import Submission
from outbox.models import Message, Status
from reviews.models import Review
from reviews.services import review_record
from tests.consortium_factories import make_consortium, make_user
from tests.review_factories import (
    WITH_ROMANIAN_COORDINATOR,
    WITHOUT_ROMANIAN_MEMBER,
    make_ncp,
    make_submission,
    submit,
)

pytestmark = pytest.mark.django_db

BROKEN_BACKEND = "tests.test_notifications.BrokenMailBackend"


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that is down."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


@pytest.fixture
def contact_points():
    return {
        "ro": make_ncp("ncp-ro@example.org", ["RO"]),
        "de_at": make_ncp("ncp-de-at@example.org", ["DE", "AT"]),
        "fr": make_ncp("ncp-fr@example.org", ["FR"]),
        "ro_pt": make_ncp("ncp-ro-pt@example.org", ["RO", "PT"]),
    }


def events_logged(caplog) -> list[dict]:
    return [json.loads(record.getMessage()) for record in caplog.records
            if record.name == "eligibility.events"]


def test_the_ncps_of_the_countries_involved_each_get_an_e_mail_when_a_submission_arrives(
    contact_points, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submission = make_submission(make_user(), WITH_ROMANIAN_COORDINATOR, acronym="TEXS3")

    recipients = sorted(address for message in mail.outbox for address in message.to)
    assert recipients == ["ncp-de-at@example.org", "ncp-ro-pt@example.org", "ncp-ro@example.org"]
    message = mail.outbox[0]
    assert "TEXS3" in message.subject and "COS-CLUSTPARTNS-2017-3-02" in message.subject
    assert f"/reviews/submissions/{submission.pk}/" in message.body
    assert all(len(message.to) == 1 for message in mail.outbox)  # nobody sees the others


def test_the_e_mail_gives_the_submission_time_in_brussels_time(
    contact_points, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        make_submission(make_user(), WITH_ROMANIAN_COORDINATOR)  # 2018-02-08 09:00 UTC

    assert "Submitted at: 2018-02-08 10:00 (Brussels time)" in mail.outbox[0].body


def test_no_e_mail_leaves_before_the_submission_is_committed(
    contact_points, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        make_submission(make_user(), WITH_ROMANIAN_COORDINATOR)

    assert mail.outbox == []
    assert len(callbacks) == 2  # the delivery and the log line
    assert set(Message.objects.values_list("status", flat=True)) == {Status.PENDING}


def test_an_inactive_ncp_gets_no_e_mail(contact_points, django_capture_on_commit_callbacks):
    contact_points["de_at"].is_active = False
    contact_points["de_at"].save()

    with django_capture_on_commit_callbacks(execute=True):
        make_submission(make_user(), WITHOUT_ROMANIAN_MEMBER)

    assert [message.to for message in mail.outbox] == [["ncp-ro-pt@example.org"]]  # for PT


def test_the_applicant_gets_an_e_mail_when_a_review_is_recorded(
    contact_points, django_capture_on_commit_callbacks
):
    applicant = make_user("applicant@example.org")
    submission = make_submission(applicant, acronym="TEXS3")
    with django_capture_on_commit_callbacks(execute=True):
        review_record(submission=submission, reviewer=contact_points["ro"],
                      status="clarification_requested", comment="Which ECCP profile?")

    [message] = mail.outbox
    assert message.to == ["applicant@example.org"]
    assert "TEXS3" in message.subject
    assert "Clarification requested" in message.body and "Which ECCP profile?" in message.body
    assert f"/consortia/{submission.consortium_id}/submissions/{submission.pk}/" in message.body


def test_a_failing_mail_server_does_not_lose_the_review_and_is_logged(
    contact_points, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    submission = make_submission(make_user())

    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        with django_capture_on_commit_callbacks(execute=True):
            review = review_record(submission=submission, reviewer=contact_points["ro"],
                                   status="confirmed_eligible", comment="")

    assert Review.objects.get() == review
    message = Message.objects.get(related__review=review.pk)
    assert (message.status, message.attempts) == (Status.PENDING, 1)
    assert "the mail server is down" in message.last_error
    failures = [record for record in caplog.records if record.name == "outbox.services"]
    assert f"Could not send e-mail {message.pk}" in failures[0].getMessage()


def test_a_failing_mail_server_does_not_lose_the_submission_and_is_logged(
    contact_points, settings, caplog, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    consortium = make_consortium(make_user(), members=WITH_ROMANIAN_COORDINATOR)

    with caplog.at_level(logging.WARNING, logger="outbox.services"):
        with django_capture_on_commit_callbacks(execute=True):
            submission = submit(consortium)

    assert Submission.objects.active().get() == submission
    assert sorted(Message.objects.filter(related__submission=submission.pk)
                  .values_list("recipient", "status")) == [
        ("ncp-de-at@example.org", Status.PENDING), ("ncp-ro-pt@example.org", Status.PENDING),
        ("ncp-ro@example.org", Status.PENDING),
    ]
    assert sum("Could not send e-mail" in record.getMessage()
               for record in caplog.records) == 3


def test_each_submission_and_review_writes_one_json_log_line(
    contact_points, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO, logger="eligibility.events"):
        with django_capture_on_commit_callbacks(execute=True):
            submission = make_submission(make_user(), acronym="TEXS3")
        with django_capture_on_commit_callbacks(execute=True):
            review = review_record(submission=submission, reviewer=contact_points["ro"],
                                   status="confirmed_eligible", comment="")

    submitted, reviewed = events_logged(caplog)
    assert submitted == {
        "event": "consortium_submitted", "submission": submission.pk,
        "consortium": submission.consortium_id, "call": "COS-CLUSTPARTNS-2017-3-02",
        "verdict": "eligible", "countries": ["RO", "PT", "DE"],
        "submitted_at": submission.submitted_at.isoformat(),
        "arrived_at": submission.submitted_at.isoformat(),
    }
    assert reviewed["event"] == "consortium_reviewed"
    assert (reviewed["review"], reviewed["submission"], reviewed["status"]) == (
        review.pk, submission.pk, "confirmed_eligible"
    )
