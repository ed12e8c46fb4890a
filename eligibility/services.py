"""Checking a saved consortium against its call."""
from datetime import datetime

from django.utils import timezone

from .engine import Report, evaluate
from .facts import call_parameters, facts_from_consortium


def check_consortium(consortium, *, as_of: datetime | None = None) -> Report:
    """The eligibility report of ``consortium`` for its call at ``as_of`` (default: now)."""
    return evaluate(
        facts_from_consortium(consortium),
        call_parameters(consortium.call),
        as_of=as_of or timezone.now(),
    )
