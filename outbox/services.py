"""Writing e-mails into the outbox, and delivering them at most once without notice.

Writing (``messages_write``) happens inside the transaction of the change an e-mail reports,
and asks for delivery once that transaction commits: a Celery task on a worker when
``REDIS_URL`` is set, or at once in the same process when it is not (Celery runs its tasks
eagerly then). ``manage.py deliver_outbox`` and the admin's "retry now" deliver whatever is
due later.

Delivering one message:

1. *claim* it: pending and due -> ``sending``, with the claim's time, in a transaction of its
   own (``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL, so that deliverers running at
   once skip each other's rows; a conditional UPDATE settles the rest, on SQLite too);
2. hand it to the mail server;
3. mark it ``sent``, or back to ``pending`` with the next attempt pushed back (exponential
   backoff) and the error kept.

A process that dies between 1 and 3 leaves the row ``sending``. Whether the server took the
e-mail is then unknown, so it is never sent again silently: once the claim is older than
``OUTBOX_CLAIM_TIMEOUT``, the row becomes ``uncertain`` and a person decides, in the admin,
to send it again or to mark it sent.
"""
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
import logging

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import models, transaction
from django.utils import timezone

from .emails import Email
from .models import Kind, Message, Status

logger = logging.getLogger(__name__)

# Rows a deliverer claims at a time: one connection to the mail server per batch.
BATCH_SIZE = 50


@dataclass(frozen=True)
class Outgoing:
    """One e-mail to write: to whom, and what."""

    recipient: str
    email: Email


def messages_write(
    *, kind: Kind, outgoing: Iterable[Outgoing], related: dict, now: datetime | None = None,
) -> list[Message]:
    """Write one outbox row per e-mail of ``outgoing``, in the caller's transaction, and ask
    for their delivery once it commits (nothing is written nor sent if it rolls back)."""
    now = now or timezone.now()
    messages = Message.objects.bulk_create([
        Message(
            kind=kind, recipient=item.recipient, language=item.email.language,
            subject=item.email.subject[:255], body=item.email.body, related=related,
            created_at=now, next_attempt_at=now,
        )
        for item in outgoing
    ])
    if messages:
        transaction.on_commit(partial(delivery_request, [message.pk for message in messages]))
    return messages


