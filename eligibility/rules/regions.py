"""Conditions on the members' NUTS 2 regions."""
from typing import ClassVar

from django.utils.translation import gettext_lazy

from calls.models import OrganisationType, RegionCategory

from ..facts import CallParameters, ConsortiumFacts, MemberFacts, QualifyingRegion
from ..outcomes import Status
from ..wording import (
    _,
    choice_labels,
    country_list,
    country_name,
    either,
    ngettext,
    ordered_values,
    per_call,
)
from .base import ChoiceList, Rule, RuleParameters, names


class QualifyingCategories(RuleParameters):
    categories = ChoiceList(
        RegionCategory, label=gettext_lazy("qualifying region categories"),
        help_text=gettext_lazy(
            "The categories of region (in the call's region classification) that qualify."
        ),
    )


class RegionCategoryRule(Rule):
    """At least one member is established in a NUTS 2 region whose category qualifies.

    Call text §6.2 (consortia): at least one member established in a region classified
    "less developed" or "in transition" under the 2014-2020 mapping of Commission
    Implementing Decision 2014/99/EU. A member counts only if its country is eligible;
    members outside the classification's countries have no region and never count.
    """
    code = "region_category"
    title = gettext_lazy("Less developed or transition region")
    order = 50
    Parameters = QualifyingCategories

    @per_call
    def category_text(self, params) -> str:
        words = choice_labels(RegionCategory, self.options["categories"])
        # Quotation marks differ by language: “…” in English, „…” in Romanian.
        return either(_("“%(category)s”") % {"category": word.lower()} for word in words)

    @per_call
    def qualifying_regions(self, params) -> dict[str, tuple[QualifyingRegion, ...]]:
        """Each country's regions whose category qualifies, for hints."""
        categories = set(self.options["categories"])
        return {
            country: qualifying
            for country, regions in params.regions.items()
            if (qualifying := tuple(region for region in regions if region.category in categories))
        }

    def evaluate(self, facts, params, as_of):
        eligible = params.eligible_countries
        categories = self.options["categories"]
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
            ) % {"categories": self.category_text(params), "members": described}
            return self.outcome(Status.PASS, message, actual=actual, required=required)
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
            ) % {"categories": self.category_text(params), "members": names(unknown)}
            hint = _("Give the NUTS 2 region of %(members)s.") % {"members": names(unknown)}
            regions = self.regions_hint(facts, params)
            if regions:
                hint += " " + regions
            return self.outcome(Status.MISSING, message, actual=actual,
                                required=required, hint=hint)
        message = _(
            "No member is established in a region classified %(categories)s (%(classification)s)."
        ) % {"categories": self.category_text(params), "classification": params.classification_name}
        hint = _("Add a member established in such a region.")
        regions = self.regions_hint(facts, params)
        if regions:
            hint += " " + regions
        else:
            countries = sorted(
                (code for code in self.qualifying_regions(params)
                 if code in params.eligible_countries),
                key=country_name,
            )
            hint += " " + _("None of your members' countries has one; these countries do: "
                            "%(countries)s.") % {"countries": country_list(countries)}
        return self.outcome(Status.FAIL, message, actual=actual, required=required,
                            hint=hint)

    def regions_hint(self, facts: ConsortiumFacts, params: CallParameters) -> str:
        countries = dict.fromkeys(
            member.country for member in facts.members
            if member.country in params.eligible_countries
        )
        regions = [
            str(region)
            for country in countries
            for region in self.qualifying_regions(params).get(country, ())
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
        ) % {"categories": self.category_text(params), "classification": params.classification_name}

    def call_problems(self, call) -> list[str]:
        if self.not_known:
            return []  # not checked: no region is read
        if call.region_classification_id is None:
            return [_("this rule needs the call's region_classification.")]
        present = set(call.region_classification.regions.values_list("category", flat=True))
        return [
            _("the classification %(classification)s has no %(category)s region.")
            % {"classification": call.region_classification.code, "category": category}
            for category in self.options.get("categories") or ()
            if category not in present
        ]


class ClusterOrgPerRegion(Rule):
    """Each region taking part has a cluster organisation or business network among its members.

    Secondary source (Tillväxtverket's summary of ESCP-S3): from each region taking part, one
    partner should be a cluster organisation or business network. The call text does not say
    so in these words, so calls configure it as advisory. The organisation types that satisfy
    it are those two by definition of the rule.
    """
    code = "cluster_org_per_region"
    title = gettext_lazy("Cluster organisation per region")
    order = 120
    anchor_types: ClassVar[frozenset[str]] = frozenset(
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
            return self.outcome(Status.FAIL, message, actual=actual, required=required,
                                hint=hint)
        if pending or unknown_region:
            missing = [member for members in pending for member in members] + unknown_region
            message = _(
                "Cannot tell yet: the region or organisation type of %(members)s is not given."
            ) % {"members": names(missing)}
            return self.outcome(Status.MISSING, message, actual=actual, required=required,
                                hint=_("Give each member's region and organisation type."))
        if not by_region:
            message = _("No member is established in a NUTS 2 region; nothing to check.")
            return self.outcome(Status.PASS, message, actual=actual, required=required)
        message = ngettext(
            "The region taking part has a %(types)s among its members.",
            "Each of the %(count)d regions taking part has a %(types)s among its members.",
            required,
        ) % {"count": required, "types": anchor_wording}
        return self.outcome(Status.PASS, message, actual=actual, required=required)

    def explain(self, params):
        return _(
            "From each NUTS 2 region taking part, at least one member should be a cluster "
            "organisation or a business-network organisation."
        )
