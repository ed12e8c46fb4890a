"""The outbox: every e-mail written with the change it reports, delivered once, retried with
backoff after a failure, and never sent twice without a person deciding."""
from datetime import timedelta
import json

from django.contrib.admin.sites import site as admin_site
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.test import RequestFactory
from django.utils import timezone
import pytest

from accounts.models import User
from config.celery import app as celery_app
from outbox.checks import site_url_set
from outbox.emails import Email
from outbox.models import Kind, Message, Status
from outbox.services import (
    Outgoing,
    messages_deliver,
    messages_mark_sent,
    messages_retry,
    messages_write,
    retry_delay,
)
from reviews.models import Review
from reviews.services import review_record
from tests.consortium_factories import make_user
from tests.review_factories import make_admin, make_ncp, make_submission

pytestmark = pytest.mark.django_db

BROKEN_BACKEND = "tests.test_outbox.BrokenMailBackend"


class BrokenMailBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("the mail server is down")


def write_messages(count: int, *, now=None) -> list[Message]:
    """``count`` pending e-mails, written and committed (their first delivery not run)."""
    return messages_write(
        kind=Kind.REVIEW_RECORDED,
        outgoing=[Outgoing(recipient=f"person{number}@example.org",
                           email=Email(subject=f"Subject {number}", body="Body", language="en"))
                  for number in range(count)],
        related={"review": 1}, now=now,
    )


@pytest.fixture
def reviewed(django_capture_on_commit_callbacks):
    """A submission of an applicant, and the contact point who reviews it."""
    applicant = make_user("applicant@example.org")
    submission = make_submission(applicant, acronym="TEXS3")
    mail.outbox.clear()
    return submission, make_ncp("ncp-ro@example.org", ["RO"])


def test_a_review_writes_its_e_mail_in_the_same_transaction(
    reviewed, django_capture_on_commit_callbacks
):
    submission, contact_point = reviewed
    with django_capture_on_commit_callbacks(execute=False):
        review = review_record(submission=submission, reviewer=contact_point,
                               status="confirmed_eligible", comment="")

    message = Message.objects.get(kind=Kind.REVIEW_RECORDED)
    assert (message.recipient, message.status, message.attempts) == (
        "applicant@example.org", Status.PENDING, 0)
    assert message.related == {"review": review.pk, "submission": submission.pk,
                               "consortium": submission.consortium_id}
    assert "TEXS3" in message.subject and mail.outbox == []


def test_an_e_mail_is_rolled_back_with_the_change_it_reports(reviewed):
    submission, contact_point = reviewed
    before = Message.objects.count()

    with pytest.raises(RuntimeError), transaction.atomic():
        review_record(submission=submission, reviewer=contact_point,
                      status="confirmed_eligible", comment="")
        raise RuntimeError("the change fails after the review was written")

    assert Review.objects.count() == 0
    assert Message.objects.count() == before


def test_a_failed_delivery_stays_pending_and_is_tried_again_later(settings):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    now = timezone.now()
    [message] = write_messages(1, now=now)

    messages_deliver(now=now)

    message.refresh_from_db()
    assert (message.status, message.attempts, message.sent_at) == (Status.PENDING, 1, None)
    assert message.last_error == "ConnectionRefusedError: the mail server is down"
    assert message.next_attempt_at >= now + timedelta(seconds=settings.OUTBOX_RETRY_FIRST)
    # Not due before its next attempt, even with the server back.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert messages_deliver(now=now + timedelta(seconds=30)).sent == []
    assert messages_deliver(now=message.next_attempt_at).sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == (Status.SENT, 2, "")
    assert [sent.to for sent in mail.outbox] == [["person0@example.org"]]


@pytest.mark.parametrize(("attempts", "seconds"), [
    (1, 60), (2, 120), (3, 240), (6, 1920), (7, 3600), (30, 3600),
])
def test_each_failure_doubles_the_wait_up_to_the_longest(settings, attempts, seconds):
    settings.OUTBOX_RETRY_FIRST, settings.OUTBOX_RETRY_LONGEST = 60, 3600

    assert retry_delay(attempts) == timedelta(seconds=seconds)


