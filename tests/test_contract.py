"""The JSON contract: what it accepts, and how it reports every problem with its path."""
import json

import pytest

from calls.models import Call, Region, RegionAlias
from eligibility.contract import InvalidRequest, check_request, parse_check_request

pytestmark = pytest.mark.django_db

ESCP_S3 = "COS-CLUSTPARTNS-2017-3-02"


def document(**changes) -> dict:
    base = {
        "call": ESCP_S3,
        "as_of": "2018-03-01T09:00:00+01:00",
        "project": {"acronym": "TEXS3", "duration_months": 24, "start_date": "2018-11-01",
                    "total_eligible_costs": "466667.00", "requested_grant": "350000.00"},
        "members": [
            {"name": "Cluster Textil Nord-Est", "country": "RO", "region": "RO21",
             "organisation_type": "cluster_organisation", "eccp_status": "registered",
             "eccp_profile_url": "https://www.clustercollaboration.eu/content/example",
             "role": "coordinator"},
            {"name": "Distretto Campano", "country": "IT", "region": "ITF3",
             "organisation_type": "business_network", "eccp_status": "requested"},
            {"name": "Cluster Stuttgart", "country": "DE", "region": "DE11",
             "organisation_type": "cluster_organisation", "eccp_status": "registered"},
        ],
    }
    base.update(changes)
    return base


def with_member(index: int, **fields) -> dict:
    body = document()
    body["members"][index].update(fields)
    for key, value in fields.items():
        if value is None:
            del body["members"][index][key]
    return body


def errors_of(body) -> list[str]:
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    with pytest.raises(InvalidRequest) as raised:
        parse_check_request(raw)
    return raised.value.errors


def test_the_example_of_the_issue_is_eligible():
    report = check_request(json.dumps(document()))
    assert str(report.verdict) == "eligible"


def test_a_region_of_another_country_is_named_with_the_classification_and_country():
    body = document()
    body["members"].append({"name": "Cluster Vest", "country": "RO", "region": "RO99"})
    body["members"][2]["region"] = "RO99"
    body["members"][2]["country"] = "RO"
    assert errors_of(body) == [
        'members[2].region: "RO99" is not a 2014-2020 NUTS 2 region of Romania',
        'members[3].region: "RO99" is not a 2014-2020 NUTS 2 region of Romania',
    ]


def test_a_region_of_a_country_the_classification_does_not_cover_says_to_leave_it_out():
    (error,) = errors_of(with_member(2, country="UA", region="UA11"))
    assert error.startswith('members[2].region: "UA11" is not a 2014-2020 NUTS 2 region of Ukraine')
    assert "leave the region out" in error


def test_every_problem_is_reported_at_once_in_document_order():
    body = {
        "call": "NO-SUCH-CALL",
        "as_of": "2018-03-01T09:00:00",
        "project": {"duration_months": "twelve", "total_eligible_costs": "-1",
                    "requested_grant": "1.234", "start_date": "01/11/2018"},
        "members": [
            {"name": "Alpha", "country": "ZZ", "organisation_type": "club",
             "eccp_status": "maybe", "role": "coordinator"},
            {"name": " ALPHA ", "country": "RO", "role": "coordinator"},
            {"country": "US", "colour": "blue"},
            7,
        ],
        "comment": "hello",
    }
    assert errors_of(body) == [
        'call: "NO-SUCH-CALL" is not a known call',
        "as_of: give the UTC offset, e.g. 2018-03-01T09:00:00+01:00",
        "project.duration_months: must be a whole number",
        "project.start_date: must be a date written YYYY-MM-DD",
        "project.total_eligible_costs: must be at least 0",
        "project.requested_grant: at most 2 decimals",
        'members[0].country: "ZZ" is not a country code (ISO 3166-1 alpha-2; EL, UK and XK '
        "are accepted)",
        'members[0].organisation_type: "club" is not one of: cluster_organisation, '
        "business_network, technology_centre, science_park, other",
        'members[0].eccp_status: "maybe" is not one of: registered, requested, none',
        'members[1].name: "ALPHA" is already members[0]',
        "members[1].role: members[0] is already the coordinator; a consortium has one",
        "members[2].name: this field is required",
        "members[2].colour: unknown field",
        "members[3]: must be an object",
        "comment: unknown field",
    ]


@pytest.mark.parametrize("body, error", [
    ("{", "body: malformed JSON at line 1, column 2: Expecting property name enclosed in "
          "double quotes"),
    ("", "body: malformed JSON at line 1, column 1: Expecting value"),
    ("[1, 2]", "body: expected a JSON object"),
    ('"text"', "body: expected a JSON object"),
    (b"\xff\xfe", "body: not UTF-8 text"),
    ('{"call": "x", "members": [], "n": NaN}', "body: malformed JSON"),
    ("[" * 100000, "body: malformed JSON"),
])
def test_malformed_bodies_are_one_error_about_the_body(body, error):
    assert errors_of(body) == [error]


