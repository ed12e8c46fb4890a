"""Short load tests in the test suite: twenty simulated clients for twenty seconds against
gunicorn and a scratch PostgreSQL database (tests/load/run.py), and a deadline rush of twenty
applicants and contact points across two instances, a worker and Redis for thirty seconds
(tests/load/rush.py). The full ones are `make loadtest`. Deselect them with ``-m "not load"``."""
from django.db import connection
import pytest

from tests.load.run import run_load_test
from tests.load.rush import run_rush_test

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


def test_in_a_deadline_rush_across_two_instances_nothing_is_lost_late_or_counted_twice():
    result = run_rush_test(users=20, before_deadline=20, after_deadline=10, spawn_rate=10,
                           pause=(0.2, 1))

    print(result.summary())
    assert result.problems() == []
    assert result.told_saved["submissions"] > 0 and result.refused_submissions > 0, (
        result.summary()
    )
    assert result.rate_limit["allowed"] == result.rate_limit["limit"] > 0
    assert all(counted.get(429) for counted in result.rate_limit["by_instance"].values())
    assert result.recheck is not None and result.recheck["same"], result.summary()
