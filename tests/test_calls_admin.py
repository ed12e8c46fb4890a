"""The admin for calls and reference data, and loading call fixtures by upload."""
import json
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
import pytest

from calls.admin_forms import CallRuleAdminForm
from calls.models import (
    Call,
    CallRule,
    Country,
    Participation,
    Programme,
    Region,
    RegionClassification,
)

pytestmark = pytest.mark.django_db

ESCP_S3_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "calls" / "escp_s3_2017.json"
LOAD_URL = reverse("admin:calls_call_load_fixture")
MODELS = [Programme, Country, Participation, RegionClassification, Region, Call]


def new_call_fixture(reference: str, **changes) -> list[dict]:
    """The seed call's fixture turned into another call, with ``changes`` to its fields."""
    objects = json.loads(ESCP_S3_FILE.read_text())
    objects[0]["fields"].update(reference=reference, alternative_reference="", **changes)
    for rule in objects[1:]:
        rule["fields"]["call"] = [reference]
    return objects


def upload(name: str, objects) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(objects).encode(), "application/json")


def database_state() -> tuple:
    return (
        list(Call.objects.order_by("pk").values()),
        list(CallRule.objects.order_by("pk").values()),
    )


@pytest.fixture
def staff_without_call_rights(django_user_model):
    user = django_user_model.objects.create_user(email="staff@example.org", password="x")
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_call"))
    return user


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_changelist_loads_for_each_model(admin_client, model):
    url = reverse(f"admin:calls_{model._meta.model_name}_changelist")

    response = admin_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_admin_change_form_loads_for_each_model(admin_client, model):
    item = model.objects.first()
    url = reverse(f"admin:calls_{model._meta.model_name}_change", args=[item.pk])

    response = admin_client.get(url)

    assert response.status_code == 200


@pytest.mark.parametrize("model, query", [
    (Call, "CLUSTPARTNS"), (Country, "RO"), (Region, "EL11"), (Participation, "GB"),
])
def test_admin_search_finds_what_it_should(admin_client, model, query):
    url = reverse(f"admin:calls_{model._meta.model_name}_changelist")

    response = admin_client.get(url, {"q": query})

    assert response.status_code == 200
    assert response.context["cl"].result_count >= 1


def rule_form_data(rule: CallRule, **changes) -> dict:
    data = {
        "code": rule.code, "severity": rule.severity, "reference": rule.reference,
        "reference_ro": rule.reference_ro, "source": rule.source,
        "options": json.dumps(rule.options), "provenance": json.dumps(rule.provenance),
    }
    return {**data, **changes}


def test_the_rule_form_keeps_stored_options_and_checks_them_as_a_fixture_load_does():
    rule = CallRule.objects.get(call__reference="COS-CLUSTER-2018-03-02",
                                code="organisation_types")
    assert CallRuleAdminForm(data=rule_form_data(rule), instance=rule).is_valid()

    broken = rule_form_data(rule, options=json.dumps({"accepted": ["guild"]}))
    bound = CallRuleAdminForm(data=broken, instance=rule)

    assert not bound.is_valid()
    assert "options.accepted" in str(bound.errors) and "guild" in str(bound.errors)


def test_call_changelist_offers_fixture_loading_to_those_allowed(admin_client):
    response = admin_client.get(reverse("admin:calls_call_changelist"))

    assert LOAD_URL in response.content.decode()


