"""The kinds of rule a call can configure, as the calls application needs to know them.

The rule classes live in ``eligibility.rules``, a layer above this application: calls cannot
import them. The eligibility application provides them here when Django starts
(``EligibilityConfig.ready``), through the small interface below, so that a call's rules are
validated, offered as choices and explained without calls importing eligibility.
"""
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class RuleKinds(Protocol):
    def choices(self) -> list[tuple[str, Any]]:
        """(code, title) of every kind of rule."""

    def option_names(self, code: str) -> list[str] | None:
        """The options rule ``code`` takes; None for a code no rule has."""

    def parameters_form(self, code: str) -> Any:
        """The ``Parameters`` form class of rule ``code`` (its options' schema); None for a
        code no rule has."""

    def option_problems(self, code: str, options: dict, not_known: list[str]) -> dict:
        """Every problem of ``options`` for rule ``code``, by option ("" for all of them)."""

    def call_problems(self, rule: Any, call: Any) -> list[str]:
        """What ``call`` lacks for its stored ``rule`` to run."""

    def sample_check(self, call: Any, body: bytes | str) -> dict:
        """A consortium given as the JSON of the API/CLI checked against ``call`` as it
        stands: ``{"report": ...}``, or ``{"problems": [...]}`` for input that is not one."""

    def call_page(self, call: Any) -> dict:
        """The call's rules and strands, explained, for the call's page."""


_provided: list[RuleKinds] = []


def provide(kinds: RuleKinds) -> None:
    _provided[:] = [kinds]


def rule_kinds() -> RuleKinds:
    if not _provided:
        raise ImproperlyConfigured(
            "No kinds of rule are known: the eligibility application provides them; "
            "it must be in INSTALLED_APPS."
        )
    return _provided[0]
