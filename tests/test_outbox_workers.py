"""The outbox with deliverers running at once, and with a real Celery worker: on PostgreSQL
with committed data, as in production (each thread and the worker have their own
connection)."""
from email import message_from_binary_file
import os
from pathlib import Path
import subprocess
import sys
import threading
import time

from celery import Celery
from django.conf import settings
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection, connections
from django.utils import timezone
import pytest

from outbox.emails import Email
from outbox.models import Kind, Message, Status
from outbox.services import Outgoing, messages_deliver, messages_write
from tests.committed_data import postgresql_only, transactional_db  # noqa: F401 (fixture)

pytestmark = [postgresql_only, pytest.mark.usefixtures("transactional_db")]

DELIVERERS = 4
MESSAGES = 40
# Redis database of these tests (the others are left to the rest of the suite).
WORKER_BROKER = "redis://127.0.0.1:6379/5"
WORKER_TIMEOUT = 60  # seconds for the worker to start and deliver


class SlowMailBackend(EmailBackend):
    """The test mail box, taking a little time per message so that deliverers overlap."""

    def send_messages(self, messages):
        time.sleep(0.005)
        return super().send_messages(messages)


def write(count: int) -> list[Message]:
    return messages_write(
        kind=Kind.SUBMISSION_ARRIVED,
        outgoing=[Outgoing(recipient=f"ncp{number}@example.org",
                           email=Email(subject=f"Submission {number}", body="Body",
                                       language="en"))
                  for number in range(count)],
        related={"submission": 1},
    )


def test_deliverers_running_at_once_send_each_e_mail_once(settings, monkeypatch):
    settings.EMAIL_BACKEND = "tests.test_outbox_workers.SlowMailBackend"
    # Written and committed without their first delivery: the deliverers below race for them.
    monkeypatch.setattr("outbox.services.delivery_request", lambda message_ids: None)
    write(MESSAGES)
    barrier = threading.Barrier(DELIVERERS)
    errors: list[BaseException] = []

    def deliverer():
        try:
            barrier.wait()
            messages_deliver()
        except BaseException as error:  # reported by the test below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliverer) for _ in range(DELIVERERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    recipients = sorted(address for sent in mail.outbox for address in sent.to)
    assert recipients == sorted(f"ncp{number}@example.org" for number in range(MESSAGES))
    assert set(Message.objects.values_list("status", "attempts")) == {(Status.SENT, 1)}


@pytest.fixture
def worker(tmp_path: Path):
    """A Celery worker against Redis database 5 and the test database, writing e-mails as
    files into a temporary folder; stopped afterwards."""
    database = connection.settings_dict
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "1",
        "SECRET_KEY": "tests-only-secret-key",
        "REDIS_URL": WORKER_BROKER,
        "DATABASE_URL": (f"postgres://{database['USER']}@{database['HOST']}:"
                         f"{database['PORT']}/{database['NAME']}"),
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(tmp_path),
    }
    Celery(broker=WORKER_BROKER).connection_for_write().default_channel.client.flushdb()
    process = subprocess.Popen(
        [sys.executable, "-m", "celery", "--app", "config", "worker", "--pool", "solo",
         "--loglevel", "WARNING", "--without-heartbeat", "--without-gossip",
         "--without-mingle"],
        cwd=settings.BASE_DIR, env=environment,
    )
    yield tmp_path
    process.terminate()
    process.wait(timeout=30)


def test_a_celery_worker_delivers_what_the_web_process_enqueued(worker, monkeypatch):
    monkeypatch.setattr("outbox.services.delivery_request", lambda message_ids: None)
    [message] = write(1)
    broker = Celery(broker=WORKER_BROKER)

    broker.send_task("outbox.deliver_messages", args=[[message.pk]])
    deadline = time.monotonic() + WORKER_TIMEOUT
    while time.monotonic() < deadline:
        message.refresh_from_db()
        if message.status == Status.SENT:
            break
        time.sleep(0.2)

    assert message.status == Status.SENT and message.sent_at <= timezone.now()
    [written] = list(worker.iterdir())
    with written.open("rb") as file:
        sent = message_from_binary_file(file)
    assert (sent["To"], sent["Subject"]) == ("ncp0@example.org", "Submission 0")
