"""The review queue as CSV and XLSX: the right columns, diacritics intact, the current filters,
streamed, a fixed number of queries per chunk."""
import csv
from datetime import datetime
import io

from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
import pytest

from reviews import exports
from reviews.exports import RULE_CODES
from reviews.services import review_record
from tests.consortium_factories import make_user
from tests.review_factories import (
    WITHOUT_ROMANIAN_MEMBER,
    copy_submission,
    make_admin,
    make_ncp,
    make_submission,
    member,
)

pytestmark = pytest.mark.django_db

FIRST_COLUMNS = ["acronym", "call", "coordinator", "countries", "submitted_at", "verdict",
                 "review_status"]
DIACRITICS = "Asociația Clusterul Textil Ținutul Sătmarului, Târgu Mureș, înființată în 2010"


@pytest.fixture
def ncp():
    return make_ncp("ncp-ro@example.org", ["RO"])


@pytest.fixture
def submission():
    return make_submission(make_user(), acronym="ȚESĂTURI", members=[
        member(DIACRITICS, "RO", "RO11", coordinator=True),
        member("Cluster Norte", "PT", "PT11"),
        member("Netzwerk Dresden", "DE", "DED2"),
    ])


def csv_of(response) -> tuple[bytes, list[dict]]:
    body = b"".join(response.streaming_content)
    return body, list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def workbook_of(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_the_csv_opens_with_a_byte_order_mark_and_the_columns_of_the_queue_then_each_rule(
    client, ncp, submission
):
    client.force_login(ncp)

    response = client.get(reverse("reviews:export_csv"))

    body, rows = csv_of(response)
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="review-queue-')
    assert body.startswith(b"\xef\xbb\xbf")
    header = next(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert header == FIRST_COLUMNS + RULE_CODES
    assert len(rows) == 1


def test_the_csv_row_keeps_romanian_diacritics_and_each_rule_s_status(client, ncp, submission):
    client.force_login(ncp)

    _body, [row] = csv_of(client.get(reverse("reviews:export_csv")))

    assert row["acronym"] == "ȚESĂTURI"
    assert row["coordinator"] == DIACRITICS
    assert all(letter in row["coordinator"] for letter in "șțăâîȚ")
    assert row["call"] == "COS-CLUSTPARTNS-2017-3-02"
    assert row["countries"] == "RO PT DE"
    assert datetime.fromisoformat(row["submitted_at"]) == submission.submitted_at
    assert row["submitted_at"].endswith("+01:00")  # Brussels time in February
    assert (row["verdict"], row["review_status"]) == ("eligible", "not_reviewed")
    for outcome in submission.outcomes:
        assert row[outcome["rule"]] == outcome["status"]


def test_the_csv_shows_the_latest_review_status(client, ncp, submission):
    review_record(submission=submission, reviewer=ncp, status="clarification_requested",
                  comment="Which region?")
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")
    client.force_login(ncp)

    _body, [row] = csv_of(client.get(reverse("reviews:export_csv")))

    assert row["review_status"] == "confirmed_eligible"


def test_the_xlsx_opens_with_openpyxl_and_has_the_header_and_the_rows(client, ncp, submission):
    client.force_login(ncp)

    response = client.get(reverse("reviews:export_xlsx"))

    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response["Content-Disposition"].startswith('attachment; filename="review-queue-')
    rows = list(workbook_of(response).active.iter_rows(values_only=True))
    assert list(rows[0]) == FIRST_COLUMNS + RULE_CODES
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=True))
    assert (record["acronym"], record["coordinator"]) == ("ȚESĂTURI", DIACRITICS)
    # A spreadsheet cell holds Brussels wall-clock time, without a zone.
    assert record["submitted_at"] == datetime(2018, 2, 8, 10, 0)  # noqa: DTZ001
    assert record["review_status"] == "not_reviewed"


def test_both_exports_honour_the_current_filters(client, submission):
    other = make_submission(make_user(), WITHOUT_ROMANIAN_MEMBER, acronym="OTHER")
    client.force_login(make_admin())
    query = {"country": "AT", "page": "3", "per_page": "25"}

    _body, csv_rows = csv_of(client.get(reverse("reviews:export_csv"), query))
    workbook = workbook_of(client.get(reverse("reviews:export_xlsx"), query))
    sheet_rows = list(workbook.active.iter_rows(min_row=2, values_only=True))

    assert [row["acronym"] for row in csv_rows] == [other.snapshot["acronym"]]
    assert [row[0] for row in sheet_rows] == ["OTHER"]


def test_the_queue_page_links_to_the_exports_with_its_filters_but_not_its_page(
    client, ncp, submission
):
    client.force_login(ncp)

    page = client.get(reverse("reviews:queue"), {"country": "RO", "page": "1", "sort": "acronym"})

    html = page.content.decode()
    assert f'{reverse("reviews:export_csv")}?country=RO&amp;sort=acronym"' in html
    assert f'{reverse("reviews:export_xlsx")}?country=RO&amp;sort=acronym"' in html


def test_a_cell_that_a_spreadsheet_would_read_as_a_formula_is_exported_as_text(client, ncp):
    make_submission(make_user(), acronym="=HYPERLINK(1)", members=[
        member("@SUM(A1)", "RO", "RO11", coordinator=True),
        member("Cluster Norte", "PT", "PT11"),
        member("Netzwerk Dresden", "DE", "DED2"),
    ])
    client.force_login(ncp)

    _body, [row] = csv_of(client.get(reverse("reviews:export_csv")))
    sheet = list(workbook_of(client.get(reverse("reviews:export_xlsx"))).active.iter_rows(
        min_row=2, values_only=True
    ))

    assert (row["acronym"], row["coordinator"]) == ("'=HYPERLINK(1)", "'@SUM(A1)")
    assert sheet[0][:3] == ("'=HYPERLINK(1)", "COS-CLUSTPARTNS-2017-3-02", "'@SUM(A1)")


def test_the_csv_export_reads_its_rows_in_chunks_with_a_fixed_number_of_queries(
    client, ncp, submission, monkeypatch
):
    for number in range(9):
        copy_submission(submission, f"COPY{number}")
    client.force_login(ncp)

    def queries_with_chunks_of(size: int) -> tuple[int, int]:
        monkeypatch.setattr(exports, "CHUNK_SIZE", size)
        with CaptureQueriesContext(connection) as captured:
            _body, rows = csv_of(client.get(reverse("reviews:export_csv")))
        return len(captured), len(rows)

    # Session, user, reviewer role, then the rows: one query on SQLite, one cursor on
    # PostgreSQL, whatever the chunk size.
    assert queries_with_chunks_of(3) == queries_with_chunks_of(1000) == (4, 10)
