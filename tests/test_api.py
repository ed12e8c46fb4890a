"""POST /api/v1/eligibility-checks, its OpenAPI description and its browsable docs."""
import io
import json
from pathlib import Path

from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.test import Client
import pytest

from audit.models import Event
from consortia.models import Consortium, Member

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility-checks"
CASES = Path(__file__).parent / "cases"
SEED_CASES = sorted((CASES / "COS-CLUSTPARTNS-2017-3-02").glob("*.json")) + sorted(
    (CASES / "COS-CLUSTER-2018-03-02").glob("*.json")
)


def case_input(path: Path) -> dict:
    return json.loads(path.read_text())["input"]


def post(client: Client, body, **headers):
    raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=raw, content_type="application/json", **headers)


def cli_output(body: dict, tmp_path) -> tuple[int, str, str]:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(body))
    stdout, stderr = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("check_eligibility", str(path), stdout=stdout, stderr=stderr)
    return exited.value.code, stdout.getvalue(), stderr.getvalue()


def test_a_valid_request_gets_200_with_the_report(client):
    response = post(client, case_input(CASES / "COS-CLUSTPARTNS-2017-3-02" /
                                       "eligible_three_members.json"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["verdict"] == "eligible"


def test_a_verdict_that_is_not_eligible_is_still_200(client):
    response = post(client, case_input(CASES / "COS-CLUSTPARTNS-2017-3-02" / "two_entities.json"))
    assert response.status_code == 200
    assert response.json()["verdict"] == "not_eligible"


def test_invalid_input_gets_400_with_every_error(client):
    response = post(client, {"call": "NOPE", "members": [{"country": "ZZ"}]})
    assert response.status_code == 400
    assert response.json() == {"errors": [
        'call: "NOPE" is not a known call',
        "members[0].name: this field is required",
        'members[0].country: "ZZ" is not a country code (ISO 3166-1 alpha-2; EL, UK and XK '
        "are accepted)",
    ]}


@pytest.mark.parametrize("body, content_type", [
    ("{", "application/json"),
    ("", "application/json"),
    ("null", "application/json"),
    (b"\x00\xff\xfe", "application/json"),
    ('{"call": "COS-CLUSTPARTNS-2017-3-02", "members": [{"name": "A"}], "as_of": 1e999}',
     "application/json"),
    ('{"call": "COS-CLUSTPARTNS-2017-3-02", "members": [{"name": "' + "x" * 500 + '"}]}',
     "application/json"),
])
def test_bodies_that_are_not_requests_get_400_not_500(client, body, content_type):
    response = client.post(URL, data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["errors"]


def test_a_body_larger_than_the_limit_gets_400(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post(client, {"call": "x", "members": [{"name": "A" * 2000}]})
    assert response.status_code == 400
    assert response.json() == {"errors": ["body: too large"]}


def test_only_post_is_allowed(client):
    assert client.get(URL).status_code == 405


def test_the_api_needs_no_csrf_token_and_no_language_prefix():
    client = Client(enforce_csrf_checks=True)
    body = case_input(CASES / "COS-CLUSTPARTNS-2017-3-02" / "eligible_three_members.json")
    assert post(client, body).status_code == 200
    assert client.post("/ro" + URL, data=json.dumps(body),
                       content_type="application/json").status_code == 404


def test_the_api_stores_nothing(client):
    before = (Consortium.objects.count(), Member.objects.count(), Event.objects.count())
    post(client, case_input(CASES / "COS-CLUSTPARTNS-2017-3-02" / "eligible_three_members.json"))
    post(client, {"call": "NOPE"})
    assert (Consortium.objects.count(), Member.objects.count(), Event.objects.count()) == before


def test_messages_follow_the_accept_language_header(client):
    body = case_input(CASES / "COS-CLUSTPARTNS-2017-3-02" / "three_entities_two_countries.json")
    response = post(client, body, HTTP_ACCEPT_LANGUAGE="ro")
    outcome = next(o for o in response.json()["outcomes"] if o["rule"] == "min_countries")
    assert "România" in outcome["message"]


@pytest.mark.parametrize("case", SEED_CASES, ids=[path.stem for path in SEED_CASES])
def test_the_cli_and_the_api_give_the_same_output(client, tmp_path, case):
    body = case_input(case)
    response = post(client, body)
    code, out, err = cli_output(body, tmp_path)
    assert response.status_code == 200
    assert response.content.decode() == out
    assert code == (0 if response.json()["verdict"] == "eligible" else 1)


def test_the_cli_and_the_api_give_the_same_errors(client, tmp_path):
    body = {"call": "NOPE", "project": {"requested_grant": "-1"}, "members": [{"name": "A"},
                                                                              {"name": "a"}]}
    response = post(client, body)
    code, out, err = cli_output(body, tmp_path)
    assert (response.status_code, code, out) == (400, 2, "")
    assert response.content.decode() == err


def test_the_openapi_description_is_generated_with_the_request_schema(client):
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    operation = schema["paths"][URL]["post"]
    assert set(operation["responses"]) == {"200", "400", "415"}
    request_ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    components = schema["components"]["schemas"]
    request = components[request_ref.rsplit("/", 1)[1]]
    assert request["required"] == ["call", "members"]
    assert {"call", "as_of", "strand", "project", "members"} == set(request["properties"])
    member_ref = request["properties"]["members"]["items"]["$ref"]
    member = components[member_ref.rsplit("/", 1)[1]]
    assert {"name", "country", "region", "organisation_type", "eccp_status",
            "eccp_profile_url", "role"} == set(member["properties"])
    assert components["OrganisationType"]["enum"] == [
        "cluster_organisation", "business_network", "technology_centre", "science_park", "other"
    ]
    report = components["ReportOut"]
    assert set(report["properties"]) == {"call", "verdict", "submission_allowed", "outcomes"}


def test_the_docs_page_loads_its_assets_from_our_static_files(client):
    response = client.get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assets = [part.split('"', 1)[0] for part in html.split('src="')[1:]]
    assets += [part.split('"', 1)[0] for part in html.split('href="')[1:]]
    assert assets and all(asset.startswith("/static/") for asset in assets), assets
    for asset in assets:
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "<script>" not in html.replace(" ", "")
