"""A call fixture with any one field broken is refused, with a message naming that field, and
the database is left as it was.

The cases are generated from the real ESCP-S3 fixture (fixtures/calls/escp_s3_2017.json):
for each field of the call and of a rule, the value is replaced in turn by one of the wrong
type, one out of its range, and an empty one (for fields that must have a value), as the
model declares the field. Loading goes through ``call_fixtures_load``, as the admin's upload
and ``manage.py load_call`` do.
"""
import copy
import json
from pathlib import Path
from typing import Any

from django.db import models
import pytest

from audit.models import Event
from calls.fixtures import call_fixtures_load
from calls.models import Call, CallRule, Programme, Region

pytestmark = pytest.mark.django_db

ESCP_S3_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "calls" / "escp_s3_2017.json"
ESCP_S3_OBJECTS = json.loads(ESCP_S3_FILE.read_text())
MODELS = {"calls.call": Call, "calls.callrule": CallRule}

NOT_TEXT = {"a": "JSON object"}
NOT_A_NUMBER = "many"
# Out of range for each JSON list of codes, and for the list of partner-search tools.
LISTS_OUT_OF_RANGE = {
    "partner_search_tools": [{"name": "A tool", "url": "ftp://example.org", "colour": "blue"}],
    "provenance": {"deadline": {"basis": "rumour", "source": ""}},
    "options": {"colour": "blue"},
}


def wrong_type(field: models.Field) -> Any:
    if isinstance(field, models.ForeignKey):
        return NOT_TEXT
    if isinstance(field, models.JSONField):
        return "a text where a list belongs"
    if isinstance(field, models.BooleanField):
        return "perhaps"
    if isinstance(field, (models.IntegerField, models.DecimalField)):
        return NOT_A_NUMBER
    if isinstance(field, models.DateTimeField):
        return 1520524800  # seconds since 1970: not a date and time as fixtures write them
    if isinstance(field, models.DateField):
        return 20181101
    return NOT_TEXT  # a text field


def out_of_range(name: str, field: models.Field) -> Any | None:
    """A value of the right type that the field cannot hold; None where a field has no range."""
    if isinstance(field, models.ForeignKey):
        return ["no-such-key"] if field.related_model is not Call else ["NO-SUCH-CALL"]
    if isinstance(field, models.JSONField):
        return LISTS_OUT_OF_RANGE[name]
    if isinstance(field, models.BooleanField):
        return None
    if isinstance(field, models.IntegerField):
        return -1  # every integer of a call counts something
    if isinstance(field, models.DecimalField):
        return "-0.01"
    if isinstance(field, models.DateTimeField):
        return "2018-03-08T17:00:00+25:00"
    if isinstance(field, models.DateField):
        return "2018-02-30"
    if isinstance(field, models.EmailField):
        return "not an address"
    if isinstance(field, models.URLField):
        return "javascript:alert(1)"
    if field.choices:
        return "not-a-choice"
    if name == "deadline_timezone":
        return "Europe/Atlantis"
    if field.max_length:
        return "X" * (field.max_length + 1)
    return None  # a text without limit


def empty(field: models.Field) -> Any | None:
    """An empty value, for fields that must have one; None for fields that may be empty."""
    if field.blank:
        return None
    if isinstance(field, (models.CharField, models.TextField)) and not field.choices:
        return ""
    return [] if isinstance(field, models.JSONField) else None


def broken_fixtures() -> list:
    """(case id, objects, index of the broken object, field) for every field and breakage."""
    cases = []
    # The call, and its first rule: every rule has the same fields.
    for index in (0, 1):
        label = ESCP_S3_OBJECTS[index]["model"]
        model = MODELS[label]
        for name in ESCP_S3_OBJECTS[index]["fields"]:
            field = model._meta.get_field(name)
            breakages = {"wrong type": wrong_type(field), "out of range": out_of_range(name, field)}
            if not field.blank:
                breakages["empty"] = empty(field)
            for kind, broken in breakages.items():
                if kind == "out of range" and broken is None:
                    continue
                if kind == "empty" and broken is None and field.null:
                    continue
                objects = copy.deepcopy(ESCP_S3_OBJECTS)
                objects[index]["fields"][name] = broken
                cases.append(pytest.param(objects, name, id=f"{label.split('.')[1]}.{name}-{kind}"))
    # Natural keys that hold a JSON object instead of a code.
    for index, name in ((0, "programme"), (0, "region_classification"), (1, "call")):
        objects = copy.deepcopy(ESCP_S3_OBJECTS)
        objects[index]["fields"][name] = [NOT_TEXT]
        label = objects[index]["model"].split(".")[1]
        cases.append(pytest.param(objects, name, id=f"{label}.{name}-object in its key"))
    return cases


def database_state() -> tuple:
    return (
        list(Call.objects.order_by("pk").values()),
        list(CallRule.objects.order_by("pk").values()),
        list(Programme.objects.order_by("pk").values()),
        Region.objects.count(),
        Event.objects.count(),
    )


def test_the_unbroken_fixture_loads_and_changes_nothing():
    before = database_state()

    report = call_fixtures_load(sources=[("escp.json", json.dumps(ESCP_S3_OBJECTS))])

    assert report.ok, report.problems
    assert database_state() == before


@pytest.mark.parametrize("objects, field", broken_fixtures())
def test_a_fixture_with_one_field_broken_is_refused_naming_the_field(objects, field):
    before = database_state()

    report = call_fixtures_load(sources=[("escp.json", json.dumps(objects))])

    assert not report.ok
    problems = [str(problem) for problem in report.problems]
    # A rule's option is named by its path: "field options.maximum: ...".
    assert any(f"field {field}:" in problem or f"field {field}." in problem
               for problem in problems), problems
    assert database_state() == before


def test_every_field_of_the_call_and_of_a_rule_is_broken_in_some_case():
    broken = {case.values[1] for case in broken_fixtures()}

    assert broken == set(ESCP_S3_OBJECTS[0]["fields"]) | set(ESCP_S3_OBJECTS[1]["fields"])
