"""Backup and restore as docs/OPERATIONS.md describes them: ``pg_dump -Fc`` of the database,
``pg_restore`` into a new database, and every submission with its snapshot, every review and
every record entry found there as it was, row by row."""
from collections.abc import Iterator
from contextlib import contextmanager
import os
from pathlib import Path
import shutil
import subprocess
import sys
import uuid

from django.db import connection
import psycopg2
import pytest

from consortia.services import consortium_withdraw
from reviews.services import review_record
from tests.committed_data import postgresql_only, transactional_db  # noqa: F401 (fixture)
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_user
from tests.review_factories import (
    WITH_ONE_ROMANIAN_PARTNER,
    WITHOUT_ROMANIAN_MEMBER,
    make_ncp,
    make_submission,
    submit,
)

pytestmark = [
    postgresql_only,
    pytest.mark.skipif(
        shutil.which("pg_dump") is None or shutil.which("pg_restore") is None,
        reason="pg_dump and pg_restore (Debian: postgresql-client) are not installed",
    ),
    pytest.mark.usefixtures("transactional_db"),
]

ROOT = Path(__file__).resolve().parent.parent
# Each table and the order that lists its rows the same way in both databases.
COMPARED_TABLES = {
    "consortia_submission": "id",
    "consortia_consortium": "id",
    "consortia_member": "id",
    "reviews_review": "id",
    "audit_event": "id",
    "accounts_user": "id",
}


def client_environment() -> dict[str, str]:
    """The PostgreSQL client tools' connection settings: the test database's."""
    settings = connection.settings_dict
    environment = {**os.environ, "PGHOST": settings["HOST"] or "",
                   "PGPORT": str(settings["PORT"] or ""), "PGUSER": settings["USER"] or ""}
    if settings["PASSWORD"]:
        environment["PGPASSWORD"] = settings["PASSWORD"]
    return {name: value for name, value in environment.items() if value != ""}


def run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, env=client_environment(), capture_output=True, text=True,
                          timeout=120, check=True)


@contextmanager
def connect(database: str) -> Iterator:
    """A plain connection to ``database`` on the test database's server; JSON columns are
    read as Python values on both sides of the comparison."""
    settings = connection.settings_dict
    parameters = {"host": settings["HOST"], "port": settings["PORT"], "user": settings["USER"],
                  "password": settings["PASSWORD"]}
    given = {key: value for key, value in parameters.items() if value}
    plain = psycopg2.connect(dbname=database, **given)
    try:
        yield plain
    finally:
        plain.close()


def rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f"SELECT * FROM {table} ORDER BY {COMPARED_TABLES[table]}")
    return cursor.fetchall()


def make_history() -> None:
    """Submissions of two applicants, one withdrawn and submitted again, and reviews."""
    first = make_submission(make_user(), acronym="FIRST", title="Ținutul Sătmarului <textiles>")
    second = make_submission(make_user(), WITH_ONE_ROMANIAN_PARTNER, acronym="SECOND")
    make_submission(make_user(), WITHOUT_ROMANIAN_MEMBER, acronym="THIRD")
    consortium_withdraw(consortium=second.consortium, user=second.consortium.owner,
                        now=A_MONTH_BEFORE_ESCP_DEADLINE)
    submit(second.consortium)
    reviewer = make_ncp("ncp-ro@example.org", ["RO"])
    review_record(submission=first, reviewer=reviewer, status="clarification_requested",
                  comment="Which ECCP profile? „quoted” and 'apostrophes'")
    review_record(submission=first, reviewer=reviewer, status="confirmed_eligible", comment="")


def test_a_dump_restored_into_a_new_database_holds_every_submission_and_its_snapshot(tmp_path):
    make_history()
    dump = tmp_path / "eligibility.dump"
    source = connection.settings_dict["NAME"]
    restored = f"{source}_restored_{uuid.uuid4().hex[:8]}"

    run("pg_dump", "--format=custom", f"--file={dump}", f"--dbname={source}")
    run("createdb", restored)
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))

        with connect(source) as original, connect(restored) as copy:
            with original.cursor() as original_rows, copy.cursor() as copied_rows:
                for table in COMPARED_TABLES:
                    assert rows(copied_rows, table) == rows(original_rows, table), table
                copied_rows.execute(
                    "SELECT snapshot->>'acronym', withdrawn_at IS NOT NULL "
                    "FROM consortia_submission ORDER BY id"
                )
                assert copied_rows.fetchall() == [
                    ("FIRST", False), ("SECOND", True), ("THIRD", False), ("SECOND", False),
                ]
                # The record is append-only in the restored database too.
                with pytest.raises(psycopg2.Error, match="append-only"):
                    copied_rows.execute("UPDATE audit_event SET details = '{}'")

        # The application finds every migration applied: it can run on the restored database.
        settings = connection.settings_dict
        restored_url = (f"postgres://{settings['USER']}@{settings['HOST']}:{settings['PORT']}"
                        f"/{restored}")
        environment = {key: value for key, value in os.environ.items()
                       if key not in {"DJANGO_SETTINGS_MODULE"}}
        check = subprocess.run(
            [sys.executable, "manage.py", "migrate", "--check", "--no-input"], cwd=ROOT,
            env={**environment, "DATABASE_URL": restored_url, "DEBUG": "1",
                 "PGPASSWORD": settings["PASSWORD"] or ""},
            capture_output=True, text=True, timeout=120,
        )
        assert check.returncode == 0, check.stdout + check.stderr
    finally:
        run("dropdb", "--if-exists", "--force", restored)
