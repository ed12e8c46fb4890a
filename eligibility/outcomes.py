"""What a rule returns: an outcome with its status and its reasons."""
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Status(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    MISSING = "missing"  # the facts the rule needs are not given yet
    NOT_CHECKED = "not_checked"  # the call's value for the condition is not known


@dataclass(slots=True)
class Outcome:
    """What one rule found. ``actual`` and ``required`` are JSON-ready values.

    ``provisional`` lists the secondary sources the rule's values rest on (empty when they
    are all official). Treat it as a value. It is not frozen only because a check builds a
    dozen of them and frozen dataclasses take twice as long to build.
    """

    rule: str
    status: Status
    severity: str
    message: str
    actual: Any = None
    required: Any = None
    reference: str = ""
    hint: str = ""
    provisional: list[str] = field(default_factory=list)
    reference_language: str = "en"  # the call's own text is English; "ro" for its translation

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
            "provisional": list(self.provisional),
        }
