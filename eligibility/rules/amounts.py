"""Conditions on the money: the grant within a range, the grant against the costs."""
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import ClassVar

from django import forms
from django.utils.translation import gettext_lazy

from ..facts import CENT
from ..outcomes import Status
from ..wording import _, both, money, per_call, percent
from .base import Rule, RuleParameters


class AmountRange(RuleParameters):
    minimum = forms.DecimalField(
        label=gettext_lazy("minimum (EUR)"), required=False, max_digits=14, decimal_places=2,
        min_value=Decimal("0.01"), help_text=gettext_lazy("Leave out when there is no minimum."),
    )
    maximum = forms.DecimalField(
        label=gettext_lazy("maximum (EUR)"), required=False, max_digits=14, decimal_places=2,
        min_value=Decimal("0.01"), help_text=gettext_lazy("Leave out when there is no maximum."),
    )

    def clean(self):
        cleaned = super().clean() or {}
        low, high = cleaned.get("minimum"), cleaned.get("maximum")
        if not {"minimum", "maximum"} & {*self.data, *self.not_known}:
            raise forms.ValidationError("Give a minimum, a maximum or both.")
        if low is not None and high is not None and low > high:
            raise forms.ValidationError("The minimum is above the maximum.")
        return cleaned


class AmountInRange(Rule):
    """Family: an amount of the project lies within the call's minimum and/or maximum.

    Concrete rules name the ``amount`` (an attribute of the project facts) and their words.
    """

    amount: ClassVar[str]
    Parameters = AmountRange

    @per_call
    def limits_text(self, params) -> dict[str, str]:
        low, high = self.options.get("minimum"), self.options.get("maximum")
        return {
            "minimum": money(low) if low is not None else "",
            "maximum": money(high) if high is not None else "",
        }

    def missing_message(self) -> str:
        raise NotImplementedError

    def missing_hint(self) -> str:
        raise NotImplementedError

    def within_message(self) -> str:
        raise NotImplementedError

    def above_message(self) -> str:
        raise NotImplementedError

    def above_hint(self) -> str:
        raise NotImplementedError

    def below_message(self) -> str:
        raise NotImplementedError

    def below_hint(self) -> str:
        raise NotImplementedError

    def required_value(self):
        low, high = self.options.get("minimum"), self.options.get("maximum")
        if low is None:
            return str(high)
        return {"min": str(low), "max": None if high is None else str(high)}

    def evaluate(self, facts, params, as_of):
        amount = getattr(facts.project, self.amount)
        low, high = self.options.get("minimum"), self.options.get("maximum")
        required = self.required_value()
        if amount is None:
            return self.outcome(Status.MISSING, self.missing_message(), required=required,
                                hint=self.missing_hint())
        context = {"grant": money(amount), **self.limits_text(params)}
        if high is not None and amount > high:
            message = self.above_message() % {**context, "excess": money(amount - high)}
            return self.outcome(Status.FAIL, message, actual=str(amount), required=required,
                                hint=self.above_hint() % context)
        if low is not None and amount < low:
            message = self.below_message() % {**context, "shortfall": money(low - amount)}
            return self.outcome(Status.FAIL, message, actual=str(amount), required=required,
                                hint=self.below_hint() % context)
        return self.outcome(Status.PASS, self.within_message() % context, actual=str(amount),
                            required=required)


class MaxGrant(AmountInRange):
    """The requested EU grant is within the call's range: at most its maximum per project,
    and at least its minimum where the call sets one.

    Call text §4 (budget): at most EUR 350,000 per project for ESCP-S3.
    """

    code = "max_grant"
    title = gettext_lazy("Maximum grant")
    order = 70
    amount = "requested_grant"

    def missing_message(self):
        return _("The requested grant is not given.")

    def missing_hint(self):
        return _("Give the EU grant you request.")

    def within_message(self):
        if self.options.get("minimum") is None:
            return _("The requested grant of %(grant)s is within the maximum of %(maximum)s.")
        if self.options.get("maximum") is None:
            return _("The requested grant of %(grant)s is at least the minimum of %(minimum)s.")
        return _("The requested grant of %(grant)s is within the range of %(minimum)s to "
                 "%(maximum)s.")

    def above_message(self):
        return _(
            "The requested grant of %(grant)s exceeds the maximum of %(maximum)s by %(excess)s."
        )

    def above_hint(self):
        return _("Lower the requested grant to at most %(maximum)s.")

    def below_message(self):
        return _(
            "The requested grant of %(grant)s is below the minimum of %(minimum)s by "
            "%(shortfall)s."
        )

    def below_hint(self):
        return _("Raise the requested grant to at least %(minimum)s.")

    def explain(self, params):
        limits = self.limits_text(params)
        if not limits["minimum"]:
            return _("The EU grant requested may not exceed %(maximum)s per project.") % limits
        if not limits["maximum"]:
            return _("The EU grant requested must be at least %(minimum)s per project.") % limits
        return _(
            "The EU grant requested must be between %(minimum)s and %(maximum)s per project."
        ) % limits

    def call_problems(self, call) -> list[str]:
        high = self.options.get("maximum")
        if high is not None and high > call.total_budget:
            return [_("the maximum grant cannot exceed the total budget.")]
        return []


