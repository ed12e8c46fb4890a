"""The consortium forms check the shape of what is typed, never the call's rules."""
from decimal import Decimal

import pytest

from consortia.forms import ConsortiumForm, MemberChoices, MemberFormSet
from consortia.models import Consortium
from tests.consortium_factories import (
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    escp_call,
    form_data,
    make_consortium,
    make_user,
)

pytestmark = pytest.mark.django_db


def bound_forms(project=None, members=None, consortium=None):
    call = escp_call()
    consortium = consortium or Consortium(call=call)
    existing = list(consortium.members.all()) if consortium.pk else []
    data = form_data(project, members, call=call, existing=existing)
    form = ConsortiumForm(data, instance=consortium)
    formset = MemberFormSet(data, instance=consortium, prefix="members",
                            form_kwargs={"choices": MemberChoices.for_call(call)})
    return form, formset


def member(**changes):
    return {**ELIGIBLE_MEMBERS[1], **changes}


def test_a_complete_eligible_consortium_is_valid():
    form, members = bound_forms()

    assert form.is_valid(), form.errors
    assert members.is_valid(), members.errors


def test_a_draft_with_only_an_acronym_is_valid():
    form, members = bound_forms({"acronym": "DRAFT"}, [])

    assert form.is_valid(), form.errors
    assert members.is_valid()


def test_a_member_row_with_only_a_name_is_valid_for_a_draft():
    form, members = bound_forms(
        {"acronym": "DRAFT"}, [{"name": "Only a name", "is_coordinator": True}]
    )

    assert members.is_valid(), members.errors


@pytest.mark.parametrize("field, value, expected", [
    ("duration_months", "0", "greater than or equal to 1"),
    ("duration_months", "-3", "greater than or equal to"),
    ("duration_months", "twelve", "whole number"),
    ("total_eligible_costs", "100.005", "2 decimal places"),
    ("requested_grant", "-1", "greater than or equal to 0"),
    ("requested_grant", "lots", "Enter an amount in euro"),
    ("start_date", "2018-02-30", "valid date"),
    ("acronym", "", "acronym"),
])
def test_a_project_field_of_the_wrong_shape_is_a_form_error(field, value, expected):
    form, _members = bound_forms({**ELIGIBLE_PROJECT, field: value})

    assert not form.is_valid()
    assert expected in " ".join(form.errors[field])


@pytest.mark.parametrize("row, field, expected", [
    (member(region="RO11"), "region", "is not a region of"),
    (member(country="", region="PT11"), "country", "Choose the country"),
    (member(eccp_profile_url="https://example.com/cluster"),
     "eccp_profile_url", "clustercollaboration.eu"),
    (member(eccp_profile_url="http://www.clustercollaboration.eu/x"),
     "eccp_profile_url", "clustercollaboration.eu"),
    (member(eccp_profile_url="https://clustercollaboration.eu.evil.example/x"),
     "eccp_profile_url", "clustercollaboration.eu"),
    (member(name=""), "name", "legal name"),
    (member(country="ZZ"), "country", "Select a valid choice"),
    (member(organisation_type="university"), "organisation_type", "Select a valid choice"),
])
def test_a_member_field_of_the_wrong_shape_is_an_error_next_to_it(row, field, expected):
    _form, members = bound_forms(members=[ELIGIBLE_MEMBERS[0], row])

    assert not members.is_valid()
    assert expected in " ".join(members.forms[1].errors[field])


def test_an_ecp_profile_on_the_platform_with_or_without_www_is_accepted():
    rows = [
        ELIGIBLE_MEMBERS[0],
        member(eccp_profile_url="https://clustercollaboration.eu/cluster-organisations/norte"),
    ]
    _form, members = bound_forms(members=rows)

    assert members.is_valid(), members.errors


