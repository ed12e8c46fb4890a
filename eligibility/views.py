from dataclasses import dataclass
import inspect

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from calls.countries import KOSOVO, KOSOVO_FOOTNOTE
from calls.models import Call, Severity

from .facts import call_parameters
from .rules import RULES, Rule


@dataclass(frozen=True)
class RuleExplained:
    """A configured rule as the call page and the rules page show it."""

    rule: Rule
    explanation: str

    @property
    def title(self) -> str:
        return str(self.rule.title)

    @property
    def is_advisory(self) -> bool:
        return self.rule.severity == Severity.ADVISORY

    @property
    def reference(self) -> str:
        return self.rule.localized_reference()

    @property
    def provisional(self) -> tuple[str, ...]:
        return self.rule.secondary_sources

    @property
    def not_known(self) -> tuple[str, ...]:
        return self.rule.not_known


def rules_explained(rules, params) -> list[RuleExplained]:
    """Each rule with its explanation; a rule whose value is not known is not explained."""
    return [
        RuleExplained(rule, "" if rule.not_known else rule.explain(params)) for rule in rules
    ]


def first_paragraph(documented: type) -> str:
    return (inspect.getdoc(documented) or "").split("\n\n")[0]


@dataclass(frozen=True)
class RuleKind:
    """A rule class as the rule reference shows it: its family and its parameters."""

    rule: type[Rule]

    @property
    def family(self) -> type[Rule]:
        """The family the rule belongs to: its nearest base class without a code."""
        return next(
            (base for base in self.rule.__mro__[1:]
             if isinstance(base, type) and issubclass(base, Rule) and not base.code),
            Rule,
        )

    @property
    def summary(self) -> str:
        return first_paragraph(self.rule)

    @property
    def parameters(self) -> list:
        return list(self.rule.Parameters.base_fields.items())


@require_safe
def call_rules(request: HttpRequest, reference: str) -> HttpResponse:
    """Every rule the call configures, in plain language, with its parameters and reference,
    then each strand's own rules."""
    call = get_object_or_404(Call.objects.by_reference(reference).select_related("programme"))
    params = call_parameters(call)
    kosovo_named = "eligible_countries" in params.rule_settings and (
        KOSOVO in params.eligible_countries
    )
    return render(request, "eligibility/call_rules.html", {
        "call": call,
        "rules": rules_explained(params.rules, params),
        "strands": [
            (strand, rules_explained(params.strand_rules.get(strand.code, ()), params))
            for strand in params.strands
        ],
        "kosovo_footnote": KOSOVO_FOOTNOTE if kosovo_named else "",
    })


@require_safe
def rule_kinds(request: HttpRequest) -> HttpResponse:
    """Every kind of condition a call can configure, by family, with its parameters."""
    families: dict[type[Rule], list[RuleKind]] = {}
    for rule in RULES.values():
        kind = RuleKind(rule)
        families.setdefault(kind.family, []).append(kind)
    return render(request, "eligibility/rule_kinds.html", {
        "families": [
            (family.__name__,
             first_paragraph(family) if family is not Rule else "", kinds)
            for family, kinds in families.items()
        ],
    })