class CofinancingRate(Rule):
    """The requested grant is at most the call's rate times the total eligible costs.

    Call text §4 (budget): the EU co-finances at most 75 % of the eligible costs. Computed in
    exact decimals; ``required`` is the largest grant the rate allows, rounded down to a cent.
    """
    code = "cofinancing_rate"
    title = gettext_lazy("Co-financing rate")
    order = 80

    class Parameters(RuleParameters):
        rate = forms.DecimalField(
            label=gettext_lazy("maximum rate"), max_digits=5, decimal_places=4,
            min_value=Decimal("0.0001"), max_value=Decimal("1"),
            help_text=gettext_lazy("A fraction: 0.75 means 75 % of the eligible costs."),
        )

    def evaluate(self, facts, params, as_of):
        grant = facts.project.requested_grant
        costs = facts.project.total_eligible_costs
        rate = self.options["rate"]
        if grant is None or costs is None:
            absent = [
                label for label, value in (
                    (_("the requested grant"), grant), (_("the total eligible costs"), costs)
                ) if value is None
            ]
            message = _("Not given yet: %(facts)s.") % {"facts": both(absent)}
            return self.outcome(
                Status.MISSING, message,
                actual=None if grant is None else str(grant),
                required=None if costs is None else str(self.allowed(costs, rate)),
                hint=_("Give the total eligible costs and the EU grant you request."),
            )
        allowed = self.allowed(costs, rate)
        context = {
            "grant": money(grant), "costs": money(costs), "rate": self.rate_text(params),
            "allowed": money(allowed),
        }
        if grant <= costs * rate:
            if costs:
                message = _(
                    "The requested grant of %(grant)s is %(share)s of the eligible costs of "
                    "%(costs)s; the call co-finances at most %(rate)s, that is %(allowed)s."
                ) % {**context, "share": percent(self.share(grant, costs))}
            else:
                message = _("No grant is requested.")
            return self.outcome(Status.PASS, message, actual=str(grant),
                                required=str(allowed))
        if costs:
            message = _(
                "The requested grant of %(grant)s is %(share)s of the eligible costs of "
                "%(costs)s; the call co-finances at most %(rate)s, that is %(allowed)s."
            ) % {**context, "share": percent(self.share(grant, costs))}
        else:
            message = _("A grant of %(grant)s is requested with no eligible costs.") % context
        needed_costs = (grant / rate).quantize(CENT, rounding=ROUND_CEILING)
        hint = _(
            "Lower the requested grant to at most %(allowed)s, or show eligible costs of at "
            "least %(needed)s."
        ) % {**context, "needed": money(needed_costs)}
        return self.outcome(Status.FAIL, message, actual=str(grant),
                            required=str(allowed), hint=hint)

    @per_call
    def rate_text(self, params) -> str:
        return percent(self.options["rate"])

    @staticmethod
    def allowed(costs: Decimal, rate: Decimal) -> Decimal:
        return (costs * rate).quantize(CENT, rounding=ROUND_FLOOR)

    @staticmethod
    def share(grant: Decimal, costs: Decimal) -> Decimal:
        """The grant as a share of the costs, to 0.01 %, rounded up: 75.001 % shows 75.01 %."""
        return (grant / costs).quantize(Decimal("0.0001"), rounding=ROUND_CEILING)

    def explain(self, params):
        return _(
            "The EU grant may cover at most %(rate)s of the project's total eligible costs."
        ) % {"rate": percent(self.options["rate"])}
