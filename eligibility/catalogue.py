"""The rules as the calls application sees them (see ``calls.rule_kinds``)."""
from typing import Any

from .contract import InvalidRequest, check_request
from .facts import call_parameters, configured_rule
from .rules import RULES, rule_choices
from .views import rules_explained


class RuleCatalogue:
    """The kinds of rule of :data:`eligibility.rules.RULES`, for the application below."""

    def choices(self) -> list[tuple[str, Any]]:
        return rule_choices()

    def option_names(self, code: str) -> list[str] | None:
        rule = RULES.get(code)
        return None if rule is None else list(rule.Parameters.base_fields)

    def parameters_form(self, code: str):
        rule = RULES.get(code)
        return None if rule is None else rule.Parameters

    def option_problems(self, code: str, options: dict, not_known: list[str]) -> dict:
        return RULES[code].Parameters(options, not_known=not_known).option_problems()

    def call_problems(self, rule, call) -> list[str]:
        return configured_rule(rule).call_problems(call)

    def sample_check(self, call, body: bytes | str) -> dict:
        try:
            return {"report": check_request(body, call=call)}
        except InvalidRequest as error:
            return {"problems": error.errors}

    def call_page(self, call) -> dict:
        params = call_parameters(call)
        return {
            "rules": rules_explained(params.rules, params),
            "strands": [
                (strand, rules_explained(params.strand_rules.get(strand.code, ()), params))
                for strand in params.strands
            ],
        }
