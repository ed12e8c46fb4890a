"""Findings 9 and 10 of the security review: a fixture upload of deep nesting or a huge
number gets a clear error, not 500; call fixtures are matched by natural key only, so a load
never renames another call (docs/SECURITY.md, section 7)."""
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
import pytest

from calls.fixtures import call_fixtures_load
from calls.models import Call
from tests.test_calls_admin import database_state, new_call_fixture

pytestmark = pytest.mark.django_db

LOAD_URL = reverse("admin:calls_call_load_fixture")


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, "application/json")


def test_a_hundred_thousand_opening_brackets_get_a_clear_error_and_load_nothing(admin_client):
    before = database_state()

    response = admin_client.post(LOAD_URL, {"files": [upload("deep.json", b"[" * 100_000)]})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>deep.json</td>" in html
    assert "lists or objects are nested too deeply to be a fixture." in html
    assert database_state() == before


def test_a_five_thousand_digit_number_gets_a_clear_error_and_loads_nothing(admin_client):
    before = database_state()
    content = b'[{"model": "calls.call", "fields": {"min_entities": ' + b"9" * 5000 + b"}}]"

    response = admin_client.post(LOAD_URL, {"files": [upload("huge.json", content)]})

    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>huge.json</td>" in html
    assert "a number has more digits than any field can hold." in html
    assert database_state() == before


def test_a_call_fixture_with_a_primary_key_is_refused_and_renames_no_other_call():
    victim = Call.objects.order_by("pk").first()
    before = database_state()
    fixture = new_call_fixture("COS-TEST-HIJACK", title="Hijacked")
    fixture[0]["pk"] = victim.pk

    report = call_fixtures_load(sources=[("hijack.json", json.dumps(fixture))])

    assert not report.ok
    assert any('"pk" is not accepted: objects are matched by their natural key' in str(problem)
               for problem in report.problems)
    assert database_state() == before
    victim.refresh_from_db()
    assert victim.title != "Hijacked"


@pytest.mark.parametrize("model_index", [0, 1])
def test_a_primary_key_on_a_call_or_a_rule_is_refused_whatever_its_value(model_index):
    fixture = new_call_fixture("COS-TEST-PK")
    fixture[model_index]["pk"] = "COS-TEST-PK"

    report = call_fixtures_load(sources=[("pk.json", json.dumps(fixture))])

    assert [problem.message for problem in report.problems
            if "pk" in problem.message] != []
    assert not Call.objects.filter(reference="COS-TEST-PK").exists()


def test_a_rule_naming_its_call_by_primary_key_is_refused():
    victim = Call.objects.order_by("pk").first()
    fixture = new_call_fixture("COS-TEST-FK")
    fixture[1]["fields"]["call"] = victim.pk
    rules_before = list(victim.rules.values_list("code", flat=True))

    report = call_fixtures_load(sources=[("fk.json", json.dumps(fixture))])

    assert any(problem.field == "call" and "natural key" in problem.message
               for problem in report.problems)
    assert list(victim.rules.values_list("code", flat=True)) == rules_before


def test_countries_are_still_loaded_by_their_iso_code_as_primary_key():
    report = call_fixtures_load(sources=[("country.json", json.dumps([
        {"model": "calls.country", "pk": "RO", "fields": {"name": "Romania"}},
    ]))])

    assert report.problems == []
