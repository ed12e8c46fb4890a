"""What a rule returns: an outcome with its status and its reasons."""
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from calls.models import Severity


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    MISSING = "missing"  # the facts the rule needs are not given yet


@dataclass(slots=True)
class Outcome:
    """What one rule found. ``actual`` and ``required`` are JSON-ready values.

    Treat it as a value. It is not frozen only because a check builds a dozen of them and
    frozen dataclasses take twice as long to build.
    """

    rule: str
    status: Status
    severity: str
    message: str
    actual: Any = None
    required: Any = None
    reference: str = ""
    hint: str = ""

    @property
    def is_blocking(self) -> bool:
        return self.severity == Severity.BLOCKING

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "status": str(self.status),
            "severity": str(self.severity),
            "actual": self.actual,
            "required": self.required,
            "message": self.message,
            "reference": self.reference,
            "hint": self.hint,
        }
