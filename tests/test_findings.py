"""How many blocking problems and advisory notes a report holds, and how the pages say it."""
from django.template import Context, Template
from django.utils import translation
import pytest

from consortia.templatetags.consortium_display import findings_text
from eligibility.engine import Findings, Outcome, Status


def outcome(status: str, severity: str = "blocking") -> Outcome:
    return Outcome(rule="min_countries", status=Status(status), severity=severity, message="")


def outcomes(blocking: int = 0, missing: int = 0, advisory: int = 0, passed: int = 0) -> list:
    return (
        [outcome("fail") for _ in range(blocking)]
        + [outcome("missing") for _ in range(missing)]
        + [outcome("fail", "advisory") for _ in range(advisory)]
        + [outcome("pass") for _ in range(passed)]
        + [outcome("pass", "advisory")]
    )


def test_findings_count_blocking_failures_missing_facts_and_advisory_notes_apart():
    counted = Findings.of(outcomes(blocking=2, missing=1, advisory=1, passed=5)
                          + [outcome("missing", "advisory")])
    assert counted == Findings(blocking=2, missing=1, advisory=2)


def test_findings_read_a_submissions_stored_outcomes_as_well():
    stored = [item.to_dict() for item in outcomes(blocking=1, advisory=1)]
    assert Findings.of(stored) == Findings(blocking=1, missing=0, advisory=1)


@pytest.mark.parametrize("counts, english", [
    ({"blocking": 2, "advisory": 1}, "2 blocking problems, 1 advisory note"),
    ({"blocking": 1, "advisory": 3}, "1 blocking problem, 3 advisory notes"),
    ({"advisory": 1}, "No blocking problem, 1 advisory note"),
    ({}, "No blocking problem, no advisory note"),
    ({"blocking": 1, "missing": 2},
     "1 blocking problem, 2 blocking rules waiting for information, no advisory note"),
])
def test_the_panel_counts_blocking_problems_and_advisory_notes_in_english(counts, english):
    with translation.override("en"):
        assert findings_text(outcomes(**counts)) == english


@pytest.mark.parametrize("counts, romanian", [
    ({"blocking": 1, "advisory": 1},
     "1 problemă eliminatorie, 1 observație consultativă"),
    ({"blocking": 2, "advisory": 19},
     "2 probleme eliminatorii, 19 observații consultative"),
    ({"blocking": 20, "advisory": 101},
     "20 de probleme eliminatorii, 101 observații consultative"),
    ({"advisory": 2},
     "Nicio problemă eliminatorie, 2 observații consultative"),
    ({"missing": 1}, "Nicio problemă eliminatorie, 1 regulă eliminatorie așteaptă "
                     "informații, nicio observație consultativă"),
])
def test_romanian_counts_take_the_plural_form_their_number_asks(counts, romanian):
    with translation.override("ro"):
        assert findings_text(outcomes(**counts)) == romanian


@pytest.mark.parametrize("severity, label, hidden", [
    ("advisory", "Advisory — does not block", "Advisory rule, does not block:"),
    ("blocking", None, "Blocking rule:"),
])
def test_an_advisory_card_says_so_in_words_and_to_screen_readers(severity, label, hidden):
    report = type("ReportLike", (), {
        "verdict": "eligible",
        "outcomes": [Outcome(rule="min_countries", status=Status.FAIL, severity=severity,
                             message="Two countries.")],
    })()
    call = type("CallLike", (), {"reference": "NO-SUCH-CALL"})()
    draft = type("ConsortiumLike", (), {"is_editable": True})()
    with translation.override("en"):
        html = Template('{% include "consortia/_eligibility_panel.html" %}').render(
            Context({"report": report, "call": call, "consortium": draft, "reviews": []})
        )
    assert f'<span class="visually-hidden">{hidden} </span>' in html
    if label:
        assert label in html and "outcome-advisory-rule" in html
        assert "outcome-status-advisory" in html and "outcome-status-fail" not in html
    else:
        assert "Advisory — does not block" not in html and "outcome-status-fail" in html
