"""Conditions on where the members are established."""
from django import forms
from django.utils.translation import gettext_lazy

from ..outcomes import Status
from ..wording import _, country_list, country_name, day_text, ngettext, per_call
from .base import Rule, RuleParameters, names, with_country
from .roles import counted_members, counting_roles_field, not_counted_for_role


class EligibleCountries(Rule):
    """Every member is established in a country taking part in the programme on the deadline.

    Call text §6.1 (eligible applicants): legal entities established in an EU Member State or
    in a non-EU country taking part in the programme (COSME Regulation 1287/2013, art. 6).
    Membership of the EU and participation in the programme have dates; the date that counts
    is the deadline's, in the deadline's own time zone.
    """
    code = "eligible_countries"
    title = gettext_lazy("Eligible countries")
    order = 10
    call_facts = ("deadline", "participation_on")

    @per_call
    def call_terms(self, params) -> tuple[tuple[str, ...], dict[str, str]]:
        context = {"programme": params.programme_name, "date": self.day_text(params)}
        return tuple(sorted(params.eligible_countries)), context

    @staticmethod
    def day_text(params) -> str:
        """The deadline's day, and the day participation is read on when the call sets one."""
        deadline_day = day_text(params.deadline_local.date())
        if params.participation_on is None:
            return deadline_day
        return _("%(deadline)s (as the programme's participation stood on %(day)s)") % {
            "deadline": deadline_day, "day": day_text(params.participation_on),
        }

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        countries, context = self.call_terms(params)
        required = list(countries)
        members = facts.members
        actual = list(dict.fromkeys(member.country for member in members if member.country))
        if not members:
            return self.no_members(actual=actual, required=required)
        outside = [m for m in members if m.country is not None and m.country not in eligible]
        unknown = [m for m in members if m.country is None]
        if outside:
            message = ngettext(
                "%(members)s is not established in a country taking part in the programme on "
                "the deadline date, %(date)s.",
                "%(members)s are not established in countries taking part in the programme on "
                "the deadline date, %(date)s.",
                len(outside),
            ) % {**context, "members": with_country(outside)}
            hint = _(
                "Replace %(members)s with organisations established in a participating "
                "country (the EU Member States and the non-EU countries taking part in the "
                "programme on %(date)s), or correct the country if it is wrong."
            ) % {**context, "members": names(outside)}
            return self.outcome(Status.FAIL, message, actual=actual,
                                required=required, hint=hint)
        if unknown:
            message = _("The country of %(members)s is not given.") % {"members": names(unknown)}
            return self.outcome(Status.MISSING, message, actual=actual, required=required,
                                hint=_("Give the country in which each member is established."))
        message = ngettext(
            "The member is established in a country taking part in the programme on the "
            "deadline date, %(date)s.",
            "All %(count)d members are established in countries taking part in the programme "
            "on the deadline date, %(date)s.",
            len(members),
        ) % {**context, "count": len(members)}
        pending = [m for m in members if m.country in params.participation_pending]
        if not pending:
            return self.outcome(Status.PASS, message, actual=actual, required=required)
        message += " " + _(
            "%(members)s may apply, but cannot sign the grant until their country's agreement "
            "with the programme is in force (it is signed or being negotiated)."
        ) % {"members": with_country(pending)}
        outcome = self.outcome(
            Status.PASS, message, actual=actual, required=required,
            hint=_("Check with the programme whether the agreement of %(countries)s is in "
                   "force before the grant is signed.")
            % {"countries": country_list(dict.fromkeys(m.country for m in pending))},
        )
        outcome.provisional = [
            _("the participation of %(country)s: %(source)s") % {
                "country": country_name(country),
                "source": params.participation_pending[country].source,
            }
            for country in dict.fromkeys(m.country for m in pending if m.country)
        ]
        return outcome

    def explain(self, params):
        return _(
            "Every member must be established in a country taking part in %(programme)s on the "
            "deadline date, %(date)s: the EU Member States on that day and the non-EU countries "
            "participating in the programme. On that date these are: %(countries)s."
        ) % {
            "programme": params.programme_name,
            "date": self.day_text(params),
            "countries": country_list(sorted(params.eligible_countries, key=country_name)),
        }


class MinCountries(Rule):
    """Members come from at least the call's minimum number of different eligible countries.

    Call text §6.2 (consortia): legal entities established in at least three different
    eligible countries.
    """
    code = "min_countries"
    title = gettext_lazy("Minimum number of countries")
    order = 30

    class Parameters(RuleParameters):
        minimum = forms.IntegerField(
            label=gettext_lazy("minimum"), min_value=1,
            help_text=gettext_lazy("The smallest number of different eligible countries."),
        )
        counting_roles = counting_roles_field()

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        required = self.options["minimum"]
        members = counted_members(facts.members, self.options)
        countries = list(dict.fromkeys(
            member.country for member in members
            if member.country is not None and member.country in eligible
        ))
        actual = len(countries)
        unknown = sum(1 for member in members if member.country is None)
        context = {"count": actual, "required": required}
        if actual >= required:
            message = _(
                "Members come from %(count)d eligible countries (%(countries)s); the call "
                "requires at least %(required)d."
            ) % {**context, "countries": country_list(countries)}
            return self.outcome(Status.PASS, message, actual=actual, required=required)
        message = ngettext(
            "Members come from %(count)d eligible country (%(countries)s); the call requires "
            "at least %(required)d.",
            "Members come from %(count)d eligible countries (%(countries)s); the call requires "
            "at least %(required)d.",
            actual,
        ) % {**context, "countries": country_list(countries)}
        if actual + unknown >= required:
            message += " " + ngettext(
                "The country of %(unknown)d member is not given.",
                "The country of %(unknown)d members is not given.",
                unknown,
            ) % {"unknown": unknown}
            return self.outcome(Status.MISSING, message, actual=actual, required=required,
                                hint=_("Give the country in which each member is established."))
        left_out = not_counted_for_role(facts.members, self.options)
        if left_out:
            message += " " + left_out
        more = required - actual - unknown
        if countries:
            hint = ngettext(
                "Add a member from %(more)d more eligible country, other than %(countries)s.",
                "Add members from %(more)d more eligible countries, other than %(countries)s.",
                more,
            ) % {"more": more, "countries": country_list(countries)}
        else:
            hint = ngettext(
                "Add a member from %(more)d eligible country.",
                "Add members from %(more)d different eligible countries.",
                more,
            ) % {"more": more}
        return self.outcome(Status.FAIL, message, actual=actual, required=required,
                            hint=hint)

    def explain(self, params):
        return ngettext(
            "The members must be established in at least %(count)d eligible country.",
            "The members must be established in at least %(count)d different eligible "
            "countries.",
            self.options["minimum"],
        ) % {"count": self.options["minimum"]}

    def call_problems(self, call) -> list[str]:
        entities = call.rule_options("min_entities").get("minimum")
        if entities is not None and self.options["minimum"] > entities:
            return [_("there cannot be more countries than entities (min_entities).")]
        return []
