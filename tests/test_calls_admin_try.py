"""Trying a sample consortium against a call in the admin before it is used."""
import json
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
import pytest

from calls.models import Call, CallRule

pytestmark = pytest.mark.django_db

CASE = (Path(__file__).resolve().parent / "cases" / "COS-CLUSTPARTNS-2017-3-02"
        / "advisory_failure_keeps_verdict.json")


def sample(**changes) -> dict:
    case = json.loads(CASE.read_text())
    return {**case["input"], **changes}


def try_url(call: Call) -> str:
    return reverse("admin:calls_call_try", args=[call.pk])


@pytest.fixture
def call():
    return Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")


def test_the_calls_page_offers_to_try_a_consortium(admin_client, call):
    page = admin_client.get(reverse("admin:calls_call_change", args=[call.pk]))

    assert try_url(call) in page.content.decode()


def test_a_pasted_consortium_gets_the_report_with_every_outcome(admin_client, call):
    case = json.loads(CASE.read_text())

    response = admin_client.post(try_url(call), {"sample": json.dumps(sample())})

    report = response.context["report"]
    assert str(report.verdict) == case["expected"]["verdict"]
    assert {outcome.rule: str(outcome.status) for outcome in report.outcomes} == \
        case["expected"]["statuses"]
    html = response.content.decode()
    for outcome in report.outcomes:
        assert f"<code>{outcome.rule}</code>" in html


def test_an_uploaded_consortium_is_checked_as_a_pasted_one(admin_client, call):
    upload = SimpleUploadedFile("sample.json", json.dumps(sample()).encode(), "application/json")

    response = admin_client.post(try_url(call), {"sample_file": upload})

    assert response.context["report"] is not None


def test_the_consortium_is_checked_against_this_call_whatever_it_names(admin_client, call):
    response = admin_client.post(try_url(call), {"sample": json.dumps(sample(call="OTHER"))})

    assert response.context["report"].call == call.reference


def test_the_call_is_tried_as_it_stands_now_with_its_latest_rules(admin_client, call):
    rule = CallRule.objects.get(call=call, code="max_grant", strand=None)
    rule.options = {**rule.options, "maximum": "1000.00"}
    rule.save()
    call.version_bump()

    response = admin_client.post(try_url(call), {"sample": json.dumps(sample())})

    assert str(response.context["report"].outcome("max_grant").status) == "fail"


def test_bad_json_gets_the_contracts_named_problems(admin_client, call):
    response = admin_client.post(try_url(call), {"sample": '{"members": [}'})

    assert response.context["report"] is None
    assert any("malformed JSON at line 1" in problem for problem in response.context["problems"])


def test_every_problem_of_a_wrong_consortium_is_named_with_its_path(admin_client, call):
    members = [{"country": "XX"}, {"name": "B", "country": "RO", "organisation_type": "guild"}]

    response = admin_client.post(try_url(call), {"sample": json.dumps({"members": members})})

    problems = response.context["problems"]
    assert any(problem.startswith("members[0].name") for problem in problems), problems
    assert any(problem.startswith("members[1].organisation_type") for problem in problems)
    assert "role=\"alert\"" in response.content.decode()


def test_nothing_given_asks_for_a_consortium(admin_client, call):
    response = admin_client.post(try_url(call), {"sample": "  "})

    assert response.context["form"].errors
    assert response.context["report"] is None


def test_the_page_in_romanian_names_the_problems_in_romanian(admin_client, call):
    with translation.override("ro"):
        url = try_url(call)

    response = admin_client.post(url, {"sample": "[1]"})

    assert url.startswith("/ro/")
    assert response.context["problems"] == ["corpul cererii: se aștepta un obiect JSON"]
