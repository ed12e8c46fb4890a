"""Conditions on the members: every member's attribute accepted, at least N members matching,
the coordinator matching."""
from typing import ClassVar

from django import forms
from django.db.models import TextChoices
from django.utils.translation import gettext_lazy, gettext_noop

from calls.models import EccpStatus, OrganisationType

from ..facts import CallParameters, MemberFacts
from ..outcomes import Status
from ..wording import _, choice_label, choice_labels, ngettext, ordered_values, per_call
from .base import ChoiceList, Rule, RuleParameters, names, with_country


class EveryMemberIn(Rule):
    """Family: every member's ``attribute`` is one of the values the call accepts.

    A member whose value is not given makes the outcome missing; a member with a value the
    call does not accept makes it fail. Concrete rules set ``attribute``, ``choices``,
    ``Parameters`` (an ``accepted`` list) and their wording (message ids with
    ``%(members)s`` and the placeholder named by ``accepted_key``).
    """

    attribute: ClassVar[str]
    choices: ClassVar[type[TextChoices]]
    accepted_key: ClassVar[str] = "accepted"
    refused_message: ClassVar[str]
    refused_hint: ClassVar[str]
    unknown_message: ClassVar[str]
    unknown_hint: ClassVar[str]
    passed_message: ClassVar[str]
    explanation: ClassVar[str]

    @per_call
    def accepted_text(self, params) -> str:
        return ", ".join(choice_labels(self.choices, self.options["accepted"]))

    def evaluate(self, facts, params, as_of):
        accepted = frozenset(self.options["accepted"])
        required = list(ordered_values(self.choices, accepted))
        members = facts.members
        attribute = self.attribute
        values = [(member, getattr(member, attribute)) for member in members]
        actual = list(dict.fromkeys(value for _member, value in values if value))
        if not members:
            return self.no_members(actual=actual, required=required)
        refused = [(member, value) for member, value in values if value and value not in accepted]
        unknown = [member for member, value in values if not value]
        context = {self.accepted_key: self.accepted_text(params)}
        if refused:
            described = ", ".join(
                f"{member.name} ({choice_label(self.choices, value)})" for member, value in refused
            )
            refused_names = names(member for member, _value in refused)
            return self.outcome(
                Status.FAIL, _(self.refused_message) % {**context, "members": described},
                actual=actual, required=required,
                hint=_(self.refused_hint) % {**context, "members": refused_names},
            )
        if unknown:
            return self.outcome(
                Status.MISSING, _(self.unknown_message) % {**context, "members": names(unknown)},
                actual=actual, required=required, hint=_(self.unknown_hint) % context,
            )
        return self.outcome(Status.PASS, _(self.passed_message) % context, actual=actual,
                            required=required)

    def explain(self, params):
        return _(self.explanation) % {self.accepted_key: self.accepted_text(params)}


class AcceptedOrganisationTypes(RuleParameters):
    accepted = ChoiceList(
        OrganisationType, label=gettext_lazy("accepted organisation types"),
        help_text=gettext_lazy("The types of organisation every member must be one of."),
    )


class OrganisationTypes(EveryMemberIn):
    """Every member is of a type of organisation the call accepts.

    Call text §6.1 (eligible applicants): for ESCP-S3 cluster organisations, other
    business-network organisations, science parks and technology centres; other calls list
    their own types.
    """

    code = "organisation_types"
    title = gettext_lazy("Organisation types")
    order = 40
    attribute = "organisation_type"
    choices = OrganisationType
    accepted_key = "types"
    Parameters = AcceptedOrganisationTypes
    refused_message = gettext_noop(
        "Organisation type not accepted by this call: %(members)s. The call accepts: "
        "%(types)s."
    )
    refused_hint = gettext_noop(
        "Replace these members with organisations of an accepted type, or correct "
        "their type if it is wrong."
    )
    unknown_message = gettext_noop("The organisation type of %(members)s is not given.")
    unknown_hint = gettext_noop("Give each member's type; the call accepts: %(types)s.")
    passed_message = gettext_noop("Every member is of a type the call accepts (%(types)s).")
    explanation = gettext_noop("Every member must be one of: %(types)s.")


class AcceptedEccpStatuses(RuleParameters):
    accepted = ChoiceList(
        EccpStatus, label=gettext_lazy("accepted ECCP statuses"),
        help_text=gettext_lazy(
            "The registrations on the European Cluster Collaboration Platform the call accepts."
        ),
    )


class EccpRegistration(EveryMemberIn):
    """Every member is registered on the European Cluster Collaboration Platform, or has asked.

    Call text §6.1 (eligible applicants): applicants must be registered on the ECCP
    (clustercollaboration.eu) or have requested registration.
    """

    code = "eccp_registration"
    title = gettext_lazy("ECCP registration")
    order = 60
    attribute = "eccp_status"
    choices = EccpStatus
    accepted_key = "statuses"
    Parameters = AcceptedEccpStatuses
    refused_message = gettext_noop(
        "ECCP status not accepted by this call: %(members)s. The call accepts: "
        "%(statuses)s."
    )
    refused_hint = gettext_noop(
        "Register %(members)s on the European Cluster Collaboration Platform "
        "(clustercollaboration.eu) before submitting."
    )
    unknown_message = gettext_noop("The ECCP status of %(members)s is not given.")
    unknown_hint = gettext_noop(
        "Give each member's ECCP status; the call accepts: %(statuses)s."
    )
    passed_message = gettext_noop("Every member's ECCP status is accepted (%(statuses)s).")
    explanation = gettext_noop(
        "Every member must be registered on the European Cluster Collaboration Platform "
        "(clustercollaboration.eu). Accepted: %(statuses)s."
    )


