"""The rules a call can configure, one small class each.

Every rule has a stable ``code`` (``calls.models.RuleCode``), a docstring citing the part of
the call text it implements, ``evaluate`` returning an :class:`~eligibility.outcomes.Outcome`
and ``explain`` describing it in plain language for the call's rules page. Rules read only
the facts and the call's parameters: they never query the database and never hard-code a
threshold. A rule ``missing`` facts says so instead of guessing; it fails only when the
facts already given cannot pass whatever the missing ones turn out to be.
"""
from datetime import datetime
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from functools import lru_cache

from calls.models import EccpStatus, OrganisationType, RegionCategory, RuleCode

from .facts import CENT, CallParameters, ConsortiumFacts, MemberFacts
from .outcomes import Outcome, Status
from .wording import (
    _,
    both,
    choice_label,
    choice_labels,
    country_list,
    country_name,
    current_language,
    day_text,
    either,
    instant_text,
    money,
    ngettext,
    ordered_values,
    per_call,
    percent,
)


def names(members: list[MemberFacts]) -> str:
    return ", ".join(member.name for member in members)


def with_country(members: list[MemberFacts]) -> str:
    # Only ever given members whose country is known.
    return ", ".join(
        f"{member.name} ({country_name(member.country)})"  # type: ignore[arg-type]
        for member in members
    )


def category_text(params: CallParameters) -> str:
    return _category_text(params, current_language())


@lru_cache(maxsize=256)
def _category_text(params: CallParameters, language: str) -> str:
    words = choice_labels(RegionCategory, params.qualifying_region_categories)
    # Quotation marks differ by language: “…” in English, „…” in Romanian.
    return either(_("“%(category)s”") % {"category": word.lower()} for word in words)


def deadline_text(instant: datetime, params: CallParameters, *, seconds: bool = False) -> str:
    return instant_text(
        instant, params.deadline_timezone, params.deadline_local.tzinfo, seconds=seconds
    )


class Rule:
    """One condition of a call. Subclasses set ``code`` and implement ``evaluate``."""

    code: str = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # A plain string: outcomes carry it and the call's settings are keyed by it.
        cls.code = RuleCode(cls.code).value

    def evaluate(self, facts: ConsortiumFacts, params: CallParameters, as_of: datetime) -> Outcome:
        raise NotImplementedError

    def explain(self, params: CallParameters) -> str:
        raise NotImplementedError

    def outcome(
        self, params: CallParameters, status: Status, message: str, *,
        actual=None, required=None, hint: str = "",
    ) -> Outcome:
        setting = params.rule_settings[self.code]
        # Positional: twice as fast as keywords, and this runs a dozen times per check.
        return Outcome(
            self.code, status, setting.severity, message, actual, required, setting.reference,
            hint,
        )

    def no_members(self, params: CallParameters, *, actual=None, required=None) -> Outcome:
        return self.outcome(
            params, Status.MISSING, _("The consortium has no members yet."),
            actual=actual, required=required, hint=_("Add the members of the consortium."),
        )


class EligibleCountries(Rule):
    """Every member is established in a country taking part in the programme on the deadline.

    Call text §6.1 (eligible applicants): legal entities established in an EU Member State or
    in a non-EU country taking part in the programme (COSME Regulation 1287/2013, art. 6).
    Membership of the EU and participation in the programme have dates; the date that counts
    is the deadline's, in the deadline's own time zone.
    """

    code = RuleCode.ELIGIBLE_COUNTRIES

    @per_call
    def call_terms(self, params) -> tuple[tuple[str, ...], dict[str, str]]:
        context = {
            "programme": params.programme_name,
            "date": day_text(params.participation_date),
        }
        return tuple(sorted(params.eligible_countries)), context

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        countries, context = self.call_terms(params)
        required = list(countries)
        members = facts.members
        actual = list(dict.fromkeys(member.country for member in members if member.country))
        if not members:
            return self.no_members(params, actual=actual, required=required)
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
            return self.outcome(params, Status.FAIL, message, actual=actual,
                                required=required, hint=hint)
        if unknown:
            message = _("The country of %(members)s is not given.") % {"members": names(unknown)}
            return self.outcome(params, Status.MISSING, message, actual=actual, required=required,
                                hint=_("Give the country in which each member is established."))
        message = ngettext(
            "The member is established in a country taking part in the programme on the "
            "deadline date, %(date)s.",
            "All %(count)d members are established in countries taking part in the programme "
            "on the deadline date, %(date)s.",
            len(members),
        ) % {**context, "count": len(members)}
        return self.outcome(params, Status.PASS, message, actual=actual, required=required)

    def explain(self, params):
        return _(
            "Every member must be established in a country taking part in %(programme)s on the "
            "deadline date, %(date)s: the EU Member States on that day and the non-EU countries "
            "participating in the programme. On that date these are: %(countries)s."
        ) % {
            "programme": params.programme_name,
            "date": day_text(params.participation_date),
            "countries": country_list(sorted(params.eligible_countries, key=country_name)),
        }


