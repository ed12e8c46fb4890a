"""Properties of the engine that must hold for any consortium (hypothesis)."""
from dataclasses import replace

from hypothesis import given, settings, strategies as st

from eligibility.engine import Status, evaluate
from eligibility.facts import ConsortiumFacts, MemberFacts
from tests.fixtures.eligibility_builders import (
    BEFORE_DEADLINE,
    PROGRAMME_COUNTRIES,
    PROJECT,
    params,
)

CALL = params()
REGIONS = {
    "RO": [("RO21", "Nord-Est", "less_developed"), ("RO32", "Bucureşti - Ilfov", "more_developed")],
    "IT": [("ITF3", "Campania", "less_developed"), ("ITC4", "Lombardia", "more_developed")],
    "DE": [("DE41", "Brandenburg - Nordost", "transition"), ("DE11", "Stuttgart",
                                                            "more_developed")],
    "GB": [("UKL1", "West Wales and The Valleys", "less_developed")],
}
NO_REGION_COUNTRIES = ["UA", "XK", "RS", "US", "NO", "CH"]


@st.composite
def members(draw, countries=None) -> MemberFacts:
    country = draw(st.sampled_from(countries or [*REGIONS, *NO_REGION_COUNTRIES, None]))
    region = None
    if country in REGIONS:
        region = draw(st.none() | st.sampled_from(REGIONS[country]))
    return MemberFacts(
        name=draw(st.text(min_size=1, max_size=12)),
        country=country,
        region=region[0] if region else None,
        region_name=region[1] if region else None,
        region_category=region[2] if region else None,
        organisation_type=draw(st.sampled_from(
            [None, "cluster_organisation", "business_network", "science_park",
             "technology_centre", "other"]
        )),
        eccp_status=draw(st.sampled_from([None, "registered", "requested", "none"])),
    )


def statuses(facts: ConsortiumFacts) -> dict[str, Status]:
    report = evaluate(facts, CALL, as_of=BEFORE_DEADLINE)
    return {outcome.rule: outcome.status for outcome in report.outcomes} | {
        "verdict": report.verdict
    }


@settings(max_examples=300, deadline=None)
@given(st.lists(members(), min_size=1, max_size=8).flatmap(
    lambda group: st.tuples(st.just(group), st.permutations(group))
))
def test_the_verdict_and_every_status_do_not_depend_on_member_order(groups):
    original, shuffled = groups
    assert statuses(ConsortiumFacts(PROJECT, tuple(original))) == statuses(
        ConsortiumFacts(PROJECT, tuple(shuffled))
    )


@settings(max_examples=300, deadline=None)
@given(
    st.lists(members(), min_size=0, max_size=6),
    members(countries=sorted(set(REGIONS) | {"UA", "XK", "RS"})),
    st.integers(min_value=0, max_value=6),
)
def test_adding_an_eligible_member_never_breaks_a_passing_count_rule(group, newcomer, position):
    assert newcomer.country in PROGRAMME_COUNTRIES
    before = statuses(ConsortiumFacts(PROJECT, tuple(group)))
    grown = [*group[:position], newcomer, *group[position:]]
    after = statuses(ConsortiumFacts(PROJECT, tuple(grown)))
    for rule in ("min_entities", "min_countries"):
        if before[rule] == Status.PASS:
            assert after[rule] == Status.PASS, rule


@settings(max_examples=100, deadline=None)
@given(st.lists(members(), min_size=1, max_size=6), st.text(max_size=8))
def test_renaming_members_does_not_change_any_status(group, suffix):
    renamed = [replace(member, name=member.name + suffix) for member in group]
    assert statuses(ConsortiumFacts(PROJECT, tuple(group))) == statuses(
        ConsortiumFacts(PROJECT, tuple(renamed))
    )
