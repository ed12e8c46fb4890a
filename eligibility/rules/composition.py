"""Conditions on what the consortium is made of: at least N members of given types."""
from django.utils.translation import gettext_lazy

from calls.models import OrganisationType

from ..wording import _, choice_labels, either, ngettext
from .base import ChoiceList
from .members import AtLeastNMembers, Minimum
from .roles import counting_roles, not_counted_for_role


class MinimumOfType(Minimum):
    types = ChoiceList(
        OrganisationType, label=gettext_lazy("organisation types that count"),
        help_text=gettext_lazy("A member of any of these types counts."),
    )


class MinMembersOfType(AtLeastNMembers):
    """At least the call's minimum number of members are organisations of the given types,
    e.g. "at least three public or private cluster organisations or networks".

    Its source: SMP-COSME-2024-CLUSTER-01 (CALLS.md §7.5, secondary: fasi.eu): the consortium has at
    least three cluster organisations or networks. Only members whose role counts are
    counted; a member whose type is not given may still count.
    """

    code = "min_members_of_type"
    title = gettext_lazy("Minimum number of members of a type")
    order = 25
    Parameters = MinimumOfType

    def types_text(self) -> str:
        labels = choice_labels(OrganisationType, self.options["types"])
        return either(label.lower() for label in labels)

    def matches(self, member, params):
        if member.role not in counting_roles(self.options):
            return False
        if member.organisation_type is None:
            return None
        return member.organisation_type in self.options["types"]

    def counts_text(self, counted):
        return ngettext(
            "%(count)d member is a %(types)s",
            "%(count)d members are a %(types)s",
            counted,
        ) % {"count": counted, "types": self.types_text()}

    def unknown_text(self, unknown):
        return ngettext(
            "The organisation type of %(unknown)d member is not given.",
            "The organisation type of %(unknown)d members is not given.",
            unknown,
        ) % {"unknown": unknown}

    def unknown_hint(self):
        return _("Give each member's organisation type.")

    def not_counted_text(self, members):
        return not_counted_for_role(members, self.options)

    def more_hint(self, more):
        return ngettext(
            "Add %(more)d more member that is a %(types)s.",
            "Add %(more)d more members that are each a %(types)s.",
            more,
        ) % {"more": more, "types": self.types_text()}

    def explain(self, params):
        minimum = self.options["minimum"]
        return ngettext(
            "At least %(count)d member must be a %(types)s.",
            "At least %(count)d members must each be a %(types)s.",
            minimum,
        ) % {"count": minimum, "types": self.types_text()}