class MinEntities(Rule):
    """At least the call's minimum number of legal entities, each in an eligible country.

    Call text §6.2 (consortia): at least three legal entities established in eligible
    countries. Members established elsewhere do not count.
    """

    code = RuleCode.MIN_ENTITIES

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        required = params.min_entities
        counted = unknown = 0
        outside = []
        for member in facts.members:
            if member.country is None:
                unknown += 1
            elif member.country in eligible:
                counted += 1
            else:
                outside.append(member)
        counts = ngettext(
            "%(count)d member is established in an eligible country",
            "%(count)d members are established in eligible countries",
            counted,
        ) % {"count": counted}
        requirement = _("the call requires at least %(required)d.") % {"required": required}
        if counted >= required:
            return self.outcome(params, Status.PASS, f"{counts}; {requirement}",
                                actual=counted, required=required)
        if counted + unknown >= required:
            message = " ".join([
                f"{counts}; {requirement}",
                ngettext(
                    "The country of %(unknown)d member is not given.",
                    "The country of %(unknown)d members is not given.",
                    unknown,
                ) % {"unknown": unknown},
            ])
            return self.outcome(params, Status.MISSING, message, actual=counted, required=required,
                                hint=_("Give the country in which each member is established."))
        message = f"{counts}; {requirement}"
        if outside:
            message += " " + _("Not counted: %(members)s.") % {"members": with_country(outside)}
        more = required - counted - unknown
        hint = ngettext(
            "Add %(more)d more member established in an eligible country.",
            "Add %(more)d more members established in eligible countries.",
            more,
        ) % {"more": more}
        return self.outcome(params, Status.FAIL, message, actual=counted, required=required,
                            hint=hint)

    def explain(self, params):
        return ngettext(
            "The consortium must have at least %(count)d legal entity established in an "
            "eligible country.",
            "The consortium must have at least %(count)d legal entities, each established in "
            "an eligible country.",
            params.min_entities,
        ) % {"count": params.min_entities}


class MinCountries(Rule):
    """Members come from at least the call's minimum number of different eligible countries.

    Call text §6.2 (consortia): legal entities established in at least three different
    eligible countries.
    """

    code = RuleCode.MIN_COUNTRIES

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        required = params.min_countries
        countries = list(dict.fromkeys(
            member.country for member in facts.members if member.country in eligible
        ))
        actual = len(countries)
        unknown = sum(1 for member in facts.members if member.country is None)
        context = {"count": actual, "required": required}
        if actual >= required:
            message = _(
                "Members come from %(count)d eligible countries (%(countries)s); the call "
                "requires at least %(required)d."
            ) % {**context, "countries": country_list(countries)}
            return self.outcome(params, Status.PASS, message, actual=actual, required=required)
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
            return self.outcome(params, Status.MISSING, message, actual=actual, required=required,
                                hint=_("Give the country in which each member is established."))
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
        return self.outcome(params, Status.FAIL, message, actual=actual, required=required,
                            hint=hint)

    def explain(self, params):
        return ngettext(
            "The members must be established in at least %(count)d eligible country.",
            "The members must be established in at least %(count)d different eligible "
            "countries.",
            params.min_countries,
        ) % {"count": params.min_countries}