def test_two_coordinators_are_an_error_on_each_coordinator():
    rows = [ELIGIBLE_MEMBERS[0], member(is_coordinator=True), ELIGIBLE_MEMBERS[2]]
    _form, members = bound_forms(members=rows)

    assert not members.is_valid()
    assert "Only one member can be the coordinator" in members.forms[0].errors["is_coordinator"][0]
    assert "Only one member can be the coordinator" in members.forms[1].errors["is_coordinator"][0]
    assert "is_coordinator" not in members.forms[2].errors


def test_members_without_a_coordinator_are_an_error_on_the_first_member():
    rows = [{**ELIGIBLE_MEMBERS[0], "is_coordinator": False}, member()]
    _form, members = bound_forms(members=rows)

    assert not members.is_valid()
    assert members.forms[0].errors["is_coordinator"] == ["Mark one member as the coordinator."]


def test_the_same_organisation_twice_is_an_error_on_the_second_row_whatever_the_case_and_spaces():
    rows = [*ELIGIBLE_MEMBERS, member(name="  cluster   NORTE ")]
    _form, members = bound_forms(members=rows)

    assert not members.is_valid()
    assert "already member 2" in members.forms[3].errors["name"][0]


def test_a_member_outside_the_call_countries_is_no_form_error():
    rows = [*ELIGIBLE_MEMBERS, member(name="Cluster Oslo", country="NO", region="")]
    _form, members = bound_forms(members=rows)

    assert members.is_valid(), members.errors


def test_an_empty_new_row_is_ignored():
    rows = [*ELIGIBLE_MEMBERS, {"name": ""}]
    _form, members = bound_forms(members=rows)

    assert members.is_valid(), members.errors
    assert len(members.kept_forms()) == 3


def test_switching_the_coordinator_between_saved_members_is_valid():
    consortium = make_consortium(make_user())
    saved = list(consortium.members.all())
    rows = [
        {**ELIGIBLE_MEMBERS[0], "is_coordinator": False},
        {**ELIGIBLE_MEMBERS[1], "is_coordinator": True},
        ELIGIBLE_MEMBERS[2],
    ]
    _form, members = bound_forms(members=rows, consortium=consortium)

    assert [m.name for m in saved] == [row["name"] for row in ELIGIBLE_MEMBERS]
    assert members.is_valid(), members.errors


def test_countries_of_the_call_come_first_with_names_in_the_active_language(settings):
    from django.utils import translation

    with translation.override("ro"):
        choices = MemberChoices.for_call(escp_call())
    placeholder, (eligible_label, eligible), (other_label, others) = choices.countries
    eligible_names = dict(eligible)

    assert eligible_names["RO"] == "România"
    assert eligible_names["DE"] == "Germania"
    assert "GB" in eligible_names  # still a member state on 8 March 2018
    assert "NO" in dict(others) and "NO" not in eligible_names
    assert "US" in dict(others)


def test_regions_are_grouped_by_country_and_tagged_with_it():
    choices = MemberChoices.for_call(escp_call())
    groups = dict(choices.regions[1:])

    assert ("%s" % dict(groups["Romania"])[next(iter(dict(groups["Romania"])))]).endswith(")")
    romanian = [label for _value, label in groups["Romania"]]
    assert "Nord-Vest (RO11)" in romanian
    assert all(country == "RO" for value, country in choices.country_of_region.items()
               if value in dict(groups["Romania"]))


def test_the_region_list_says_each_option_s_country_for_the_filter_script():
    form, members = bound_forms()
    html = str(members.forms[0]["region"])

    assert "data-region-filter" in html
    assert '<optgroup label="Romania">' in html
    assert 'data-country="RO"' in html


def saved(project=None, members=None, consortium=None) -> Consortium:
    from consortia.services import consortium_draft_save

    form, formset = bound_forms(project, members, consortium)
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    return consortium_draft_save(
        consortium=form.instance, project=form.project_draft(),
        members=formset.member_drafts(), removed=formset.removed_members(), owner=make_user(),
    )


