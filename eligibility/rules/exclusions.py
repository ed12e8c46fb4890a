"""Entities excluded by EU law whatever a call says, as the applicant declares them.

CALLS.md §7.7: from 2022, Council Regulation (EU) No 833/2014 art. 5l forbids support to
entities established in Russia with over 50 % public ownership or control, and Council
Implementing Decision (EU) 2022/2506 (from 16 December 2022) forbids signing a grant with a
Hungarian public-interest trust under Act IX of 2021 or an entity it maintains, though they
may apply and be evaluated. Both are facts about a member that only the applicant knows:
each member's ``declarations`` carry them. Which consequence follows is the law's, so each
rule says which severity a call must give it.
"""
from typing import ClassVar

from django.utils.translation import gettext_lazy, gettext_noop

from calls.models import Declaration, Severity

from ..outcomes import Status
from ..wording import _
from .base import Rule, names


class DeclaredExclusion(Rule):
    """Family: no member declares ``declaration``; a member that does brings the law's
    consequence, worded with its legal reference.

    Concrete rules set ``declaration`` (a ``consortia.models.Declaration``), ``severity_by_law``
    (blocking: not eligible; advisory: may apply, cannot sign) and their wording.
    """

    declaration: ClassVar[str]
    severity_by_law: ClassVar[str]
    legal_reference: ClassVar[str]
    declared_message: ClassVar[str]
    declared_hint: ClassVar[str]
    explanation: ClassVar[str]

    def evaluate(self, facts, params, as_of):
        context = {"law": _(self.legal_reference)}
        declared = [member for member in facts.members if self.declaration in member.declarations]
        if declared:
            context["members"] = names(declared)
            return self.outcome(
                Status.FAIL, _(self.declared_message) % context,
                actual=[member.name for member in declared], required=[],
                hint=_(self.declared_hint) % context,
            )
        return self.outcome(
            Status.PASS,
            _("No member declares this (%(law)s).") % context, actual=[], required=[],
        )

    def explain(self, params):
        return _(self.explanation) % {"law": _(self.legal_reference)}

    def call_problems(self, call) -> list[str]:
        if self.severity != self.severity_by_law:
            severity = str(Severity(self.severity_by_law).label).lower()
            return [_("the law's consequence makes this rule %(severity)s.")
                    % {"severity": severity}]
        return []


class RussianPublicControl(DeclaredExclusion):
    """No member is established in Russia with over 50 % public ownership or control.

    Its source: Council Regulation (EU) No 833/2014, art. 5l (CALLS.md §7.7): no support to such
    entities. A member that declares it makes the consortium not eligible.
    """

    code = "excluded_ru_public_control"
    title = gettext_lazy("Russian publicly controlled entities excluded")
    order = 120
    declaration = Declaration.RU_PUBLIC_CONTROL.value
    severity_by_law = Severity.BLOCKING.value
    legal_reference = gettext_noop("Council Regulation (EU) No 833/2014, art. 5l")
    declared_message = gettext_noop(
        "%(members)s declared being established in Russia and over 50 %% publicly owned or "
        "controlled: under %(law)s no EU support can go to it, so the consortium is not "
        "eligible."
    )
    declared_hint = gettext_noop(
        "Replace %(members)s, or correct the declaration if it is wrong."
    )
    explanation = gettext_noop(
        "No member may be established in Russia with over 50 %% public ownership or control "
        "(%(law)s): such a member makes the consortium not eligible."
    )


class HungarianPublicInterestTrust(DeclaredExclusion):
    """No grant is signed with a Hungarian public-interest trust or an entity it maintains.

    Its source: Council Implementing Decision (EU) 2022/2506, from 16 December 2022 (CALLS.md §7.7):
    trusts under Hungarian Act IX of 2021, and the entities they maintain, may apply and be
    evaluated, but no grant can be signed with them. Advisory: the consortium may apply.
    """

    code = "excluded_hu_public_interest_trust"
    title = gettext_lazy("Hungarian public-interest trusts cannot sign")
    order = 121
    declaration = Declaration.HU_PUBLIC_INTEREST_TRUST.value
    severity_by_law = Severity.ADVISORY.value
    legal_reference = gettext_noop("Council Implementing Decision (EU) 2022/2506")
    declared_message = gettext_noop(
        "%(members)s declared being a Hungarian public-interest trust under Act IX of 2021, or "
        "an entity one maintains: under %(law)s it may apply and be evaluated, but no grant "
        "can be signed with it."
    )
    declared_hint = gettext_noop(
        "Plan the work of %(members)s so that the project can go ahead without it signing "
        "the grant, or correct the declaration if it is wrong."
    )
    explanation = gettext_noop(
        "A Hungarian public-interest trust under Act IX of 2021, or an entity it maintains, "
        "may apply and be evaluated, but no grant can be signed with it (%(law)s)."
    )
