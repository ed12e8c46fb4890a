"""Exporting a call as a fixture that loads back identically."""
import json
from pathlib import Path

from django.urls import reverse
import pytest

from calls.fixtures import call_fixture_export, call_fixtures_load
from calls.models import Call

pytestmark = pytest.mark.django_db

CALL_FILES = sorted(
    (Path(__file__).resolve().parent.parent / "fixtures" / "calls").glob("*.json")
)


def reference_of(path: Path) -> str:
    return json.loads(path.read_text())[0]["fields"]["reference"]


def exported(reference: str) -> str:
    return call_fixture_export(Call.objects.filter(reference=reference))


def renamed(fixture: str, names: dict[str, str]) -> str:
    """The fixture with the call's references, and every key naming the call, changed."""
    objects = json.loads(fixture)
    for entry in objects:
        fields = entry["fields"]
        for name in ("reference", "alternative_reference"):
            if name in fields:
                fields[name] = names.get(fields[name], fields[name])
        for name in ("call", "strand"):
            if fields.get(name):
                fields[name][0] = names.get(fields[name][0], fields[name][0])
    return json.dumps(objects, ensure_ascii=False, indent=1) + "\n"


@pytest.mark.parametrize("path", CALL_FILES, ids=lambda path: path.stem)
def test_an_exported_call_loaded_as_a_new_call_exports_the_same_json(path):
    """Export, load into a call that did not exist, export again: the same file.

    A loaded call is on the record, which keeps it from being deleted: the export is loaded
    under another reference instead, so that nothing of the first call is reused."""
    reference = reference_of(path)
    first = exported(reference)
    alternative = json.loads(first)[0]["fields"]["alternative_reference"]
    names = {reference: "COPY", alternative: "COPY-ALT"} if alternative else {reference: "COPY"}

    report = call_fixtures_load(sources=[("exported.json", renamed(first, names))])

    assert report.ok, report.problems
    assert len(report.created) == len(json.loads(first))
    back = {new: old for old, new in names.items()}
    assert renamed(exported("COPY"), back) == first


@pytest.mark.parametrize("path", CALL_FILES, ids=lambda path: path.stem)
def test_an_exported_call_loaded_over_itself_changes_nothing(path):
    reference = reference_of(path)
    first = exported(reference)

    report = call_fixtures_load(sources=[("exported.json", first)])

    assert report.ok, report.problems
    assert not report.changed
    assert exported(reference) == first


@pytest.mark.parametrize("path", CALL_FILES, ids=lambda path: path.stem)
def test_an_exported_call_holds_what_its_file_says(path):
    """The file's objects, in its order; the export also writes the fields a file may leave
    to their defaults."""
    written = json.loads(path.read_text())
    objects = json.loads(exported(reference_of(path)))

    assert [entry["model"] for entry in objects] == [entry["model"] for entry in written]
    for given, got in zip(written, objects, strict=True):
        assert given["fields"].items() <= got["fields"].items()


def test_an_exported_call_writes_its_deadline_in_its_own_time_zone():
    objects = json.loads(exported("COS-CLUSTPARTNS-2017-3-02"))

    assert objects[0]["fields"]["deadline"] == "2018-03-08T17:00:00+01:00"
    assert "version" not in objects[0]["fields"]


def test_the_admin_exports_a_call_from_its_page_as_a_fixture_file(admin_client):
    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")

    page = admin_client.get(reverse("admin:calls_call_change", args=[call.pk]))
    response = admin_client.get(reverse("admin:calls_call_export", args=[call.pk]))

    assert reverse("admin:calls_call_export", args=[call.pk]) in page.content.decode()
    assert response["Content-Type"] == "application/json"
    assert "COS-CLUSTPARTNS-2017-3-02" in response["Content-Disposition"]
    assert response.content.decode() == exported(call.reference)


def test_the_admin_exports_the_selected_calls_together(admin_client):
    calls = Call.objects.filter(reference__in=["COS-CLUSTPARTNS-2017-3-02",
                                               "COS-CLUSTER-2018-03-02"])

    response = admin_client.post(reverse("admin:calls_call_changelist"), {
        "action": "export_fixture", "_selected_action": [call.pk for call in calls],
    })

    assert response["Content-Type"] == "application/json"
    references = [entry["fields"]["reference"] for entry in json.loads(response.content)
                  if entry["model"] == "calls.call"]
    assert sorted(references) == sorted(call.reference for call in calls)


def test_staff_who_may_only_view_calls_may_still_export_them(client, django_user_model):
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user(email="viewer@example.org", password="x",
                                                 is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_call"))
    client.force_login(user)
    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")

    response = client.get(reverse("admin:calls_call_export", args=[call.pk]))

    assert response.status_code == 200
