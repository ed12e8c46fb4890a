"""Celery tasks that deliver the outbox (on a worker with ``REDIS_URL``; in the asking
process without it)."""
from celery import shared_task

from .services import messages_deliver


@shared_task(name="outbox.deliver_messages", ignore_result=True)
def deliver_messages(message_ids: list[int]) -> list[int]:
    """Deliver these messages if they are still due and nobody else has claimed them;
    the ids sent."""
    return messages_deliver(message_ids=message_ids).sent


@shared_task(name="outbox.deliver_due", ignore_result=True)
def deliver_due() -> list[int]:
    """Deliver every due message (for a periodic schedule); the ids sent."""
    return messages_deliver().sent