def delivery_request(message_ids: list[int]) -> None:
    """Ask for the delivery of ``message_ids`` now: a task for a worker, or at once in this
    process without a broker. Never raises: a message not delivered stays pending, and
    ``deliver_outbox`` finds it."""
    from .tasks import deliver_messages  # the tasks module imports this one

    try:
        deliver_messages.delay(message_ids)
    except Exception:
        logger.exception("Could not ask for the delivery of the e-mails %s; they stay "
                         "pending for deliver_outbox", message_ids)


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: ``OUTBOX_RETRY_FIRST``
    seconds, doubled after each further failure, at most ``OUTBOX_RETRY_LONGEST``."""
    seconds = settings.OUTBOX_RETRY_FIRST * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_LONGEST))


def messages_claim(
    *, now: datetime, message_ids: Iterable[int] | None = None, limit: int = BATCH_SIZE,
) -> list[Message]:
    """Claim up to ``limit`` due messages (of ``message_ids`` only, when given) for this
    deliverer: each one is claimed by exactly one deliverer, whoever else is running."""
    due = Message.objects.due(now)
    if message_ids is not None:
        due = due.filter(pk__in=list(message_ids))
    with transaction.atomic():
        candidates = list(
            due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit]
        )
        claimed = [
            pk for pk in candidates
            if Message.objects.filter(pk=pk, status=Status.PENDING).update(
                status=Status.SENDING, claimed_at=now, attempts=models.F("attempts") + 1,
            )
        ]
    return list(Message.objects.filter(pk__in=claimed).order_by("next_attempt_at", "id"))


@dataclass
class Delivery:
    """What one delivery run did."""

    sent: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: int = 0


def messages_deliver(
    *, message_ids: Iterable[int] | None = None, now: datetime | None = None,
) -> Delivery:
    """Deliver the due messages (of ``message_ids`` only, when given), batch after batch,
    each claimed first. A run over everything due (``deliver_outbox``) first marks the stale
    claims uncertain. Never raises for a mail server that fails: the message stays pending,
    to be tried again later."""
    now = now or timezone.now()
    ids = None if message_ids is None else list(message_ids)
    delivery = Delivery(uncertain=stale_claims_settle(now=now) if ids is None else 0)
    # A failed message is not due again before its next attempt: the loop ends.
    while batch := messages_claim(now=now, message_ids=ids):
        _send_batch(batch, delivery)
    if delivery.failed:
        _retry_on_worker(delivery.failed)
    return delivery


def _send_batch(batch: list[Message], delivery: Delivery) -> None:
    try:
        connection = get_connection()
        connection.open()
    except Exception as error:
        for message in batch:
            _mark_failed(message, error)
            delivery.failed.append(message.pk)
        return
    try:
        for message in batch:
            try:
                connection.send_messages([
                    EmailMessage(message.subject, message.body, to=[message.recipient])
                ])
            except Exception as error:
                _mark_failed(message, error)
                delivery.failed.append(message.pk)
            else:
                _mark_sent(message)
                delivery.sent.append(message.pk)
    finally:
        try:
            connection.close()
        except Exception:
            logger.warning("Could not close the connection to the mail server", exc_info=True)


def _mark_sent(message: Message) -> None:
    marked = Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.SENT, sent_at=timezone.now(), last_error="",
    )
    if not marked:
        logger.warning("E-mail %s was sent after its claim had expired: it is marked "
                       "uncertain; mark it sent in the admin", message.pk)


def _mark_failed(message: Message, error: Exception) -> None:
    next_attempt_at = timezone.now() + retry_delay(message.attempts)
    Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
        status=Status.PENDING, claimed_at=None, next_attempt_at=next_attempt_at,
        last_error=f"{type(error).__name__}: {error}"[:2000],
    )
    logger.warning("Could not send e-mail %s (attempt %s): %s; next attempt at %s",
                   message.pk, message.attempts, error, next_attempt_at.isoformat())


def _retry_on_worker(message_ids: list[int]) -> None:
    """With workers, ask for each failed message again at its next attempt. (Without them,
    tasks run at once, so a later attempt is deliver_outbox's.)"""
    from .tasks import deliver_messages

    if deliver_messages.app.conf.task_always_eager:
        return
    for message in Message.objects.filter(pk__in=message_ids, status=Status.PENDING):
        try:
            deliver_messages.apply_async([[message.pk]], eta=message.next_attempt_at)
        except Exception:
            logger.exception("Could not schedule the next attempt of e-mail %s; "
                             "deliver_outbox will make it", message.pk)


def stale_claims_settle(*, now: datetime) -> int:
    """Mark uncertain the messages claimed more than ``OUTBOX_CLAIM_TIMEOUT`` ago and never
    settled (their deliverer died); how many."""
    claimed_before = now - timedelta(seconds=settings.OUTBOX_CLAIM_TIMEOUT)
    count = Message.objects.stale_claims(claimed_before).update(
        status=Status.UNCERTAIN,
        last_error="The process sending it stopped before saying whether the mail server "
                   "took it.",
    )
    if count:
        logger.error("%s e-mail(s) marked uncertain: check in the admin whether they "
                     "arrived, then retry or mark them sent", count)
    return count


def messages_retry(*, message_ids: Iterable[int], now: datetime | None = None) -> int:
    """Make pending or uncertain messages due now and ask for their delivery (after the
    caller's transaction commits); how many. A person's decision: an uncertain message may
    reach its recipient twice."""
    now = now or timezone.now()
    retried = Message.objects.filter(
        pk__in=list(message_ids), status__in=[Status.PENDING, Status.UNCERTAIN]
    )
    ids = list(retried.values_list("pk", flat=True))
    count = retried.update(status=Status.PENDING, next_attempt_at=now, claimed_at=None)
    if ids:
        transaction.on_commit(partial(delivery_request, ids))
    return count


def messages_mark_sent(*, message_ids: Iterable[int], now: datetime | None = None) -> int:
    """Mark uncertain messages sent (a person checked that they arrived); how many."""
    return Message.objects.filter(pk__in=list(message_ids), status=Status.UNCERTAIN).update(
        status=Status.SENT, sent_at=now or timezone.now(), claimed_at=None,
    )