def test_deliver_outbox_sends_the_due_e_mails_once(capsys):
    now = timezone.now()
    due = write_messages(3, now=now - timedelta(minutes=5))
    later = write_messages(1, now=now + timedelta(hours=1))[0]

    call_command("deliver_outbox")
    call_command("deliver_outbox")

    assert sorted(sent.subject for sent in mail.outbox) == ["Subject 0", "Subject 1", "Subject 2"]
    assert "Sent 3, failed 0" in capsys.readouterr().out
    assert set(Message.objects.filter(pk__in=[m.pk for m in due])
               .values_list("status", flat=True)) == {Status.SENT}
    assert Message.objects.get(pk=later.pk).status == Status.PENDING


def test_an_e_mail_left_sending_by_a_crash_becomes_uncertain_and_is_not_sent_again(settings):
    now = timezone.now()
    [message] = write_messages(1, now=now - timedelta(hours=1))
    # A deliverer claimed it, then died before saying whether the server took it.
    claimed_at = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT + 1)
    Message.objects.filter(pk=message.pk).update(
        status=Status.SENDING, claimed_at=claimed_at, attempts=1,
    )

    delivery = messages_deliver(now=now)

    message.refresh_from_db()
    assert (delivery.uncertain, message.status) == (1, Status.UNCERTAIN)
    assert mail.outbox == []


def test_a_claim_younger_than_the_timeout_is_left_to_its_deliverer(settings):
    now = timezone.now()
    [message] = write_messages(1, now=now - timedelta(hours=1))
    Message.objects.filter(pk=message.pk).update(status=Status.SENDING, claimed_at=now)

    assert messages_deliver(now=now + timedelta(seconds=5)).uncertain == 0
    assert Message.objects.get(pk=message.pk).status == Status.SENDING
    assert mail.outbox == []


def test_a_person_can_send_an_uncertain_e_mail_again_or_mark_it_sent(
    django_capture_on_commit_callbacks
):
    first, second = write_messages(2, now=timezone.now() - timedelta(hours=1))
    Message.objects.update(status=Status.UNCERTAIN)

    with django_capture_on_commit_callbacks(execute=True):
        assert messages_retry(message_ids=[first.pk]) == 1
    assert messages_mark_sent(message_ids=[second.pk, first.pk]) == 1

    assert [sent.subject for sent in mail.outbox] == ["Subject 0"]
    assert set(Message.objects.values_list("status", flat=True)) == {Status.SENT}
    assert Message.objects.get(pk=second.pk).sent_at is not None


def test_the_admin_lists_the_outbox_by_status_and_retries_now(
    client, django_capture_on_commit_callbacks
):
    [message] = write_messages(1, now=timezone.now() + timedelta(hours=1))
    Message.objects.filter(pk=message.pk).update(last_error="SMTPServerDisconnected: gone")
    client.force_login(make_admin())

    listing = client.get("/admin/outbox/message/?status__exact=pending")
    assert listing.status_code == 200
    assert b"person0@example.org" in listing.content
    assert client.get("/admin/outbox/message/?status__exact=sent").content.count(
        b"person0@example.org") == 0
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post("/admin/outbox/message/", {
            "action": "retry_now", "_selected_action": [message.pk],
        })

    assert answer.status_code == 302
    assert Message.objects.get(pk=message.pk).status == Status.SENT
    assert [sent.to for sent in mail.outbox] == [["person0@example.org"]]


def test_marking_an_uncertain_e_mail_sent_in_the_admin_is_logged_with_who_did_it(
    client, caplog, django_capture_on_commit_callbacks
):
    [message] = write_messages(1)
    Message.objects.filter(pk=message.pk).update(status=Status.UNCERTAIN)
    admin = make_admin()
    client.force_login(admin)

    with django_capture_on_commit_callbacks(execute=True):
        client.post("/admin/outbox/message/", {
            "action": "mark_sent", "_selected_action": [message.pk],
        })

    assert Message.objects.get(pk=message.pk).status == Status.SENT
    assert mail.outbox == []
    [line] = [json.loads(record.getMessage()) for record in caplog.records
              if record.name == "eligibility.events"]
    assert line == {"event": "outbox_marked_sent", "messages": [message.pk], "by": admin.pk}