def test_a_member_s_role_and_declarations_are_saved():
    rows = [
        ELIGIBLE_MEMBERS[0],
        member(role="affiliated_entity", declarations=["hu_public_interest_trust"]),
        {**ELIGIBLE_MEMBERS[2], "role": "associated_partner"},
    ]
    consortium = saved(members=rows)

    stored = list(consortium.members.order_by("-is_coordinator", "id").values_list(
        "role", "declarations"
    ))
    assert stored == [
        ("coordinator", []), ("affiliated_entity", ["hu_public_interest_trust"]),
        ("associated_partner", []),
    ]


def test_a_row_without_a_role_is_a_beneficiary_and_the_coordinator_box_wins():
    rows = [{**ELIGIBLE_MEMBERS[0], "role": "associated_partner"}, ELIGIBLE_MEMBERS[1]]
    consortium = saved(members=rows)

    assert sorted(consortium.members.values_list("is_coordinator", "role")) == [
        (False, "beneficiary"), (True, "coordinator"),
    ]


def test_the_coordinator_stepping_down_becomes_a_beneficiary():
    consortium = make_consortium(make_user())
    rows = [
        {**ELIGIBLE_MEMBERS[0], "is_coordinator": False},
        {**ELIGIBLE_MEMBERS[1], "is_coordinator": True},
        ELIGIBLE_MEMBERS[2],
    ]
    saved(members=rows, consortium=consortium)

    assert dict(consortium.members.values_list("name", "role")) == {
        "Cluster Nord-Vest": "beneficiary", "Cluster Norte": "coordinator",
        "Netzwerk Dresden": "beneficiary",
    }


@pytest.mark.parametrize("row, field, expected", [
    (member(role="observer"), "role", "Select a valid choice"),
    (member(role="coordinator"), "role", "Select a valid choice"),
    (member(declarations=["sanctioned"]), "declarations", "Select a valid choice"),
])
def test_a_role_or_declaration_not_offered_is_an_error_next_to_it(row, field, expected):
    _form, members = bound_forms(members=[ELIGIBLE_MEMBERS[0], row])

    assert not members.is_valid()
    assert expected in " ".join(members.forms[1].errors[field])


def test_the_declarations_cite_the_law_in_the_form():
    _form, members = bound_forms()
    html = str(members.forms[0]["declarations"])

    assert "833/2014, art. 5l" in html
    assert "2022/2506" in html


def test_costs_by_category_are_saved_when_they_make_the_total():
    project = {**ELIGIBLE_PROJECT, "fstp_costs": "166666.67", "other_costs": "300000.00"}
    consortium = saved(project)

    assert consortium.costs == {"fstp": Decimal("166666.67"), "other": Decimal("300000.00")}


@pytest.mark.parametrize("fstp, other, field, expected", [
    ("166666.67", "", "other_costs", "Give both cost categories"),
    ("", "300000.00", "fstp_costs", "Give both cost categories"),
    ("100000.00", "300000.00", "other_costs", "add up to 400000.00, not to the total"),
    ("-1", "466667.67", "fstp_costs", "greater than or equal to 0"),
])
def test_costs_by_category_of_the_wrong_shape_are_an_error_next_to_them(
    fstp, other, field, expected
):
    form, _members = bound_forms({**ELIGIBLE_PROJECT, "fstp_costs": fstp, "other_costs": other})

    assert not form.is_valid()
    assert expected in " ".join(form.errors[field])


def test_an_untouched_new_row_with_the_default_role_is_ignored():
    rows = [*ELIGIBLE_MEMBERS, {"name": "", "role": "beneficiary"}]
    _form, members = bound_forms(members=rows)

    assert members.is_valid(), members.errors
    assert len(members.kept_forms()) == 3


def test_the_database_refuses_a_coordinator_flag_that_contradicts_the_role():
    from django.db import IntegrityError, transaction

    from consortia.models import Member

    consortium = make_consortium(make_user())
    partner = consortium.members.get(is_coordinator=False, name="Cluster Norte")
    with pytest.raises(IntegrityError), transaction.atomic():
        Member.objects.filter(pk=partner.pk).update(role="coordinator")


