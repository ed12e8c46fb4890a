"""python manage.py recheck_eligibility --call REF [--chunk-size N] [--no-progress]

Runs the call's current rules again over every standing submission of the call, stores each
result beside the submission (never changing it), and reports what changed.
"""
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import F

from calls.models import Call
from consortia.models import OutcomeStatuses
from consortia.services import call_submissions_recheck


class ProgressBar:
    """A textual progress bar on stderr: redrawn in place on a terminal, a line per tenth
    otherwise (logs, pipes)."""

    WIDTH = 30

    def __init__(self, stream):
        self.stream = stream
        self.started = time.perf_counter()
        self.on_terminal = stream.isatty()
        self.last_tenth = -1

    def __call__(self, done: int, total: int) -> None:
        fraction = done / total if total else 1.0
        tenth = int(fraction * 10)
        if not self.on_terminal and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        elapsed = time.perf_counter() - self.started
        rate = done / elapsed if elapsed > 0 else 0.0
        filled = int(fraction * self.WIDTH)
        bar = "#" * filled + "." * (self.WIDTH - filled)
        line = f"[{bar}] {done:,}/{total:,} consortia, {rate:,.0f}/s"
        if self.on_terminal:
            self.stream.write("\r" + line, ending="\n" if done >= total else "")
        else:
            self.stream.write(line)
        self.stream.flush()


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
                            help="do not draw the progress bar on stderr")

    def handle(self, *args, call: str, chunk_size: int, no_progress: bool, **options):
        found = Call.objects.by_reference(call).first()
        if found is None:
            raise CommandError(f"No call {call!r}.")
        if chunk_size < 1:
            raise CommandError("--chunk-size must be at least 1.")
        progress = None if no_progress else ProgressBar(self.stderr)
        started = time.perf_counter()
        summary = call_submissions_recheck(call=found, chunk_size=chunk_size, progress=progress)
        elapsed = time.perf_counter() - started
        rate = summary.checked / elapsed if elapsed > 0 else 0.0
        self.stdout.write(
            f"{found.reference}: {summary.checked:,} submissions re-checked in {elapsed:.1f} s "
            f"({rate:,.0f}/s) against parameters {summary.call_parameters_hash[:12]}, "
            f"checked at {summary.checked_at.isoformat(timespec='seconds')}."
        )
        self.stdout.write(
            f"Unchanged: {summary.unchanged:,}. Changed: {summary.changed:,}, of which "
            f"{summary.verdict_changed:,} changed verdict."
        )
        if not summary.verdict_changed:
            return
        self.stdout.write("Consortia whose verdict changed (submission id, acronym, "
                          "verdict submitted -> now, rules whose status changed):")
        changed = (
            summary.rechecks()
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
