"""The admin for calls and reference data, and loading call fixtures by upload."""
import json
from pathlib import Path

from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
import pytest

from calls.admin_forms import call_rule_form
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
MODELS = [Programme, Country, Participation, RegionClassification, Region, Call, CallRule]


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
    """What the rule's admin page posts for ``rule`` as stored, with ``changes``."""
    data = {
        "strand": rule.strand_id or "", "severity": rule.severity,
        "reference": rule.reference, "reference_ro": rule.reference_ro, "source": rule.source,
    }
    for name, value in rule.options.items():
        data[f"option_{name}"] = "" if value is None else value
        data[f"basis_{name}"] = rule.provenance[name]["basis"]
        data[f"source_{name}"] = rule.provenance[name]["source"]
    return {**data, **changes}


def bound_rule_form(rule: CallRule, data: dict):
    return call_rule_form(rule.code)(data=data, instance=rule)


def test_the_rule_form_has_a_field_per_parameter_of_its_rule_class():
    form = call_rule_form("max_grant")

    assert {"option_minimum", "basis_minimum", "source_minimum", "option_maximum",
            "basis_maximum", "source_maximum"} <= set(form.base_fields)
    assert "options" not in form.base_fields and "provenance" not in form.base_fields


def test_the_rule_form_keeps_stored_options_and_checks_them_as_a_fixture_load_does():
    rule = CallRule.objects.get(call__reference="COS-CLUSTER-2018-03-02",
                                code="organisation_types")
    form = bound_rule_form(rule, rule_form_data(rule))
    assert form.is_valid(), form.errors
    assert form.instance.options == rule.options
    assert form.instance.provenance == rule.provenance

    broken = bound_rule_form(rule, rule_form_data(rule, option_accepted=["guild"]))

    assert not broken.is_valid()
    assert "guild" in str(broken.errors["option_accepted"])


def test_the_rule_form_names_every_problem_at_once_on_its_field():
    rule = CallRule.objects.get(call__reference="COS-CLUSTPARTNS-2017-3-02", code="max_grant")
    name = next(iter(rule.options))
    data = rule_form_data(rule, **{
        f"option_{name}": "", f"basis_{name}": "secondary", f"source_{name}": "",
        "reference": "",
    })

    form = bound_rule_form(rule, data)

    assert not form.is_valid()
    assert "reference" in form.errors
    assert "Give a minimum, a maximum or both" in str(form.non_field_errors())
    assert "say where a secondary fact comes from" in str(form.errors[f"source_{name}"])


def test_a_value_not_known_is_stored_null_and_a_known_one_is_refused_as_not_known():
    rule = CallRule.objects.get(call__reference="COS-CLUSTPARTNS-2017-3-02", code="max_grant")
    name = next(iter(rule.options))
    not_known = {f"option_{name}": "", f"basis_{name}": "not_known", f"source_{name}": ""}

    form = bound_rule_form(rule, rule_form_data(rule, **not_known))
    assert form.is_valid(), form.errors
    assert form.instance.options[name] is None

    given = bound_rule_form(rule, rule_form_data(rule, **{**not_known, f"option_{name}": "9"}))
    assert not given.is_valid()
    assert "a value not known is written null" in str(given.errors)


def test_editing_a_rule_in_the_admin_saves_its_options_and_raises_the_calls_version(
    admin_client,
):
    rule = CallRule.objects.get(call__reference="COS-CLUSTPARTNS-2017-3-02", code="max_grant")
    version = rule.call.version
    name = next(iter(rule.options))
    url = reverse("admin:calls_callrule_change", args=[rule.pk])

    response = admin_client.post(url, rule_form_data(rule, **{f"option_{name}": "123456.00"}))

    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.options[name] == "123456.00"
    assert Call.objects.get(pk=rule.call_id).version == version + 1


def test_a_refused_rule_changes_nothing_and_the_page_names_the_problem(admin_client):
    rule = CallRule.objects.get(call__reference="COS-CLUSTPARTNS-2017-3-02", code="max_grant")
    before = database_state()
    name = next(iter(rule.options))
    url = reverse("admin:calls_callrule_change", args=[rule.pk])

    response = admin_client.post(url, rule_form_data(rule, **{f"option_{name}": "-5"}))

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    assert database_state() == before