class OrganisationTypes(Rule):
    """Every member is of a type of organisation the call accepts.

    Call text §6.1 (eligible applicants): for ESCP-S3 cluster organisations, other
    business-network organisations, science parks and technology centres; other calls list
    their own types.
    """

    code = RuleCode.ORGANISATION_TYPES

    @per_call
    def accepted_text(self, params) -> str:
        return ", ".join(choice_labels(OrganisationType, params.allowed_organisation_types))

    def evaluate(self, facts, params, as_of):
        allowed = params.allowed_organisation_types
        required = list(ordered_values(OrganisationType, allowed))
        members = facts.members
        actual = list(dict.fromkeys(
            member.organisation_type for member in members if member.organisation_type
        ))
        if not members:
            return self.no_members(params, actual=actual, required=required)
        wrong = [m for m in members if m.organisation_type and m.organisation_type not in allowed]
        unknown = [m for m in members if not m.organisation_type]
        accepted = self.accepted_text(params)
        if wrong:
            described = ", ".join(
                f"{member.name} ({choice_label(OrganisationType, member.organisation_type)})"
                for member in wrong
            )
            message = _(
                "Organisation type not accepted by this call: %(members)s. The call accepts: "
                "%(types)s."
            ) % {"members": described, "types": accepted}
            hint = _(
                "Replace these members with organisations of an accepted type, or correct "
                "their type if it is wrong."
            )
            return self.outcome(params, Status.FAIL, message, actual=actual, required=required,
                                hint=hint)
        if unknown:
            message = _("The organisation type of %(members)s is not given.") % {
                "members": names(unknown)
            }
            hint = _("Give each member's type; the call accepts: %(types)s.") % {
                "types": accepted
            }
            return self.outcome(params, Status.MISSING, message, actual=actual,
                                required=required, hint=hint)
        message = _("Every member is of a type the call accepts (%(types)s).") % {
            "types": accepted
        }
        return self.outcome(params, Status.PASS, message, actual=actual, required=required)

    def explain(self, params):
        return _("Every member must be one of: %(types)s.") % {
            "types": ", ".join(choice_labels(OrganisationType, params.allowed_organisation_types))
        }


class RegionCategoryRule(Rule):
    """At least one member is established in a NUTS 2 region whose category qualifies.

    Call text §6.2 (consortia): at least one member established in a region classified
    "less developed" or "in transition" under the 2014-2020 mapping of Commission
    Implementing Decision 2014/99/EU. A member counts only if its country is eligible;
    members outside the classification's countries have no region and never count.
    """

    code = RuleCode.REGION_CATEGORY

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        categories = params.qualifying_region_categories
        required = list(ordered_values(RegionCategory, categories))
        qualifying = [
            m for m in facts.members
            if m.region_category in categories and m.country in eligible
        ]
        actual = list(dict.fromkeys(member.region for member in qualifying))
        if qualifying:
            described = ", ".join(
                f"{member.name} – {member.region_name} ({member.region})" for member in qualifying
            )
            message = _(
                "Established in a region classified %(categories)s: %(members)s."
            ) % {"categories": category_text(params), "members": described}
            return self.outcome(params, Status.PASS, message, actual=actual, required=required)
        unknown = [
            m for m in facts.members
            if m.region is None
            and (m.country is None or (m.country in eligible
                                       and m.country in params.countries_with_regions))
        ]
        if unknown:
            message = _(
                "No member is in a region classified %(categories)s so far; the region of "
                "%(members)s is not given."
            ) % {"categories": category_text(params), "members": names(unknown)}
            hint = _("Give the NUTS 2 region of %(members)s.") % {"members": names(unknown)}
            regions = self.regions_hint(facts, params)
            if regions:
                hint += " " + regions
            return self.outcome(params, Status.MISSING, message, actual=actual,
                                required=required, hint=hint)
        message = _(
            "No member is established in a region classified %(categories)s (%(classification)s)."
        ) % {"categories": category_text(params), "classification": params.classification_name}
        hint = _("Add a member established in such a region.")
        regions = self.regions_hint(facts, params)
        if regions:
            hint += " " + regions
        else:
            countries = sorted(
                (code for code in params.qualifying_regions if code in params.eligible_countries),
                key=country_name,
            )
            hint += " " + _("None of your members' countries has one; these countries do: "
                            "%(countries)s.") % {"countries": country_list(countries)}
        return self.outcome(params, Status.FAIL, message, actual=actual, required=required,
                            hint=hint)

    @staticmethod
    def regions_hint(facts: ConsortiumFacts, params: CallParameters) -> str:
        countries = dict.fromkeys(
            member.country for member in facts.members
            if member.country in params.eligible_countries
        )
        regions = [
            str(region)
            for country in countries
            for region in params.qualifying_regions.get(country, ())
        ]
        if not regions:
            return ""
        return _("In your members' countries these are: %(regions)s.") % {
            "regions": ", ".join(regions)
        }

    def explain(self, params):
        return _(
            "At least one member must be established in a NUTS 2 region classified "
            "%(categories)s in the %(classification)s classification. Members established "
            "outside the regions it lists (for example in non-EU countries) do not count."
        ) % {"categories": category_text(params), "classification": params.classification_name}