@pytest.mark.parametrize("changes, error", [
    ({"members": []}, "members: give at least one member"),
    ({"members": None}, "members: must be a list"),
    ({"call": 42}, "call: must be a string"),
    ({"project": []}, "project: must be an object"),
    ({"as_of": "soon"}, "as_of: must be a date and time with its UTC offset, "
                        "e.g. 2018-03-01T09:00:00+01:00"),
])
def test_shape_errors_name_the_field(changes, error):
    assert error in errors_of(document(**changes))


def test_call_and_members_are_required():
    assert errors_of({}) == ["call: this field is required", "members: this field is required"]


@pytest.mark.parametrize("amount, error", [
    ("-0.01", "must be at least 0"),
    (-5, "must be at least 0"),
    ("1.001", "at most 2 decimals"),
    (1.001, "at most 2 decimals"),
    ("lots", 'must be an amount: a decimal string or a number, e.g. "350000.00"'),
    (True, 'must be an amount: a decimal string or a number, e.g. "350000.00"'),
    ("NaN", 'must be an amount: a decimal string or a number, e.g. "350000.00"'),
    ("1e40", "too large"),
])
def test_amounts_must_be_non_negative_with_at_most_two_decimals(amount, error):
    body = document()
    body["project"]["requested_grant"] = amount
    assert errors_of(body) == [f"project.requested_grant: {error}"]


@pytest.mark.parametrize("amount, cents", [
    ("350000", "350000.00"), ("349999.9", "349999.90"), (350000, "350000.00"),
    (349999.99, "349999.99"), ("3.5E+5", "350000.00"),
])
def test_amounts_may_be_strings_or_numbers(amount, cents):
    body = document()
    body["project"]["requested_grant"] = amount
    request = parse_check_request(json.dumps(body))
    assert str(request.facts.project.requested_grant) == cents


def test_json_numbers_keep_their_exact_decimals():
    body = '{"call": "%s", "project": {"requested_grant": 0.1, "total_eligible_costs": 0.3}, ' \
           '"members": [{"name": "A"}]}' % ESCP_S3
    request = parse_check_request(body)
    assert str(request.facts.project.requested_grant) == "0.10"
    assert str(request.facts.project.total_eligible_costs) == "0.30"


@pytest.mark.parametrize("written, iso", [
    ("ro", "RO"), ("EL", "GR"), ("gr", "GR"), ("UK", "GB"), ("gb", "GB"), ("XK", "XK"),
    ("us", "US"), (" no ", "NO"),
])
def test_country_codes_are_case_insensitive_and_accept_el_uk_and_xk(written, iso):
    request = parse_check_request(json.dumps(with_member(2, country=written, region=None)))
    assert request.facts.members[2].country == iso


def test_a_region_alias_gives_the_canonical_region_and_its_category():
    request = parse_check_request(json.dumps(with_member(2, country="EL", region="el11")))
    member = request.facts.members[2]
    assert (member.country, member.region, member.region_category) == (
        "GR", "GR11", "less_developed"
    )


def test_a_region_alias_added_later_counts_once_the_call_version_is_raised():
    call = Call.objects.get(reference=ESCP_S3)
    region = Region.objects.get(classification=call.region_classification, code="RO12")
    parse_check_request(json.dumps(document()))  # the call's parameters are built and kept
    RegionAlias.objects.create(region=region, code="RO99")

    call.version_bump()

    request = parse_check_request(json.dumps(with_member(2, country="RO", region="RO99")))
    assert request.facts.members[2].region == "RO12"


def test_a_region_without_country_gives_the_member_its_country():
    request = parse_check_request(json.dumps(with_member(2, country=None, region="RO12")))
    assert request.facts.members[2].country == "RO"


def test_a_region_must_look_like_a_nuts_2_code():
    assert errors_of(with_member(2, region="Bavaria")) == [
        'members[2].region: "Bavaria" is not a NUTS 2 code'
    ]


def test_the_same_organisation_twice_is_an_error_whatever_its_case_and_spacing():
    body = document()
    body["members"].append({"name": "cluster  textil nord-EST", "country": "RO"})
    assert errors_of(body) == [
        'members[3].name: "cluster  textil nord-EST" is already members[0]'
    ]


def test_a_blank_name_is_an_error():
    assert errors_of(with_member(1, name="   ")) == ["members[1].name: must not be blank"]


def test_an_eccp_profile_must_be_on_the_platform():
    assert errors_of(with_member(0, eccp_profile_url="https://example.org/me")) == [
        "members[0].eccp_profile_url: enter the https address of the profile on "
        "clustercollaboration.eu"
    ]


def test_at_most_one_coordinator_but_none_is_fine():
    body = document()
    del body["members"][0]["role"]
    assert parse_check_request(json.dumps(body)).facts.members[0].role == "beneficiary"


