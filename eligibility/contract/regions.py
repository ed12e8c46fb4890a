"""Each member's region, found in the call's region classification (aliases too)."""
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from calls import countries
from calls.models import Region
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
    """Find each member's region in the call's classification (aliases too), in one query."""
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
    codes = {code for code, _country in wanted.values()}
    rows = (
        Region.objects.filter(classification__code=params.classification_code)
        .filter(Q(code__in=codes) | Q(aliases__code__in=codes))
        .values_list("code", "name", "category", "country_id", "aliases__code")
    )
    by_code: dict[str, RegionFound] = {}
    for code, name, category, country, alias in rows:
        region = RegionFound(code=code, name=name, category=category, country=country)
        by_code[code] = region
        if alias:
            by_code.setdefault(alias, region)
    problems: list[Problem] = []
    found: dict[int, RegionFound] = {}
    for index, (code, country) in wanted.items():
        region = by_code.get(code)
        if region is not None and (country is None or region.country == country):
            found[index] = region
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
