"""The rules a call can configure, one small class each, found by their code.

Every module of this package holds a family of conditions; importing them registers their
rule classes (see :mod:`eligibility.rules.base`). :data:`RULES` maps each code to its class,
in the order reports show them; nothing else lists the rules.
"""
from django.utils.functional import Promise

from . import amounts, countries, dates, members, regions  # noqa: F401 - registers the rules
from .base import REGISTRY, Rule, RuleParameters

RULES = REGISTRY


def rule_class(code: str) -> type[Rule]:
    """The rule class of ``code``; ``KeyError`` for a code no rule has."""
    return RULES[code]


def rule_choices() -> list[tuple[str, str | Promise]]:
    """(code, title) of every rule, for choice fields."""
    return [(code, rule.title) for code, rule in RULES.items()]


def rule_title(code: str) -> str:
    """The rule's title in the active language, or the code itself for an unknown code."""
    rule = RULES.get(code)
    return str(rule.title) if rule is not None else code


__all__ = ["RULES", "Rule", "RuleParameters", "rule_choices", "rule_class", "rule_title"]