def test_every_field_but_call_and_members_may_be_absent():
    request = parse_check_request(json.dumps({"call": ESCP_S3, "members": [{"name": "A"}]}))
    assert request.facts.project.requested_grant is None
    assert request.facts.members[0].country is None
    report = check_request(json.dumps({"call": ESCP_S3, "members": [{"name": "A"}]}))
    assert str(report.verdict) in {"incomplete", "not_eligible"}


def test_the_call_may_be_named_by_its_other_spelling_in_any_case():
    request = parse_check_request(json.dumps(document(call=" cos-clustpartns-2017-03-02 ")))
    assert request.call.reference == ESCP_S3


def test_as_of_defaults_to_now(settings):
    body = document()
    del body["as_of"]
    report = check_request(json.dumps(body))
    assert report.outcome("deadline").status == "fail"


def test_parsing_a_request_takes_a_fixed_number_of_queries(django_assert_max_num_queries):
    small = document()
    large = document(members=[
        {"name": f"Member {number}", "country": "RO", "region": f"RO{code}"}
        for number, code in enumerate(["11", "12", "21", "22", "31", "32", "41", "42"] * 5)
    ])
    parse_check_request(json.dumps(small))  # the process builds what the rules read once
    for body in (small, large):
        with django_assert_max_num_queries(6):
            parse_check_request(json.dumps(body))


@pytest.mark.parametrize("reference", ["COS\x00X", "\x07", "COS-CLUSTPARTNS-2017-3-02\n"])
def test_a_call_reference_with_control_characters_is_unknown_not_a_crash(reference):
    if reference.strip().isprintable():
        assert parse_check_request(json.dumps(document(call=reference))).call
    else:
        assert errors_of(document(call=reference)) == [
            f"call: {json.dumps(reference)} is not a known call"
        ]


@pytest.mark.parametrize("as_of", ["9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"])
def test_an_instant_at_the_edge_of_the_calendar_is_out_of_range(as_of):
    assert errors_of(document(as_of=as_of)) == ["as_of: out of range"]


@pytest.mark.parametrize("role", ["beneficiary", "affiliated_entity", "associated_partner"])
def test_a_member_may_have_any_role_beside_the_coordinator(role):
    facts = parse_check_request(json.dumps(with_member(1, role=role))).facts
    assert facts.members[1].role == role


def test_partner_is_read_as_beneficiary_so_that_older_clients_keep_working():
    facts = parse_check_request(json.dumps(with_member(1, role="partner"))).facts
    assert facts.members[1].role == "beneficiary"


def test_an_unknown_role_lists_the_accepted_ones():
    assert errors_of(with_member(1, role="observer")) == [
        'members[1].role: "observer" is not one of: coordinator, beneficiary, '
        "affiliated_entity, associated_partner, partner"
    ]


def test_declarations_are_read_as_a_set_of_codes():
    body = with_member(2, declarations=["hu_public_interest_trust", "ru_public_control"])
    facts = parse_check_request(json.dumps(body)).facts
    assert facts.members[2].declarations == {"hu_public_interest_trust", "ru_public_control"}
    assert facts.members[0].declarations == frozenset()


def test_an_unknown_or_repeated_declaration_is_named_with_its_place():
    assert errors_of(with_member(1, declarations=["ru_public_control", "sanctioned"])) == [
        'members[1].declarations[1]: "sanctioned" is not one of: ru_public_control, '
        "hu_public_interest_trust"
    ]
    assert errors_of(with_member(1, declarations=["ru_public_control"] * 2)) == [
        "members[1].declarations: a declaration is listed twice"
    ]


def test_costs_by_category_are_read_in_cents():
    body = document()
    body["project"].update(
        total_eligible_costs="2100000", costs={"fstp": 1500000, "other": "600000.0"}
    )
    costs = parse_check_request(json.dumps(body)).facts.project.costs
    assert costs is not None
    assert {category: str(amount) for category, amount in costs.items()} == {
        "fstp": "1500000.00", "other": "600000.00"
    }


def test_without_costs_by_category_the_facts_have_none():
    assert parse_check_request(json.dumps(document())).facts.project.costs is None


def test_costs_by_category_must_add_up_to_the_total_eligible_costs():
    body = document()
    body["project"]["costs"] = {"fstp": "400000.00", "other": "66666.99"}
    assert errors_of(body) == [
        "project.costs: the categories add up to 466666.99, not to the total eligible costs "
        "of 466667.00"
    ]


def test_costs_by_category_need_both_categories_and_no_other():
    body = document()
    body["project"]["costs"] = {"fstp": "400000.00", "travel": "1.00"}
    assert errors_of(body) == [
        "project.costs.other: this field is required",
        "project.costs.travel: unknown field",
    ]


def test_a_request_of_today_gives_the_same_report_with_the_new_keys_at_their_defaults():
    today = check_request(json.dumps(document())).to_dict()
    body = document()
    for member in body["members"][1:]:
        member.update(role="beneficiary", declarations=[])
    assert check_request(json.dumps(body)).to_dict() == today