def test_full_clean_puts_the_role_in_step_with_the_coordinator_box():
    consortium = make_consortium(make_user())
    coordinator = consortium.members.get(is_coordinator=True)
    coordinator.is_coordinator = False
    coordinator.full_clean()

    assert coordinator.role == "beneficiary"


def test_the_strand_chosen_on_the_form_is_saved():
    from calls.models import Call
    from consortia.services import consortium_draft_save

    call = Call.objects.get(reference="SMP-COSME-2024-CLUSTER-01")
    strand = call.strands.get(code="2")
    consortium = Consortium(call=call)
    data = {"acronym": "NZCL", "strand": str(strand.pk), "members-TOTAL_FORMS": "0",
            "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "1000"}
    form = ConsortiumForm(data, instance=consortium)
    members = MemberFormSet(data, instance=consortium, prefix="members",
                            form_kwargs={"choices": MemberChoices.for_call(call)})
    assert form.is_valid(), form.errors
    assert members.is_valid(), members.errors

    saved = consortium_draft_save(consortium=consortium, project=form.project_draft(),
                                  members=members.member_drafts(), owner=make_user())

    assert saved.strand == strand
def plain_select(bound_field) -> str:
    """The field as Django's own select widget renders it, whitespace between tags removed."""
    import re

    from django import forms

    widget = forms.Select(bound_field.field.widget.attrs, bound_field.field.choices)
    html = widget.render(
        bound_field.html_name, bound_field.value(), {"id": bound_field.id_for_label}
    )
    return re.sub(r">\s+<", "><", html)


def without_countries(html: str) -> str:
    """Django's select cannot say each region's country: compare without it."""
    import re

    return re.sub(r' data-country="[A-Z]{2}"', "", html)


@pytest.mark.parametrize("field", ["country", "region"])
def test_every_row_lists_the_same_options_as_django_s_own_select_with_its_choice_marked(field):
    rows = [*ELIGIBLE_MEMBERS, member(name="No country yet", country="", region="")]
    _form, members = bound_forms(members=rows)

    for row in members.forms:
        shared = row[field].field.widget.render(
            row[field].html_name, row[field].value(), {"id": row[field].id_for_label}
        )
        assert without_countries(shared) == without_countries(plain_select(row[field]))
        assert shared.count(" selected") == 1


def test_the_chosen_region_is_marked_in_its_row_only():
    _form, members = bound_forms()
    nord_vest = str(members.forms[0]["region"])
    norte = str(members.forms[1]["region"])

    def chosen(html: str) -> str:
        import re

        return re.search(r'<option value="\d+" selected data-country="..">([^<]*)<', html)[1]

    assert chosen(nord_vest) == "Nord-Vest (RO11)"
    assert chosen(norte) == "Norte (PT11)"
    assert nord_vest.count(" selected") == norte.count(" selected") == 1


def test_the_options_are_rendered_once_per_call_and_language_not_once_per_row(client):
    from django.urls import reverse
    from django.utils import translation

    from consortia.forms import options_markup

    owner = make_user("applicant@example.org")
    consortium = make_consortium(owner)
    client.force_login(owner)
    options_markup.cache_clear()

    for _view in range(2):
        page = client.get(reverse("consortia:edit", args=[consortium.pk]), {"blank": 5})
        assert page.content.decode().count('<option value="RO"') == 8
    with translation.override("ro"):
        romanian = reverse("consortia:edit", args=[consortium.pk])
    assert client.get(romanian).status_code == 200

    # Countries and regions, in English and in Romanian: four renderings for three pages.
    assert options_markup.cache_info().misses == 4


def test_option_labels_and_values_are_escaped_once():
    from consortia.forms import options_markup

    html = options_markup((("A & B", (('x"1', "<Sud>", "RO"),)),))

    assert html == ('<optgroup label="A &amp; B"><option value="x&quot;1" data-country="RO">'
                    "&lt;Sud&gt;</option></optgroup>")