class EccpRegistration(Rule):
    """Every member is registered on the European Cluster Collaboration Platform, or has asked.

    Call text §6.1 (eligible applicants): applicants must be registered on the ECCP
    (clustercollaboration.eu) or have requested registration.
    """

    code = RuleCode.ECCP_REGISTRATION

    @per_call
    def accepted_text(self, params) -> str:
        return ", ".join(choice_labels(EccpStatus, params.accepted_eccp_statuses))

    def evaluate(self, facts, params, as_of):
        accepted = params.accepted_eccp_statuses
        required = list(ordered_values(EccpStatus, accepted))
        members = facts.members
        actual = list(dict.fromkeys(m.eccp_status for m in members if m.eccp_status))
        if not members:
            return self.no_members(params, actual=actual, required=required)
        refused = [m for m in members if m.eccp_status and m.eccp_status not in accepted]
        unknown = [m for m in members if not m.eccp_status]
        statuses = self.accepted_text(params)
        if refused:
            described = ", ".join(
                f"{member.name} ({choice_label(EccpStatus, member.eccp_status)})"
                for member in refused
            )
            message = _(
                "ECCP status not accepted by this call: %(members)s. The call accepts: "
                "%(statuses)s."
            ) % {"members": described, "statuses": statuses}
            hint = _(
                "Register %(members)s on the European Cluster Collaboration Platform "
                "(clustercollaboration.eu) before submitting."
            ) % {"members": names(refused)}
            return self.outcome(params, Status.FAIL, message, actual=actual, required=required,
                                hint=hint)
        if unknown:
            message = _("The ECCP status of %(members)s is not given.") % {
                "members": names(unknown)
            }
            hint = _("Give each member's ECCP status; the call accepts: %(statuses)s.") % {
                "statuses": statuses
            }
            return self.outcome(params, Status.MISSING, message, actual=actual,
                                required=required, hint=hint)
        message = _("Every member's ECCP status is accepted (%(statuses)s).") % {
            "statuses": statuses
        }
        return self.outcome(params, Status.PASS, message, actual=actual, required=required)

    def explain(self, params):
        return _(
            "Every member must be registered on the European Cluster Collaboration Platform "
            "(clustercollaboration.eu). Accepted: %(statuses)s."
        ) % {"statuses": ", ".join(choice_labels(EccpStatus, params.accepted_eccp_statuses))}


class MaxGrant(Rule):
    """The requested EU grant does not exceed the call's maximum per project.

    Call text §4 (budget): EUR 350,000 per project for ESCP-S3.
    """

    code = RuleCode.MAX_GRANT

    @per_call
    def maximum_text(self, params) -> str:
        return money(params.max_grant)

    def evaluate(self, facts, params, as_of):
        grant = facts.project.requested_grant
        maximum = params.max_grant
        required = str(maximum)
        if grant is None:
            return self.outcome(params, Status.MISSING, _("The requested grant is not given."),
                                required=required, hint=_("Give the EU grant you request."))
        context = {"grant": money(grant), "maximum": self.maximum_text(params)}
        if grant <= maximum:
            message = _(
                "The requested grant of %(grant)s is within the maximum of %(maximum)s."
            ) % context
            return self.outcome(params, Status.PASS, message, actual=str(grant), required=required)
        message = _(
            "The requested grant of %(grant)s exceeds the maximum of %(maximum)s by %(excess)s."
        ) % {**context, "excess": money(grant - maximum)}
        hint = _("Lower the requested grant to at most %(maximum)s.") % context
        return self.outcome(params, Status.FAIL, message, actual=str(grant), required=required,
                            hint=hint)

    def explain(self, params):
        return _("The EU grant requested may not exceed %(maximum)s per project.") % {
            "maximum": money(params.max_grant)
        }


