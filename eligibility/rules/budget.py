"""Conditions on the project's budget by cost category: a minimum grant, a funding rate per
category, a minimum share of the grant passed on to third parties.

The cost categories are those the project facts carry (``ProjectFacts.costs``): financial
support to third parties (FSTP, "cascade funding") and all other eligible costs.
"""
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal

from django import forms
from django.utils.translation import gettext_lazy

from ..facts import CENT
from ..outcomes import Status
from ..wording import _, both, money, per_call, percent
from .amounts import MaxGrant
from .base import Rule, RuleParameters


class MinGrant(MaxGrant):
    """The requested EU grant is at least the call's minimum per project.

    A minimum stated on its own, so that a call whose maximum is known and whose minimum is
    not checks the one and shows the other as not checked. Its source: CALLS.md §7.2, where
    a secondary summary of COS-CLUSINT-2016-03-01 leaves strand 2's minimum not known.
    Its words are the grant range's, with a minimum alone.
    """

    code = "min_grant"
    title = gettext_lazy("Minimum grant")
    order = 71

    class Parameters(RuleParameters):
        minimum = forms.DecimalField(
            label=gettext_lazy("minimum (EUR)"), max_digits=14, decimal_places=2,
            min_value=Decimal("0.01"),
            help_text=gettext_lazy("The smallest EU grant the call accepts per project."),
        )


def rate_field(label) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, max_digits=5, decimal_places=4, min_value=Decimal("0"),
        max_value=Decimal("1"),
        help_text=gettext_lazy("A fraction: 0.9 means 90 % of the costs of this category."),
    )


def costs_missing(grant, costs) -> list:
    """What the budget rules need and the project does not give yet, in words."""
    return [
        label for label, value in (
            (_("the requested grant"), grant),
            (_("the eligible costs by category (financial support to third parties and all "
               "other costs)"), costs),
        ) if value is None
    ]


class FundingRates(Rule):
    """The requested grant is at most the sum, over the cost categories, of each category's
    costs times the call's funding rate for that category.

    Its source: SMP-COSME-2021-CLUSTER-01 and SMP-COSME-2024-CLUSTER-01 (CALLS.md §7.4, §7.5;
    the Funding & Tenders Portal topic record of 2024): 100 % for financial support to third
    parties, 90 % for all other costs. Exact decimals; ``required``
    is the largest grant the rates allow, rounded down to a cent.
    """

    code = "funding_rates"
    title = gettext_lazy("Funding rate per cost category")
    order = 81

    class Parameters(RuleParameters):
        fstp = rate_field(gettext_lazy("rate for financial support to third parties"))
        other = rate_field(gettext_lazy("rate for all other costs"))

    @per_call
    def rates_text(self, params) -> dict[str, str]:
        return {"fstp_rate": percent(self.options["fstp"]),
                "other_rate": percent(self.options["other"])}

    def allowed(self, costs) -> Decimal:
        return (
            costs["fstp"] * self.options["fstp"] + costs["other"] * self.options["other"]
        )

    def evaluate(self, facts, params, as_of):
        grant = facts.project.requested_grant
        costs = facts.project.costs
        if grant is None or costs is None:
            absent = costs_missing(grant, costs)
            return self.outcome(
                Status.MISSING, _("Not given yet: %(facts)s.") % {"facts": both(absent)},
                actual=None if grant is None else str(grant),
                hint=_("Give the eligible costs of each category and the EU grant you "
                       "request."),
            )
        exact = self.allowed(costs)
        allowed = exact.quantize(CENT, rounding=ROUND_FLOOR)
        context = {
            "grant": money(grant), "fstp": money(costs["fstp"]), "other": money(costs["other"]),
            "allowed": money(allowed), **self.rates_text(params),
        }
        message = _(
            "The requested grant is %(grant)s; the call funds at most %(fstp_rate)s of the "
            "%(fstp)s of financial support to third parties and %(other_rate)s of the "
            "%(other)s of other costs, that is %(allowed)s."
        ) % context
        if grant <= exact:
            return self.outcome(Status.PASS, message, actual=str(grant), required=str(allowed))
        hint = _(
            "Lower the requested grant to at most %(allowed)s, or check the costs of each "
            "category."
        ) % context
        return self.outcome(Status.FAIL, message, actual=str(grant), required=str(allowed),
                            hint=hint)

    def explain(self, params):
        return _(
            "The EU grant may cover at most %(fstp_rate)s of the costs of financial support "
            "to third parties and %(other_rate)s of all other eligible costs."
        ) % self.rates_text(params)


class FstpShare(Rule):
    """At least the call's minimum share of the requested grant is passed on to third parties
    as financial support (cascade funding, e.g. open calls for SMEs).

    Its source: SMP-COSME-2024-CLUSTER-01 (CALLS.md §7.5, secondary): at least 75 % of the
    funding goes to SMEs through open calls for cascade funding. The costs of financial
    support to third parties are compared with the requested grant, in exact decimals.
    """

    code = "fstp_share"
    title = gettext_lazy("Share passed on to third parties")
    order = 82

    class Parameters(RuleParameters):
        minimum = forms.DecimalField(
            label=gettext_lazy("minimum share"), max_digits=5, decimal_places=4,
            min_value=Decimal("0.0001"), max_value=Decimal("1"),
            help_text=gettext_lazy(
                "A fraction of the requested grant: 0.75 means at least 75 % of the grant."
            ),
        )

    @per_call
    def share_text(self, params) -> str:
        return percent(self.options["minimum"])

    def evaluate(self, facts, params, as_of):
        grant = facts.project.requested_grant
        costs = facts.project.costs
        minimum = self.options["minimum"]
        if grant is None or costs is None:
            absent = costs_missing(grant, costs)
            return self.outcome(
                Status.MISSING, _("Not given yet: %(facts)s.") % {"facts": both(absent)},
                hint=_("Give the eligible costs of each category and the EU grant you "
                       "request."),
            )
        passed_on = costs["fstp"]
        needed = (grant * minimum).quantize(CENT, rounding=ROUND_CEILING)
        context = {
            "passed_on": money(passed_on), "grant": money(grant),
            "minimum": self.share_text(params), "needed": money(needed),
        }
        if grant:
            share = (passed_on / grant).quantize(Decimal("0.0001"), rounding=ROUND_FLOOR)
            context["share"] = percent(share)
            message = _(
                "%(passed_on)s of financial support to third parties is %(share)s of the "
                "requested grant of %(grant)s; the call requires at least %(minimum)s, that "
                "is %(needed)s."
            ) % context
        else:
            message = _("No grant is requested.")
        if passed_on >= grant * minimum:
            return self.outcome(Status.PASS, message, actual=str(passed_on),
                                required=str(needed))
        hint = _(
            "Pass on at least %(needed)s to third parties, or lower the requested grant."
        ) % context
        return self.outcome(Status.FAIL, message, actual=str(passed_on), required=str(needed),
                            hint=hint)

    def explain(self, params):
        return _(
            "At least %(minimum)s of the EU grant must be passed on to third parties as "
            "financial support (cascade funding)."
        ) % {"minimum": self.share_text(params)}
