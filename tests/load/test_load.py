"""A short load test in the test suite: twenty simulated clients for twenty seconds against
gunicorn and a scratch PostgreSQL database (tests/load/run.py; the full one, fifty clients
for three minutes, is `make loadtest`). Deselect it with ``-m "not load"``."""
from django.db import connection
import pytest

from tests.load.run import run_load_test

pytestmark = [
    pytest.mark.load,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="the load test runs against PostgreSQL: set DATABASE_URL=postgres://... "
               "(it makes a scratch database of its own on that server)",
    ),
]


def test_under_load_no_request_fails_and_nothing_the_clients_were_told_was_saved_is_lost():
    result = run_load_test(users=20, seconds=20, spawn_rate=10, pause=(0.2, 1),
                           fast_password_hashing=True)

    print(result.summary())
    assert result.problems() == []
    assert result.told_saved["consortia"] > 0 and result.told_saved["reviews"] > 0, result.summary()
