import json
import logging
from typing import Any

from .models import Action, Event

# One log line per event for whoever follows the service's activity (submissions,
# withdrawals, refusals, reviews); the record (Event) is the database's account of the same.
events_logger = logging.getLogger("eligibility.events")


def event_record(*, action: Action, actor=None, consortium=None, call=None,
                 details: dict[str, Any] | None = None) -> Event:
    """Add one entry to the record. Call it inside the transaction of the change it records."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return Event.objects.create(
        action=action, actor=actor, consortium=consortium, call=call, details=details or {}
    )


def admin_change_record(*, actor, instance, operation: str, changes: list | str) -> Event:
    """Put a change made in the Django admin on the record: what was ``operation`` (added,
    changed or deleted), the object, and Django's description of the change (the fields
    changed, and the inline rows added, changed or deleted, named in English as Django's
    admin log names them). Called inside the admin's transaction, before a deletion."""
    deleting = operation == "deleted"
    # The entry links the consortium or call it is about: the models its keys point to,
    # which the record names without importing the apps above it.
    return event_record(
        action=Action.CHANGED_IN_ADMIN, actor=actor,
        consortium=instance if _is_kept(instance, "consortium", deleting) else None,
        call=instance if _is_kept(instance, "call", deleting) else None,
        details={
            "model": instance._meta.label_lower, "object": str(instance), "pk": instance.pk,
            "operation": operation,
            "changes": json.loads(json.dumps(changes if isinstance(changes, list) else [],
                                             default=str)),
        },
    )


def _is_kept(instance, key: str, deleting: bool) -> bool:
    """Whether ``instance`` is what the entry's ``key`` points to, and stays to be pointed to."""
    model = Event._meta.get_field(key).related_model
    return not deleting and model is not None and isinstance(instance, model)


def event_log(name: str, **fields: Any) -> None:
    """Write one structured log line: the event's ``name`` as its message, and ``event`` and
    each of ``fields`` as keys of the line's JSON object (LOGGING's formatter). Call it once
    the change it reports is committed (``transaction.on_commit``), or at once for a refusal,
    which changes nothing. A field must not be named as a log record's own attributes
    (``name``, ``message``, ...): logging refuses it."""
    events_logger.info(name, extra={"event": name, **fields})