def test_adding_a_rule_first_asks_its_kind_then_shows_its_parameters(admin_client):
    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    add_url = reverse("admin:calls_callrule_add")

    first = admin_client.get(add_url, {"call": call.pk})
    assert "form" in first.context and "code" in first.context["form"].fields
    second = admin_client.get(add_url, {"call": call.pk, "code": "min_members_of_type"})
    form = second.context["adminform"].form
    assert form.code == "min_members_of_type"
    assert "option_minimum" in form.fields


def test_a_rule_added_in_the_admin_is_stored_with_its_options_and_provenance(admin_client):
    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    call.rules.filter(code="min_entities").delete()
    version = Call.objects.get(pk=call.pk).version
    url = reverse("admin:calls_callrule_add") + f"?call={call.pk}&code=min_entities"
    form = admin_client.get(url).context["adminform"].form
    data = {"severity": "blocking", "reference": "Call text §6.1",
            "reference_ro": "Textul apelului §6.1", "source": "call text",
            "option_minimum": "3", "basis_minimum": "official", "source_minimum": "§6.1"}
    for name in form.option_names:
        if name != "minimum" and form.fields[f"option_{name}"].initial is None:
            data[f"basis_{name}"] = ""

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    rule = call.rules.get(code="min_entities", strand=None)
    assert rule.options["minimum"] == 3
    assert rule.provenance["minimum"] == {"basis": "official", "source": "§6.1"}
    assert Call.objects.get(pk=call.pk).version == version + 1


def test_an_unknown_kind_of_rule_asks_for_the_kind_again(admin_client):
    response = admin_client.get(reverse("admin:calls_callrule_add"), {"code": "no_such_rule"})

    assert response.status_code == 200
    assert response.context["form"].errors


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
    rules = list(call.rules.all())
    data.update({"strands-TOTAL_FORMS": 0, "strands-INITIAL_FORMS": 0,
                 "rules-TOTAL_FORMS": len(rules), "rules-INITIAL_FORMS": len(rules)})
    for index, rule in enumerate(rules):
        data.update({f"rules-{index}-id": rule.pk, f"rules-{index}-call": call.pk})

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Call.objects.get(pk=call.pk).version == call.version + 1


def test_a_rule_in_the_admin_offers_only_its_own_calls_strands(admin_client):
    other = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    other.strands.create(code="9", title="Another call's strand")
    call = Call.objects.get(reference="COS-CLUSTER-2018-03-02")
    call.strands.create(code="1", title="Its own strand")

    rule = call.rules.first()
    response = admin_client.get(reverse("admin:calls_callrule_change", args=[rule.pk]))

    html = response.content.decode()
    assert "Its own strand" in html and "Another call&#x27;s strand" not in html
    assert "Another call's strand" not in html


def test_a_second_rule_of_the_same_kind_for_the_call_is_refused_on_the_form(admin_client):
    rule = CallRule.objects.get(call__reference="COS-CLUSTPARTNS-2017-3-02", code="max_grant")
    url = reverse("admin:calls_callrule_add") + f"?call={rule.call_id}&code=max_grant"
    count = CallRule.objects.count()

    response = admin_client.post(url, rule_form_data(rule))

    assert response.status_code == 200
    assert "The call already has this rule." in str(response.context["adminform"].form.errors)
    assert CallRule.objects.count() == count


def iceland_in_cosme() -> Participation:
    return Participation.objects.get(programme__code="cosme", country_id="IS")


def test_a_participation_removed_in_the_admin_is_seen_by_the_next_check(admin_client):
    from eligibility.cache import cached_call_parameters

    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    assert "IS" in cached_call_parameters(call).eligible_countries
    participation = iceland_in_cosme()

    response = admin_client.post(
        reverse("admin:calls_participation_delete", args=[participation.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert "IS" not in cached_call_parameters(
        Call.objects.get(pk=call.pk)
    ).eligible_countries


def test_a_participation_changed_in_the_admin_marks_every_call_as_changed(admin_client):
    versions = dict(Call.objects.values_list("reference", "version"))
    participation = iceland_in_cosme()
    url = reverse("admin:calls_participation_change", args=[participation.pk])
    data = {
        "programme": participation.programme_id, "country": participation.country_id,
        "basis": participation.basis, "starts_on": participation.starts_on.isoformat(),
        "ends_on": "2017-12-31", "status": participation.status,
        "source": participation.source,
    }

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert iceland_in_cosme().ends_on.isoformat() == "2017-12-31"
    assert all(
        version > versions[reference]
        for reference, version in Call.objects.values_list("reference", "version")
    )
