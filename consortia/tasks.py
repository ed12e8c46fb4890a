"""Work the Celery workers take (config/celery.py)."""
from celery import shared_task
from celery.exceptions import Retry
from django.db import DatabaseError

from .services import recheck_run_chunk, recheck_run_chunk_give_up

# A chunk the database refused is tried again after 2, 4, 8, 16 and 32 seconds.
RECHECK_CHUNK_RETRIES = 5


@shared_task(bind=True, acks_late=True, max_retries=RECHECK_CHUNK_RETRIES)
def recheck_chunk(self, run_id: int, submission_ids: list[int]) -> Retry | None:
    """One chunk of a re-check run (``recheck_eligibility --workers``). If the database
    keeps refusing it, the chunk counts as failed, so that the run still ends."""
    try:
        recheck_run_chunk(run_id=run_id, submission_ids=submission_ids)
    except DatabaseError as error:
        if self.request.retries >= self.max_retries:
            recheck_run_chunk_give_up(run_id=run_id, submission_ids=submission_ids,
                                      reason=f"database: {error}")
            raise
        # On a worker, raising Retry puts the chunk back on the queue for later. Run at once
        # (no REDIS_URL), Celery runs it again when the task returns the Retry instead.
        retry = self.retry(exc=error, countdown=2 ** (self.request.retries + 1),
                           throw=not self.request.is_eager)
        return retry
    return None
