from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from calls.countries import KOSOVO, KOSOVO_FOOTNOTE
from calls.models import Call, Severity

from .facts import call_parameters
from .rules import Rule


@dataclass(frozen=True)
class RuleExplained:
    setting: Rule
    title: str
    explanation: str

    @property
    def is_advisory(self) -> bool:
        return self.setting.severity == Severity.ADVISORY


@require_safe
def call_rules(request: HttpRequest, reference: str) -> HttpResponse:
    """Every rule the call configures, in plain language, with its parameters and reference."""
    call = get_object_or_404(Call.objects.by_reference(reference).select_related("programme"))
    params = call_parameters(call)
    rules = [
        RuleExplained(setting=rule, title=str(rule.title), explanation=rule.explain(params))
        for rule in params.rules
    ]
    kosovo_named = "eligible_countries" in params.rule_settings and (
        KOSOVO in params.eligible_countries
    )
    return render(request, "eligibility/call_rules.html", {
        "call": call,
        "rules": rules,
        "kosovo_footnote": KOSOVO_FOOTNOTE if kosovo_named else "",
    })