def test_the_admin_shows_an_e_mail_without_letting_it_be_changed():
    [message] = write_messages(1)
    request = RequestFactory().get("/")
    request.user = make_admin()
    admin = admin_site._registry[Message]

    assert not admin.has_add_permission(request)
    assert not admin.has_delete_permission(request, message)
    assert "body" in admin.get_readonly_fields(request, message)


def test_without_a_broker_the_e_mail_is_delivered_after_commit_in_the_same_process(
    reviewed, django_capture_on_commit_callbacks
):
    submission, contact_point = reviewed
    assert celery_app.conf.task_always_eager  # tests run without REDIS_URL

    with django_capture_on_commit_callbacks(execute=True):
        review_record(submission=submission, reviewer=contact_point,
                      status="confirmed_eligible", comment="")

    assert Message.objects.get(kind=Kind.REVIEW_RECORDED).status == Status.SENT
    assert [sent.to for sent in mail.outbox] == [["applicant@example.org"]]


@pytest.fixture
def with_a_broker():
    """Celery as with ``REDIS_URL``: tasks go to a worker instead of running at once."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


def test_with_a_broker_the_commit_enqueues_a_task_for_a_worker(
    reviewed, with_a_broker, monkeypatch, django_capture_on_commit_callbacks
):
    submission, contact_point = reviewed
    enqueued = []
    monkeypatch.setattr("outbox.tasks.deliver_messages.apply_async",
                        lambda args=None, kwargs=None, **options: enqueued.append(args))

    with django_capture_on_commit_callbacks(execute=True):
        review_record(submission=submission, reviewer=contact_point,
                      status="confirmed_eligible", comment="")

    message = Message.objects.get(kind=Kind.REVIEW_RECORDED)
    assert enqueued == [([message.pk],)]
    assert message.status == Status.PENDING and mail.outbox == []


def test_a_broker_that_cannot_be_reached_leaves_the_e_mail_pending_for_deliver_outbox(
    reviewed, monkeypatch, django_capture_on_commit_callbacks
):
    submission, contact_point = reviewed

    def unreachable(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("outbox.tasks.deliver_messages.delay", unreachable)
    with django_capture_on_commit_callbacks(execute=True):
        review = review_record(submission=submission, reviewer=contact_point,
                               status="confirmed_eligible", comment="")

    assert Review.objects.get() == review
    assert Message.objects.get(kind=Kind.REVIEW_RECORDED).status == Status.PENDING
    call_command("deliver_outbox")
    assert [sent.to for sent in mail.outbox] == [["applicant@example.org"]]


def test_with_a_broker_a_failed_delivery_is_scheduled_on_the_worker_at_its_next_attempt(
    settings, with_a_broker, monkeypatch
):
    settings.EMAIL_BACKEND = BROKEN_BACKEND
    scheduled = []
    monkeypatch.setattr("outbox.tasks.deliver_messages.apply_async",
                        lambda args=None, kwargs=None, **options: scheduled.append(
                            (args, options)))
    [message] = write_messages(1)

    messages_deliver(message_ids=[message.pk])

    message.refresh_from_db()
    assert scheduled == [([[message.pk]], {"eta": message.next_attempt_at})]


@pytest.mark.parametrize(("change", "constraint"), [
    ({"status": "lost"}, "outbox_message_status_valid"),
    ({"kind": "newsletter"}, "outbox_message_kind_valid"),
    ({"status": Status.SENT}, "outbox_message_sent_when_sent_at"),
    ({"sent_at": timezone.now()}, "outbox_message_sent_when_sent_at"),
    ({"status": Status.SENDING}, "outbox_message_sending_is_claimed"),
])
def test_the_database_refuses_an_outbox_row_in_an_impossible_state(change, constraint):
    [message] = write_messages(1)

    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        Message.objects.filter(pk=message.pk).update(**change)


def test_the_database_refuses_a_language_the_site_does_not_offer():
    user = make_user()

    with pytest.raises(IntegrityError, match="user_language_offered"), transaction.atomic():
        User.objects.filter(pk=user.pk).update(language="xx")


def test_without_site_url_outside_development_a_check_warns_that_links_have_no_address(
    settings
):
    settings.DEBUG, settings.SITE_URL = False, ""

    assert [warning.id for warning in site_url_set(None)] == ["outbox.W001"]
    settings.SITE_URL = "https://check.example.org"
    assert site_url_set(None) == []
