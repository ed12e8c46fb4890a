"""The table of cases: tests/cases/<call>/<case>.json, each an input and the expected outcome.

Every case runs through the same contract as the CLI and the API. The UK cases use two test
calls (tests/fixtures/test_calls_uk_2020.json) whose deadlines fall either side of
31 January 2020, the United Kingdom's last day in the EU.
"""
import json
from pathlib import Path

from django.core.management import call_command
import pytest

from eligibility.contract import check_request
from eligibility.rules import RULES
from tests.fixtures.eligibility_builders import TODAYS_RULES

CASES = Path(__file__).parent / "cases"
CASE_FILES = sorted(CASES.glob("*/*.json"))
UK_TEST_CALLS = Path(__file__).parent / "fixtures" / "test_calls_uk_2020.json"


def load_case(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def uk_test_calls(db):
    call_command("load_call", str(UK_TEST_CALLS), verbosity=0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "case_file", CASE_FILES, ids=[f"{path.parent.name}/{path.stem}" for path in CASE_FILES]
)
def test_case_gives_the_expected_verdict_and_rule_statuses(case_file, request):
    case = load_case(case_file)
    if case_file.parent.name.startswith("TEST-"):
        request.getfixturevalue("uk_test_calls")

    report = check_request(json.dumps(case["input"]))

    assert report.call == case_file.parent.name
    statuses = {outcome.rule: str(outcome.status) for outcome in report.outcomes}
    assert statuses == case["expected"]["statuses"], case["description"]
    assert str(report.verdict) == case["expected"]["verdict"], case["description"]


def test_the_table_has_at_least_forty_cases():
    assert len(CASE_FILES) >= 40


def test_every_case_describes_itself_and_expects_every_configured_rule():
    for path in CASE_FILES:
        case = load_case(path)
        assert case["description"].strip(), path
        assert set(case["expected"]["statuses"]) <= set(RULES), path
        assert case["expected"]["verdict"] in {"eligible", "not_eligible", "incomplete"}, path


def test_every_rule_of_the_seed_call_both_passes_and_fails_somewhere_in_the_table():
    seen: dict[str, set[str]] = {}
    for path in (CASES / "COS-CLUSTPARTNS-2017-3-02").glob("*.json"):
        for rule, status in load_case(path)["expected"]["statuses"].items():
            seen.setdefault(rule, set()).add(status)
    assert set(seen) == set(TODAYS_RULES)
    assert all({"pass", "fail"} <= statuses for statuses in seen.values()), seen


def test_every_verdict_appears_in_the_table():
    verdicts = {load_case(path)["expected"]["verdict"] for path in CASE_FILES}
    assert verdicts == {"eligible", "not_eligible", "incomplete"}
