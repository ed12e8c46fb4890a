"""Finding 1 of the security review: the API's cost of refusing bad input is bounded, and
only a body declared as JSON is read (docs/SECURITY.md, section 7)."""
import json
import time

from django.test import Client
import pytest

from eligibility.contract import MAX_REPORTED_PROBLEMS, InvalidRequest, parse_check_request

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility-checks"
CALL = "COS-CLUSTPARTNS-2017-3-02"
TWO_LETTER_KEYS = [f"{first}{second}" for first in "abcdefghijklmnopqrstuvwxyz"
                   for second in "abcdefghijklmnopqrstuvwxyz"]


def many_unknown_keys(members: int = 330, keys_per_member: int = 300) -> str:
    """The probe's body: every member carrying hundreds of keys no member has."""
    return json.dumps({"call": CALL, "members": [
        {"name": f"Member {number}", **dict.fromkeys(TWO_LETTER_KEYS[:keys_per_member], 1)}
        for number in range(members)
    ]})


def test_a_body_of_a_hundred_thousand_unknown_keys_is_refused_quickly_with_a_short_answer(client):
    body = many_unknown_keys()

    started = time.perf_counter()
    response = client.post(URL, body, content_type="application/json")
    spent = time.perf_counter() - started

    errors = response.json()["errors"]
    assert response.status_code == 400
    assert len(errors) == MAX_REPORTED_PROBLEMS + 1
    assert errors[0] == "members[0].aa: unknown field"
    left_out = 330 * 300 - MAX_REPORTED_PROBLEMS
    assert errors[-1].startswith(f"body: {left_out} more problems not listed")
    assert len(response.content) < 5_000
    # It took 16 s of processor time before the errors were capped.
    assert spent < 2, f"{spent:.1f} s to refuse it"


def test_a_thousand_members_each_wrong_in_every_field_get_a_capped_answer_in_document_order():
    member = {"name": 1, "country": 2, "region": 3, "organisation_type": "x",
              "eccp_status": "y", "eccp_profile_url": 4, "role": "boss"}
    body = json.dumps({"call": CALL, "members": [member] * 1000})

    started = time.perf_counter()
    with pytest.raises(InvalidRequest) as refused:
        parse_check_request(body)
    spent = time.perf_counter() - started

    errors = refused.value.errors
    assert len(errors) == MAX_REPORTED_PROBLEMS + 1
    assert errors[0] == "members[0].name: must be a string"
    assert errors[-1].startswith("body: ") and "more problems not listed" in errors[-1]
    assert spent < 2, f"{spent:.1f} s to refuse it"


def test_more_members_than_allowed_are_refused_before_any_member_is_validated():
    body = json.dumps({"call": CALL, "members": [{"name": "same", "x": 1}] * 100_000})

    with pytest.raises(InvalidRequest) as refused:
        parse_check_request(body)

    assert refused.value.errors == ["members: at most 1000 items"]


def test_a_few_problems_are_all_listed_without_a_line_about_more():
    with pytest.raises(InvalidRequest) as refused:
        parse_check_request(json.dumps({"call": CALL, "members": [{"name": "A", "zz": 1}]}))

    assert refused.value.errors == ["members[0].zz: unknown field"]


def test_the_line_about_problems_left_out_is_in_romanian_for_a_romanian_client(client):
    response = client.post(URL, many_unknown_keys(members=2, keys_per_member=60),
                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="ro")

    errors = response.json()["errors"]
    assert errors[0] == "members[0].aa: câmp necunoscut"
    assert errors[-1].startswith("body: încă 70 de probleme")


@pytest.mark.parametrize("content_type", [
    "text/plain",
    "text/plain; charset=utf-8",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=boundary",
    "application/octet-stream",
    "application/json; charset=latin-1",
    "application/jsonp",
])
def test_a_body_not_declared_as_json_is_refused_with_415_even_when_it_is_json(client, content_type):
    body = json.dumps({"call": CALL, "members": [{"name": "A"}]})

    response = Client().post(URL, body, content_type=content_type)

    assert response.status_code == 415
    assert response["Content-Type"] == "application/json"
    assert "Content-Type: application/json" in response.json()["errors"][0]


def test_an_empty_body_without_a_content_type_is_read_and_refused_as_malformed(client):
    response = client.post(URL, "", content_type="application/json")  # the client drops it

    assert response.status_code == 400


@pytest.mark.parametrize("content_type", [
    "application/json", "application/json; charset=utf-8", "Application/JSON; charset=UTF-8",
])
def test_a_body_declared_as_json_with_or_without_its_charset_is_checked(client, content_type):
    body = json.dumps({"call": CALL, "members": [{"name": "A"}]})

    response = client.post(URL, body, content_type=content_type)

    assert response.status_code == 200
    assert response.json()["call"] == CALL