def test_staff_without_rights_on_calls_can_neither_see_nor_open_fixture_loading(
    client, staff_without_call_rights,
):
    client.force_login(staff_without_call_rights)

    changelist = client.get(reverse("admin:calls_call_changelist"))
    form = client.get(LOAD_URL)

    assert LOAD_URL not in changelist.content.decode()
    assert form.status_code == 403


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    response = client.get(LOAD_URL)

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_uploading_a_good_fixture_creates_the_call_and_lists_what_was_created(admin_client):
    response = admin_client.post(
        LOAD_URL, {"files": [upload("new-call.json", new_call_fixture("COS-TEST-UPLOAD"))]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert Call.objects.get(reference="COS-TEST-UPLOAD").rules.count() == 12
    assert "13 created, 0 updated, 0 unchanged" in html
    assert 'calls.call &quot;COS-TEST-UPLOAD&quot;' in html


def test_uploading_the_same_fixture_again_reports_it_unchanged(admin_client):
    before = database_state()

    response = admin_client.post(
        LOAD_URL, {"files": [upload("escp.json", json.loads(ESCP_S3_FILE.read_text()))]}
    )

    assert "0 created, 0 updated, 13 unchanged" in response.content.decode()
    assert database_state() == before


def test_uploading_several_files_loads_them_together(admin_client):
    response = admin_client.post(LOAD_URL, {"files": [
        upload("first.json", new_call_fixture("COS-TEST-FIRST")),
        upload("second.json", new_call_fixture("COS-TEST-SECOND")),
    ]})

    assert "26 created" in response.content.decode()
    assert Call.objects.filter(reference__startswith="COS-TEST-").count() == 2


def test_uploading_a_broken_fixture_shows_every_problem_and_changes_nothing(admin_client):
    good_call = new_call_fixture("COS-TEST-GOOD")
    broken_call = new_call_fixture("COS-TEST-BROKEN", colour="blue")
    broken_rule = json.loads(ESCP_S3_FILE.read_text())[1]
    broken_rule["fields"]["severity"] = "sometimes"
    before = database_state()

    response = admin_client.post(LOAD_URL, {"files": [
        upload("good.json", good_call),
        upload("broken.json", broken_call),
        upload("rule.json", [broken_rule]),
    ]})

    html = response.content.decode()
    assert response.status_code == 200
    assert "2 problems found. Nothing was loaded: the database is as it was." in html
    assert "broken.json, object 1" in html and "<td>colour</td>" in html
    assert "rule.json, object 1" in html and "<td>severity</td>" in html
    assert "sometimes" in html
    assert database_state() == before


def test_uploading_a_file_that_is_not_json_says_so(admin_client):
    response = admin_client.post(
        LOAD_URL, {"files": [SimpleUploadedFile("notes.json", b"{not json", "application/json")]}
    )

    assert "notes.json" in response.content.decode()
    assert "malformed JSON" in response.content.decode()


def test_an_upload_above_the_size_limit_is_refused_and_nothing_is_loaded(admin_client, settings):
    settings.CALL_FIXTURE_MAX_BYTES = 1000
    fixture = new_call_fixture("COS-TEST-LARGE")
    before = database_state()

    response = admin_client.post(LOAD_URL, {"files": [upload("large.json", fixture)]})

    html = response.content.decode()
    assert "The upload is too large" in html
    assert "at most 1000\xa0bytes" in html
    assert database_state() == before


def test_an_upload_without_a_file_asks_for_one(admin_client):
    response = admin_client.post(LOAD_URL, {})

    assert "This field is required." in response.content.decode()


def test_saving_a_call_in_the_admin_raises_its_version(admin_client):
    call = Call.objects.get(reference="COS-CLUSTER-2018-03-02")
    url = reverse("admin:calls_call_change", args=[call.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {
        name: form[name].value() for name in form.fields if form[name].value() is not None
    }
    data.update(
        deadline_0=call.deadline_local.date().isoformat(),
        deadline_1=call.deadline_local.strftime("%H:%M:%S"),
        partner_search_tools="[]", provenance=json.dumps(call.provenance),
        programme=call.programme_id, region_classification=call.region_classification_id,
    )
    data.pop("deadline", None)
    data.pop("questions_deadline", None)
    for prefix, rows in (("strands", []), ("rules", list(call.rules.all()))):
        data.update({f"{prefix}-TOTAL_FORMS": len(rows), f"{prefix}-INITIAL_FORMS": len(rows)})
        for index, rule in enumerate(rows):
            data.update({f"{prefix}-{index}-{key}": value
                         for key, value in rule_form_data(rule).items()})
            data.update({f"{prefix}-{index}-id": rule.pk, f"{prefix}-{index}-call": call.pk})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Call.objects.get(pk=call.pk).version == call.version + 1


def test_a_rule_in_the_admin_offers_only_its_own_calls_strands(admin_client):
    other = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    other.strands.create(code="9", title="Another call's strand")
    call = Call.objects.get(reference="COS-CLUSTER-2018-03-02")
    call.strands.create(code="1", title="Its own strand")

    response = admin_client.get(reverse("admin:calls_call_change", args=[call.pk]))

    html = response.content.decode()
    assert "Its own strand" in html and "Another call&#x27;s strand" not in html
    assert "Another call's strand" not in html
