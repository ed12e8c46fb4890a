"""Each member's region, found in the call's region classification (aliases too)."""
from dataclasses import dataclass

from django.utils.translation import gettext as _

from calls import countries
from eligibility.facts import CallParameters

from .errors import Problem, quoted


@dataclass(frozen=True)
class RegionFound:
    code: str
    name: str
    category: str
    country: str


def region_lookup(
    params: CallParameters, members: list, failed: set
) -> tuple[list[Problem], dict[int, RegionFound]]:
    """Find each member's region in the call's classification (aliases too), among the
    call's parameters (built once per version of the call: no query)."""
    wanted: dict[int, tuple[str, str | None]] = {}
    for index, member in enumerate(members):
        if not isinstance(member, dict) or ("members", index, "region") in failed:
            continue
        region = member.get("region")
        if not isinstance(region, str):
            continue
        country = None
        if ("members", index, "country") not in failed and isinstance(member.get("country"), str):
            country = countries.iso_code(member["country"])
        wanted[index] = (region.strip().upper(), country)
    if not wanted:
        return [], {}
    if params.classification_code is None:
        message = _("this call uses no region classification; leave the region out")
        return [Problem(("members", index, "region"), message) for index in wanted], {}
    problems: list[Problem] = []
    found: dict[int, RegionFound] = {}
    for index, (code, country) in wanted.items():
        coded = params.region_coded(code)
        if coded is not None and country in {None, coded[0]}:
            region_country, region = coded
            found[index] = RegionFound(
                code=region.code, name=region.name, category=region.category,
                country=region_country,
            )
            continue
        context = {"code": quoted(code), "classification": params.classification_code}
        if country:
            message = _("%(code)s is not a %(classification)s NUTS 2 region of %(country)s") % {
                **context, "country": countries.country_name(country),
            }
            if country not in params.countries_with_regions:
                message += "; " + _("this classification has no regions there: leave the "
                                    "region out")
        else:
            message = _("%(code)s is not a %(classification)s NUTS 2 region") % context
        problems.append(Problem(("members", index, "region"), message))
    return problems, found
