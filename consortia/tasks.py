"""Work the Celery workers take (config/celery.py)."""
from celery import shared_task

from .services import recheck_run_chunk


@shared_task(acks_late=True)
def recheck_chunk(run_id: int, submission_ids: list[int]) -> None:
    """One chunk of a re-check run (``recheck_eligibility --workers``)."""
    recheck_run_chunk(run_id=run_id, submission_ids=submission_ids)
