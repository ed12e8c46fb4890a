"""python manage.py recheck_eligibility --call REF [--workers] [--chunk-size N] [--no-progress]

Runs the call's current rules again over every standing submission of the call, stores each
result beside the submission (never changing it), and reports what changed. With --workers
the chunks are handed to the Celery workers and the command follows the run until every
chunk is done.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from calls.models import Call
from config.progress import Progress
from consortia.models import OutcomeStatuses, RecheckRun
from consortia.services import call_submissions_recheck, call_submissions_recheck_on_workers

# How often the command looks at a run on the workers.
POLL_SECONDS = 0.5


class Command(BaseCommand):
    help = (
        "Re-check every submitted consortium of a call against the call's current parameters "
        "(for example after a corrected fixture). The results are stored beside the "
        "submissions, which stay as they were submitted; the command reports how many changed "
        "and lists the consortia whose verdict changed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--call", required=True, metavar="REF",
                            help="the call's reference (or its alternative spelling)")
        parser.add_argument("--chunk-size", type=int, default=2000, metavar="N",
                            help="submissions read and written per batch (default 2000)")
        parser.add_argument("--no-progress", action="store_true",
                            help="do not show the progress on stderr")
        parser.add_argument("--workers", action="store_true",
                            help="hand the chunks to the Celery workers (with REDIS_URL; "
                                 "without it they run here) and wait until all are done; "
                                 "start them first (make worker). Interrupting the command "
                                 "does not stop the run: its progress stays in the admin")

    def handle(self, *args, call: str, chunk_size: int, no_progress: bool, workers: bool,
               **options):
        found = Call.objects.by_reference(call).first()
        if found is None:
            raise CommandError(f"No call {call!r}.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        started = time.perf_counter()
        if workers:
            run = self.run_on_workers(found, chunk_size, show_progress=not no_progress)
        else:
            progress = None if no_progress else Progress(
                0, label="consortia", stream=self.stderr
            )
            run = call_submissions_recheck(
                call=found, chunk_size=chunk_size, progress=progress
            )
            if progress:
                progress.finish()
        elapsed = time.perf_counter() - started
        rate = run.checked / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"{found.reference}: {run.checked:,} submissions re-checked in {elapsed:.1f} s "
            f"({rate:,.0f}/s) against parameters {run.call_parameters_hash[:12]}, "
            f"checked at {run.checked_at.isoformat(timespec='seconds')}."
        )
        self.stdout.write(
            f"Unchanged: {run.unchanged:,}. Changed: {run.changed:,}, of which "
            f"{run.verdict_changed:,} changed verdict."
        )
        if not run.verdict_changed:
            return
        self.stdout.write("Consortia whose verdict changed (submission id, acronym, "
                          "verdict submitted -> now, rules whose status changed):")
        changed = (
            run.rechecks()
            .exclude(verdict=F("submission__verdict"))
            .annotate(
                now=OutcomeStatuses("outcomes"), before=OutcomeStatuses("submission__outcomes")
            )
            .values_list("submission_id", "submission__consortium__acronym",
                         "submission__verdict", "verdict", "now", "before")
        )
        # In a transaction, so that PostgreSQL streams the rows through a server-side cursor.
        with transaction.atomic():
            for submission_id, acronym, was, verdict, now, before in changed.iterator(
                chunk_size=chunk_size
            ):
                rules = ", ".join(
                    f"{rule} {before.get(rule, '-')}->{status}"
                    for rule, status in now.items() if before.get(rule) != status
                )
                self.stdout.write(f"  {submission_id} {acronym}: {was} -> {verdict} ({rules})")

    def run_on_workers(self, call: Call, chunk_size: int, *, show_progress: bool) -> RecheckRun:
        """Start the run on the workers and follow it, chunk by chunk, until it ends."""
        run = call_submissions_recheck_on_workers(call=call, chunk_size=chunk_size)
        self.stderr.write(
            f"Re-check run {run.pk}: {run.submissions:,} submissions in {run.chunks:,} chunks "
            "handed to the workers (its progress is also in the admin)."
        )
        progress = Progress(run.chunks, label="chunks", stream=self.stderr) if (
            show_progress
        ) else None
        while True:
            run.refresh_from_db()
            if progress:
                progress.update(run.chunks_done + run.chunks_failed)
            if run.is_finished:
                break
            time.sleep(POLL_SECONDS)
        if progress:
            progress.finish()
        if run.chunks_failed:
            raise CommandError(
                f"{run.chunks_failed:,} of {run.chunks:,} chunks were not checked (the log's "
                "recheck_chunk_failed lines say why: the call's parameters changed during the "
                "run, or the database refused the chunk). Run the re-check again."
            )
        return run