class CofinancingRate(Rule):
    """The requested grant is at most the call's rate times the total eligible costs.

    Call text §4 (budget): the EU co-finances at most 75 % of the eligible costs. Computed in
    exact decimals; ``required`` is the largest grant the rate allows, rounded down to a cent.
    """

    code = RuleCode.COFINANCING_RATE

    def evaluate(self, facts, params, as_of):
        grant = facts.project.requested_grant
        costs = facts.project.total_eligible_costs
        rate = params.cofinancing_rate
        if grant is None or costs is None:
            absent = [
                label for label, value in (
                    (_("the requested grant"), grant), (_("the total eligible costs"), costs)
                ) if value is None
            ]
            message = _("Not given yet: %(facts)s.") % {"facts": both(absent)}
            return self.outcome(
                params, Status.MISSING, message,
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
            return self.outcome(params, Status.PASS, message, actual=str(grant),
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
        return self.outcome(params, Status.FAIL, message, actual=str(grant),
                            required=str(allowed), hint=hint)

    @per_call
    def rate_text(self, params) -> str:
        return percent(params.cofinancing_rate)

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
        ) % {"rate": percent(params.cofinancing_rate)}


class Duration(Rule):
    """The project lasts between the call's minimum and maximum number of months.

    Call text §6.3 (implementation period): 12 to 24 months for ESCP-S3.
    """

    code = RuleCode.DURATION

    def evaluate(self, facts, params, as_of):
        months = facts.project.duration_months
        required = {"min": params.min_duration_months, "max": params.max_duration_months}
        context = {"min": params.min_duration_months, "max": params.max_duration_months}
        if months is None:
            return self.outcome(params, Status.MISSING, _("The project's duration is not given."),
                                required=required,
                                hint=_("Give the duration in months (%(min)d to %(max)d).")
                                % context)
        context["months"] = months
        message = ngettext(
            "The project lasts %(months)d month; the call allows %(min)d to %(max)d months.",
            "The project lasts %(months)d months; the call allows %(min)d to %(max)d months.",
            months,
        ) % context
        if params.min_duration_months <= months <= params.max_duration_months:
            return self.outcome(params, Status.PASS, message, actual=months, required=required)
        return self.outcome(params, Status.FAIL, message, actual=months, required=required,
                            hint=_("Plan the project to last %(min)d to %(max)d months.")
                            % context)

    def explain(self, params):
        return _("The project must last between %(min)d and %(max)d months.") % {
            "min": params.min_duration_months, "max": params.max_duration_months
        }


class StartWindow(Rule):
    """The project starts within the call's start window.

    Call text §3 (timetable): ESCP-S3 projects must start in November or December 2018.
    """

    code = RuleCode.START_WINDOW

    @per_call
    def window_terms(self, params) -> tuple[dict[str, str], dict[str, str]]:
        window_from, window_to = params.start_window_from, params.start_window_to
        return (
            {"from": window_from.isoformat(), "to": window_to.isoformat()},
            {"from": day_text(window_from), "to": day_text(window_to)},
        )

    def evaluate(self, facts, params, as_of):
        start = facts.project.start_date
        window_from, window_to = params.start_window_from, params.start_window_to
        if window_from is None or window_to is None:
            return self.outcome(params, Status.PASS, _("The call sets no start window."),
                                actual=start.isoformat() if start else None)
        required, window = self.window_terms(params)
        required, context = dict(required), dict(window)
        if start is None:
            return self.outcome(
                params, Status.MISSING, _("The project's start date is not given."),
                required=required,
                hint=_("Give a start date from %(from)s to %(to)s.") % context,
            )
        context["start"] = day_text(start)
        if window_from <= start <= window_to:
            message = _(
                "The project starts on %(start)s, within the call's window (%(from)s to %(to)s)."
            ) % context
            return self.outcome(params, Status.PASS, message, actual=start.isoformat(),
                                required=required)
        message = _(
            "The project starts on %(start)s, outside the call's window (%(from)s to %(to)s)."
        ) % context
        return self.outcome(params, Status.FAIL, message, actual=start.isoformat(),
                            required=required,
                            hint=_("Plan the start from %(from)s to %(to)s.") % context)

    def explain(self, params):
        if params.start_window_from is None or params.start_window_to is None:
            return _("The call sets no window for the project's start.")
        return _("The project must start from %(from)s to %(to)s.") % {
            "from": day_text(params.start_window_from), "to": day_text(params.start_window_to)
        }


class Deadline(Rule):
    """The check is made strictly before the submission deadline.

    Call text §3 (timetable): 8 March 2018, 17:00 Brussels time, for ESCP-S3. A proposal
    submitted at 17:00:00 is late.
    """

    code = RuleCode.DEADLINE

    @per_call
    def deadline_terms(self, params) -> tuple[str, str]:
        return params.deadline_local.isoformat(), deadline_text(params.deadline_local, params)

    def evaluate(self, facts, params, as_of):
        deadline = params.deadline_local
        required, deadline_wording = self.deadline_terms(params)
        checked = as_of.astimezone(deadline.tzinfo)
        context = {
            "checked": deadline_text(checked, params, seconds=True),
            "deadline": deadline_wording,
        }
        if as_of < deadline:
            message = _("Checked at %(checked)s, before the deadline of %(deadline)s.") % context
            return self.outcome(params, Status.PASS, message, actual=checked.isoformat(),
                                required=required)
        message = _(
            "The deadline of %(deadline)s has passed (checked at %(checked)s)."
        ) % context
        return self.outcome(params, Status.FAIL, message, actual=checked.isoformat(),
                            required=required,
                            hint=_("This call is closed to submissions; look for a later call."))

    def explain(self, params):
        return _(
            "Proposals must be submitted before %(deadline)s; at that minute the call closes."
        ) % {"deadline": deadline_text(params.deadline_local, params)}


class ClusterOrgPerRegion(Rule):
    """Each region taking part has a cluster organisation or business network among its members.

    Secondary source (Tillväxtverket's summary of ESCP-S3): from each region taking part, one
    partner should be a cluster organisation or business network. The call text does not say
    so in these words, so calls configure it as advisory. The organisation types that satisfy
    it are those two by definition of the rule.
    """

    code = RuleCode.CLUSTER_ORG_PER_REGION
    anchor_types = frozenset(
        {OrganisationType.CLUSTER_ORGANISATION, OrganisationType.BUSINESS_NETWORK}
    )

    @per_call
    def anchor_text(self, params) -> str:
        return either(
            label.lower() for label in choice_labels(OrganisationType, self.anchor_types)
        )

    def evaluate(self, facts, params, as_of):
        by_region: dict[str, list[MemberFacts]] = {}
        unknown_region = []
        for member in facts.members:
            if member.region:
                by_region.setdefault(member.region, []).append(member)
            elif member.country is None or member.country in params.countries_with_regions:
                unknown_region.append(member)
        uncovered, pending = [], []
        anchors = self.anchor_types
        for members in by_region.values():
            types = {member.organisation_type for member in members}
            if types & anchors:
                continue
            if None in types:
                pending.append(members)
            else:
                uncovered.append(members)
        actual = len(by_region) - len(uncovered) - len(pending)
        required = len(by_region)
        anchor_wording = self.anchor_text(params)
        if uncovered:
            regions = ", ".join(
                f"{members[0].region_name} ({members[0].region})" for members in uncovered
            )
            message = _("No %(types)s among the members from: %(regions)s.") % {
                "types": anchor_wording, "regions": regions
            }
            hint = _(
                "Add a cluster organisation or business-network organisation from each of "
                "these regions, or check the members' types."
            )
            return self.outcome(params, Status.FAIL, message, actual=actual, required=required,
                                hint=hint)
        if pending or unknown_region:
            missing = [member for members in pending for member in members] + unknown_region
            message = _(
                "Cannot tell yet: the region or organisation type of %(members)s is not given."
            ) % {"members": names(missing)}
            return self.outcome(params, Status.MISSING, message, actual=actual, required=required,
                                hint=_("Give each member's region and organisation type."))
        if not by_region:
            message = _("No member is established in a NUTS 2 region; nothing to check.")
            return self.outcome(params, Status.PASS, message, actual=actual, required=required)
        message = ngettext(
            "The region taking part has a %(types)s among its members.",
            "Each of the %(count)d regions taking part has a %(types)s among its members.",
            required,
        ) % {"count": required, "types": anchor_wording}
        return self.outcome(params, Status.PASS, message, actual=actual, required=required)

    def explain(self, params):
        return _(
            "From each NUTS 2 region taking part, at least one member should be a cluster "
            "organisation or a business-network organisation."
        )


RULES = (
    EligibleCountries(),
    MinEntities(),
    MinCountries(),
    OrganisationTypes(),
    RegionCategoryRule(),
    EccpRegistration(),
    MaxGrant(),
    CofinancingRate(),
    Duration(),
    StartWindow(),
    Deadline(),
    ClusterOrgPerRegion(),
)
RULES_BY_CODE = {str(rule.code): rule for rule in RULES}
