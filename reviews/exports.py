"""The review queue as CSV and as XLSX: one row per submission, each rule's status a column.

Rows are read in chunks (``QuerySet.iterator``), a fixed number of queries per chunk, so
that a large export never sits in memory as a whole. Cells come from the submission's
snapshot and stored outcomes: what was submitted and checked, not the consortium as it is now.
"""
from collections.abc import Iterable, Iterator
import csv
from datetime import datetime
import re
import tempfile
from typing import TYPE_CHECKING, TypedDict
import zoneinfo

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from consortia.models import Submission, SubmissionQuerySet, snapshot_countries
from eligibility.rules import RULES

from .models import NOT_REVIEWED, snapshot_coordinator

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations


class QueueAnnotations(TypedDict):
    """What the queue and the exports add to each submission they read."""

    submitted_statuses: dict[str, str] | None
    review_status: str | None


CHUNK_SIZE = 1000
ZONE = zoneinfo.ZoneInfo("Europe/Brussels")
RULE_CODES = list(RULES)
HEADER = [
    "acronym", "call", "coordinator", "countries", "submitted_at", "verdict", "review_status",
    *RULE_CODES,
]
# A spreadsheet reads a cell starting with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Where a cell of the CSV may begin when a spreadsheet reads it with another separator than
# the comma (Excel's list separator is ";" in Romanian, a paste splits on TAB) or breaks its
# lines: after any of , ; TAB CR LF, past spaces and an opening quote.
CSV_CELL_START = re.compile(r"(^|[,;\t\r\n])([ \"]*)(?=[=+\-@\t\r])")


def _text(value: str) -> str:
    """``value`` as inert text: control characters a worksheet cannot hold are dropped, then
    a leading formula character is quoted away."""
    value = ILLEGAL_CHARACTERS_RE.sub("", value or "")
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _csv_cell(value):
    """A text cell inert wherever a spreadsheet may split it: each place a cell could begin
    with a formula character gets a quote mark (``'``) before that character."""
    return CSV_CELL_START.sub(r"\1\2'", value) if isinstance(value, str) else value


def _row(submission: "WithAnnotations[Submission, QueueAnnotations]", submitted_at) -> list:
    snapshot = submission.snapshot
    coordinator = snapshot_coordinator(snapshot) or {}
    statuses = submission.submitted_statuses or {}
    return [
        _text(snapshot.get("acronym", "")),
        _text(snapshot.get("call", "")),
        _text(coordinator.get("name", "")),
        " ".join(snapshot_countries(snapshot)),
        submitted_at,
        submission.verdict,
        submission.review_status or NOT_REVIEWED,
        *(statuses.get(code, "") for code in RULE_CODES),
    ]


def _submissions(
    queue: SubmissionQuerySet,
) -> "Iterator[WithAnnotations[Submission, QueueAnnotations]]":
    # Each rule's status comes from the database; the long stored wording is never read.
    fields = ["pk", "snapshot", "verdict", "submitted_at"]
    return queue.only(*fields).with_submitted_statuses().iterator(chunk_size=CHUNK_SIZE)


class _Line:
    """A file-like target for ``csv.writer`` that hands each line back instead of storing it."""

    def write(self, line: str) -> str:
        return line


def csv_lines(queue: SubmissionQuerySet) -> Iterable[str]:
    """The CSV export, line by line: a byte-order mark (so spreadsheet programs read UTF-8,
    and Romanian diacritics, correctly), the header, then one line per submission."""
    writer = csv.writer(_Line())
    yield "\ufeff" + writer.writerow(HEADER)
    for submission in _submissions(queue):
        # ISO 8601 in Brussels time, to the second, with its offset.
        submitted_at = submission.submitted_at.astimezone(ZONE).isoformat(timespec="seconds")
        yield writer.writerow([_csv_cell(cell) for cell in _row(submission, submitted_at)])


def xlsx_file(queue: SubmissionQuerySet, title: str):
    """The XLSX export in an anonymous temporary file, rewound; closing it deletes it.

    The workbook is written in openpyxl's write-only mode, row by row. Spreadsheet cells have
    no time zone: submission instants are written in Brussels time.
    """
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(HEADER)
    for submission in _submissions(queue):
        submitted_at = timezone.make_naive(submission.submitted_at, ZONE).replace(microsecond=0)
        sheet.append(_row(submission, submitted_at))
    target = tempfile.TemporaryFile(suffix=".xlsx")
    workbook.save(target)
    target.seek(0)
    return target


def export_filename(extension: str, now: datetime | None = None) -> str:
    moment = (now or timezone.now()).astimezone(ZONE)
    return f"review-queue-{moment:%Y%m%d-%H%M}.{extension}"
