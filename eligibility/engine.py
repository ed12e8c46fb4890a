"""The engine: run every rule the call configures and turn the outcomes into a verdict.

Nothing stops at the first failure: the report carries one outcome per configured rule,
each with what was found, what the call requires, where the call says so and what would
fix it.
"""
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from calls.models import Severity

from .facts import CallParameters, ConsortiumFacts
from .outcomes import Outcome, Status
from .wording import language_fixed

BLOCKING = Severity.BLOCKING.value

__all__ = ["Outcome", "Report", "Status", "Verdict", "evaluate", "verdict_of"]


class Verdict(StrEnum):
    ELIGIBLE = "eligible"
    NOT_ELIGIBLE = "not_eligible"
    INCOMPLETE = "incomplete"


@dataclass(frozen=True, slots=True)
class Report:
    call: str
    verdict: Verdict
    outcomes: tuple[Outcome, ...]

    @property
    def submission_allowed(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE

    @property
    def is_eligible(self) -> bool:
        return self.verdict == Verdict.ELIGIBLE

    def outcome(self, rule: str) -> Outcome | None:
        return next((outcome for outcome in self.outcomes if outcome.rule == rule), None)

    def to_dict(self) -> dict[str, Any]:
        """The report in the JSON shape of the API and the CLI."""
        return {
            "call": self.call,
            "verdict": str(self.verdict),
            "submission_allowed": self.submission_allowed,
            "outcomes": [outcome.to_dict() for outcome in self.outcomes],
        }


def verdict_of(outcomes: tuple[Outcome, ...] | list[Outcome]) -> Verdict:
    """Not eligible if a blocking rule fails; else incomplete if one lacks facts; else eligible.

    Advisory outcomes never change the verdict, nor do rules not checked (the call's value
    is not known): they are shown as such, never passed or failed.
    """
    blocking = {outcome.status for outcome in outcomes if outcome.severity == BLOCKING}
    if Status.FAIL in blocking:
        return Verdict.NOT_ELIGIBLE
    if Status.MISSING in blocking:
        return Verdict.INCOMPLETE
    return Verdict.ELIGIBLE


def evaluate(facts: ConsortiumFacts, params: CallParameters, *, as_of: datetime) -> Report:
    """Run every rule the call configures on ``facts`` at the instant ``as_of``."""
    with language_fixed():
        outcomes = tuple(
            rule.check(facts, params, as_of) for rule in params.rules_for(facts.project.strand)
        )
    return Report(call=params.reference, verdict=verdict_of(outcomes), outcomes=outcomes)
