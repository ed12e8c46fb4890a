"""The deadline rush's verdict: each broken promise it looks for is named as a problem."""
import pytest

from tests.load.rush import RushResult


def passing() -> RushResult:
    return RushResult(
        seconds=30, users=20, deadline="2026-12-01T15:00:00+00:00",
        outbox={"rows": 10, "sent": 10, "received": 10, "undelivered": [], "missing": [],
                "drained_in": 0.0},
        rate_limit={"limit": 60, "sent": 120, "allowed": 60, "refused": 60, "by_instance": {}},
        recheck={"same": True, "checked": [5, 5]},
    )


def test_a_rush_that_kept_every_promise_has_no_problem():
    assert passing().problems() == []


@pytest.mark.parametrize(("broken", "named"), [
    ({"accepted_late": ["submission 7 at 2026-12-01T15:00:01+00:00"]},
     "accepted after the deadline"),
    ({"refused_in_time": [{"consortium": 3, "at": 0}]}, "refused before the deadline"),
    ({"rate_limit": {"limit": 60, "sent": 120, "allowed": 120, "refused": 0}},
     "rate limit across the instances"),
    ({"recheck": {"same": False, "checked": [5, 4]}}, "re-check on the worker differs"),
    ({"server_log_errors": ["[CRITICAL] WORKER TIMEOUT (pid:12)"]}, "server log"),
    ({"no_answer": ["POST /consortia/1/submit/: reset"]}, "no answer"),
])
def test_each_broken_promise_of_the_rush_is_a_problem(broken, named):
    result = passing()
    for name, value in broken.items():
        setattr(result, name, value)

    assert any(named in problem for problem in result.problems()), result.problems()


def test_an_outbox_email_missing_or_not_delivered_is_a_problem():
    result = passing()
    assert result.outbox is not None
    result.outbox["missing"] = [42]
    result.outbox["undelivered"] = ["3 to ncp@example.org: pending"]

    problems = result.problems()

    assert "no outbox e-mail for submission 42" in problems
    assert "outbox e-mail not delivered: 3 to ncp@example.org: pending" in problems


def test_without_an_outbox_in_the_application_its_checks_are_left_out():
    result = passing()
    result.outbox = None

    assert result.problems() == []
    assert "Outbox: none in this version" in result.summary()