class Minimum(RuleParameters):
    minimum = forms.IntegerField(
        label=gettext_lazy("minimum"), min_value=1,
        help_text=gettext_lazy("The smallest number the call accepts."),
    )


class AtLeastNMembers(Rule):
    """Family: at least ``minimum`` members match a condition.

    ``matches(member, params)`` says True, False, or None when the member's facts needed to
    tell are not given. The outcome fails only when the members that match plus those that
    might cannot reach the minimum. Concrete rules set the condition and their wording.
    """

    Parameters = Minimum

    def matches(self, member: MemberFacts, params: CallParameters) -> bool | None:
        raise NotImplementedError

    def counts_text(self, counted: int) -> str:
        raise NotImplementedError

    def unknown_text(self, unknown: int) -> str:
        raise NotImplementedError

    def unknown_hint(self) -> str:
        raise NotImplementedError

    def not_counted_text(self, members: list[MemberFacts]) -> str:
        return ""

    def more_hint(self, more: int) -> str:
        raise NotImplementedError

    def evaluate(self, facts, params, as_of):
        required = self.options["minimum"]
        counted = unknown = 0
        not_counted = []
        for member in facts.members:
            match = self.matches(member, params)
            if match is None:
                unknown += 1
            elif match:
                counted += 1
            else:
                not_counted.append(member)
        counts = self.counts_text(counted)
        requirement = _("the call requires at least %(required)d.") % {"required": required}
        if counted >= required:
            return self.outcome(Status.PASS, f"{counts}; {requirement}",
                                actual=counted, required=required)
        if counted + unknown >= required:
            message = f"{counts}; {requirement} {self.unknown_text(unknown)}"
            return self.outcome(Status.MISSING, message, actual=counted, required=required,
                                hint=self.unknown_hint())
        message = f"{counts}; {requirement}"
        if not_counted:
            message += " " + self.not_counted_text(not_counted)
        return self.outcome(Status.FAIL, message, actual=counted, required=required,
                            hint=self.more_hint(required - counted - unknown))


class MinEntities(AtLeastNMembers):
    """At least the call's minimum number of legal entities, each in an eligible country.

    Call text §6.2 (consortia): at least three legal entities established in eligible
    countries. Members established elsewhere do not count.
    """

    code = "min_entities"
    title = gettext_lazy("Minimum number of entities")
    order = 20

    def matches(self, member, params):
        if member.country is None:
            return None
        return member.country in params.eligible_countries

    def counts_text(self, counted):
        return ngettext(
            "%(count)d member is established in an eligible country",
            "%(count)d members are established in eligible countries",
            counted,
        ) % {"count": counted}

    def unknown_text(self, unknown):
        return ngettext(
            "The country of %(unknown)d member is not given.",
            "The country of %(unknown)d members is not given.",
            unknown,
        ) % {"unknown": unknown}

    def unknown_hint(self):
        return _("Give the country in which each member is established.")

    def not_counted_text(self, members):
        return _("Not counted: %(members)s.") % {"members": with_country(members)}

    def more_hint(self, more):
        return ngettext(
            "Add %(more)d more member established in an eligible country.",
            "Add %(more)d more members established in eligible countries.",
            more,
        ) % {"more": more}

    def explain(self, params):
        minimum = self.options["minimum"]
        return ngettext(
            "The consortium must have at least %(count)d legal entity established in an "
            "eligible country.",
            "The consortium must have at least %(count)d legal entities, each established in "
            "an eligible country.",
            minimum,
        ) % {"count": minimum}


class CoordinatorIs(Rule):
    """Family: the consortium's coordinator matches a condition.

    Concrete rules implement ``matches(coordinator, params)`` (True, False, or None when the
    facts needed are not given) and ``describe()``, the condition in words ("a cluster
    organisation"), used in every message.
    """

    def matches(self, coordinator: MemberFacts, params: CallParameters) -> bool | None:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def evaluate(self, facts, params, as_of):
        coordinators = [member for member in facts.members if member.role == "coordinator"]
        context = {"condition": self.describe()}
        if not coordinators:
            return self.outcome(
                Status.MISSING, _("No member is marked as the coordinator."),
                hint=_("Mark the member that coordinates the consortium."),
            )
        coordinator = coordinators[0]
        context["coordinator"] = coordinator.name
        match = self.matches(coordinator, params)
        if match is None:
            return self.outcome(
                Status.MISSING,
                _("Cannot tell yet whether the coordinator, %(coordinator)s, is %(condition)s.")
                % context,
                hint=_("Complete the coordinator's details."),
            )
        if match:
            return self.outcome(
                Status.PASS, _("The coordinator, %(coordinator)s, is %(condition)s.") % context,
                actual=coordinator.name,
            )
        return self.outcome(
            Status.FAIL, _("The coordinator, %(coordinator)s, is not %(condition)s.") % context,
            actual=coordinator.name,
            hint=_("Make a member that is %(condition)s the coordinator.") % context,
        )

    def explain(self, params):
        return _("The coordinator must be %(condition)s.") % {"condition": self.describe()}
