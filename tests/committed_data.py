"""For tests whose data must be committed, because another connection reads it: threads
racing each other, ``pg_dump``.

Such tests run on PostgreSQL only (SQLite has no row locks and no ``pg_dump``). The
``transactional_db`` fixture defined here replaces pytest-django's fixture of that name in
the test modules that import it. Like pytest-django's, it lets the test write for real
(every write committed and seen by other connections), and pytest-django sets the test
database up for it and runs such tests after the others. Unlike pytest-django's, which
empties every table afterwards, the reference data that tests/conftest.py loads once per
session (countries, regions, calls) included, it empties only the tables of
``APPS_EMPTIED_AFTERWARDS`` (with PostgreSQL's TRUNCATE ... CASCADE, which the append-only
record and reviews allow): the calls and regions stay for the tests that follow, and no
reload costs seconds after each test. The record entries of the session's call loading go
with the rest of the record; no test counts on them.

    from tests.committed_data import postgresql_only, transactional_db  # noqa: F401

    pytestmark = [postgresql_only, pytest.mark.usefixtures("transactional_db")]
"""
from collections.abc import Iterator

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, connections
import pytest

# The applications whose rows these tests create; the calls application is not among them.
APPS_EMPTIED_AFTERWARDS = ["accounts", "consortia", "reviews", "audit", "outbox"]

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "PostgreSQL only: these tests need row locks (SELECT ... FOR UPDATE) that SQLite does "
        "not have, or pg_dump. Run them with "
        "DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name> pytest."
    ),
)


def tables_emptied_afterwards() -> list[str]:
    return [
        model._meta.db_table
        for label in APPS_EMPTIED_AFTERWARDS
        for model in apps.get_app_config(label).get_models(include_auto_created=True)
    ]


def empty_tables() -> None:
    statements = connection.ops.sql_flush(
        no_style(), tables_emptied_afterwards(), reset_sequences=False, allow_cascade=True
    )
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


@pytest.fixture
def transactional_db(django_db_setup, django_db_blocker) -> Iterator[None]:
    """Database access without a surrounding transaction: every write is committed and seen
    by other connections. The tables of ``APPS_EMPTIED_AFTERWARDS`` are emptied before (of
    what a test stopped halfway may have left) and afterwards."""
    from calls.fixtures import call_fixtures_load, read_fixture_files, reference_fixture_paths
    from calls.models import Country

    with django_db_blocker.unblock():
        if not Country.objects.exists():  # a transactional test emptied every table
            sources, _unreadable = read_fixture_files(reference_fixture_paths())
            assert call_fixtures_load(sources=sources).ok
        empty_tables()
        try:
            yield
        finally:
            connections.close_all()  # a connection left inside a failed transaction
            empty_tables()
