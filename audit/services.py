from typing import Any

from .models import Action, Event


def event_record(*, action: Action, actor=None, consortium=None, call=None,
                 details: dict[str, Any] | None = None) -> Event:
    """Add one entry to the record. Call it inside the transaction of the change it records."""
    actor = actor if actor is not None and actor.is_authenticated else None
    return Event.objects.create(
        action=action, actor=actor, consortium=consortium, call=call, details=details or {}
    )
