"""Loading call fixtures is validated, reports every problem, and is all-or-nothing."""
import copy
from decimal import Decimal
import json
from pathlib import Path

from django.core.management import CommandError, call_command
import pytest

from calls.fixtures import call_fixtures_load
from calls.models import Call, CallRule
from tests.fixtures.eligibility_builders import OPTIONS

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
ESCP_S3_FILE = FIXTURES / "calls" / "escp_s3_2017.json"


def escp_objects() -> list[dict]:
    return json.loads(ESCP_S3_FILE.read_text())


def new_call_objects(reference: str = "TEST-CALL-01", **changes) -> list[dict]:
    """The ESCP-S3 fixture turned into a new call, with ``changes`` applied to its fields, or
    to its rules' options for the names the call's columns had (None removes the option)."""
    objects = escp_objects()
    options = {name: changes.pop(name) for name in list(changes) if name in OPTIONS}
    objects[0]["fields"].update(reference=reference, alternative_reference="", **changes)
    for rule in objects[1:]:
        rule["fields"]["call"] = [reference]
    for name, value in options.items():
        code, option = OPTIONS[name]
        rule = next(rule for rule in objects[1:] if rule["fields"]["code"] == code)
        if value is None:
            rule["fields"]["options"].pop(option)
            rule["fields"]["provenance"].pop(option)
        else:
            rule["fields"]["options"][option] = value
    return objects


def load(objects, name="call.json"):
    return call_fixtures_load(sources=[(name, json.dumps(objects))])


def database_state():
    return (
        list(Call.objects.order_by("pk").values()),
        list(CallRule.objects.order_by("pk").values()),
    )


def test_a_valid_new_call_is_created_with_its_rules():
    report = load(new_call_objects())

    assert report.ok, report.problems
    assert len(report.created) == 13
    assert Call.objects.get(reference="TEST-CALL-01").rules.count() == 12


def test_loading_the_same_file_twice_changes_nothing():
    before = database_state()
    report = load(escp_objects())

    assert report.ok
    assert not report.changed
    assert len(report.unchanged) == 13
    assert database_state() == before


def test_loading_an_edited_file_updates_the_call():
    objects = escp_objects()
    rule = next(rule for rule in objects if rule["fields"].get("code") == "max_grant")
    rule["fields"]["options"]["maximum"] = "300000.00"
    report = load(objects)

    assert report.ok
    assert report.updated == ['calls.callrule ["COS-CLUSTPARTNS-2017-3-02", null, "max_grant"]']
    call = Call.objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
    assert Decimal(call.rule_options("max_grant")["maximum"]) == Decimal("300000")


def test_a_rule_left_out_of_an_edited_file_no_longer_applies():
    objects = [o for o in escp_objects() if o["fields"].get("code") != "cluster_org_per_region"]
    report = load(objects)

    assert report.ok
    assert report.removed == ["calls.callrule COS-CLUSTPARTNS-2017-3-02 cluster_org_per_region"]
    assert not CallRule.objects.filter(code="cluster_org_per_region",
                                       call__reference="COS-CLUSTPARTNS-2017-3-02").exists()


BROKEN_CALLS = [
    ("rate above one", {"cofinancing_rate": "1.5"}, "options.rate", "less than or equal to 1"),
    ("rate zero", {"cofinancing_rate": "0"}, "options.rate", "greater than or equal to 0.0001"),
    ("durations reversed", {"min_duration_months": 30}, "options", "minimum duration"),
    ("negative grant", {"max_grant": "-5.00"}, "options.maximum", "greater than or equal to 0.01"),
    ("grant above budget", {"max_grant": "9000000.00"}, None, "cannot exceed the total budget"),
    ("naive deadline", {"deadline": "2018-03-08T17:00:00"}, "deadline", "no UTC offset"),
    ("deadline not a date", {"deadline": "next Thursday"}, "deadline", "not a date and time"),
    ("unknown time zone", {"deadline_timezone": "Europe/Atlantis"}, "deadline_timezone",
     "not a known time zone"),
    ("unknown organisation type", {"allowed_organisation_types": ["cluster_organisation", "guild"]},
     "options.accepted", "guild is not one of the available choices"),
    ("unknown ECCP status", {"accepted_eccp_statuses": ["maybe"]}, "options.accepted",
     "maybe is not one of the available choices"),
    ("unknown programme", {"programme": ["horizon"]}, "programme",
     'no programme ["horizon"] exists'),
    ("unknown classification", {"region_classification": ["1999-2006"]}, "region_classification",
     'no region classification ["1999-2006"] exists'),
    ("unknown field", {"budget_total": "1.00"}, "budget_total", "unknown field"),
    ("start window reversed", {"start_window_from": "2019-01-01"}, None, "start window must begin"),
    ("half a start window", {"start_window_to": None}, "options", "both ends"),
    ("reference in lower case", {"reference": "test-call-01"}, "reference", "capitals"),
    ("region rule without classification", {"region_classification": None}, None,
     "this rule needs the call's region_classification"),
    ("a grant option the rule does not take", {}, "options.ceiling", "unknown option"),
    ("an option without provenance", {}, "options.maximum", "no provenance"),
    ("a null option known", {}, "options.maximum", "null only for a value not known"),
    ("no programme country on the deadline", {"deadline": "2031-03-08T17:00:00+01:00"},
     "deadline", "no country takes part in cosme"),
]


@pytest.mark.parametrize(("case", "changes", "field", "message"), BROKEN_CALLS,
                         ids=[case[0] for case in BROKEN_CALLS])
def test_a_broken_call_is_rejected_with_a_message_naming_the_problem(case, changes, field, message):
    before = database_state()
    objects = new_call_objects(**changes)
    grant = next(rule for rule in objects if rule["fields"].get("code") == "max_grant")["fields"]
    if case == "a grant option the rule does not take":
        grant["options"]["ceiling"] = "1.00"
        grant["provenance"]["ceiling"] = {"basis": "official", "source": "x"}
    elif case == "an option without provenance":
        del grant["provenance"]["maximum"]
    elif case == "a null option known":
        grant["options"]["maximum"] = None
    if case == "reference in lower case":
        for rule in objects[1:]:
            rule["fields"]["call"] = ["TEST-CALL-01"]
    report = load(objects)

    assert not report.ok
    assert any(message in str(problem) and (field is None or problem.field == field)
               for problem in report.problems), [str(p) for p in report.problems]
    assert database_state() == before
    assert not Call.objects.filter(reference__iexact="TEST-CALL-01").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[{\"model\": \"calls.call\", ", "malformed JSON at line 1"),
        ("{\"model\": \"calls.call\"}", "a fixture is a JSON list"),
        ("[42]", "each object must be a JSON object"),
        ("[{\"model\": \"auth.user\", \"fields\": {}}]", "unknown model 'auth.user'"),
        ("[{\"model\": \"calls.call\", \"fields\": []}]", "\"fields\" must be an object"),
        (b"\xff\xfe[", "not UTF-8"),
    ],
)
def test_a_file_that_is_not_a_fixture_is_rejected_with_a_clear_message(content, message):
    before = database_state()
    report = call_fixtures_load(sources=[("broken.json", content)])

    assert not report.ok
    assert message in str(report.problems[0])
    assert database_state() == before


def test_every_problem_is_reported_not_only_the_first():
    objects = new_call_objects(cofinancing_rate="2", min_duration_months=30, budget_total="1")
    objects += [{"model": "calls.callrule", "fields": {
        "call": ["COS-CLUSTER-2018-03-02"], "code": "duration", "severity": "optional",
        "reference": "Call text",
    }}]
    report = load(objects)

    fields = {problem.field for problem in report.problems}
    assert {"options.rate", "budget_total", "severity"} <= fields


def test_the_rules_of_a_rejected_call_do_not_repeat_its_problem():
    report = load(new_call_objects(deadline_timezone="Europe/Atlantis"))
    assert [str(problem) for problem in report.problems] == [
        'call.json, object 1 (calls.call "TEST-CALL-01"), field deadline_timezone: '
        "Europe/Atlantis is not a known time zone."
    ]


def test_a_rule_for_an_unknown_call_names_the_call():
    report = load([{"model": "calls.callrule",
                    "fields": {"call": ["NO-SUCH-CALL"], "code": "duration", "reference": "x"}}])
    assert 'no call ["NO-SUCH-CALL"] exists' in str(report.problems[0])


def test_one_bad_object_means_nothing_from_the_file_is_loaded():
    objects = new_call_objects()
    objects.append(copy.deepcopy(objects[1]))
    objects[-1]["fields"]["code"] = "unknown_rule"
    report = load(objects)

    assert not report.ok
    assert report.created == []
    assert not Call.objects.filter(reference="TEST-CALL-01").exists()


def test_the_load_call_command_loads_a_file_and_says_what_it_did(tmp_path, capsys):
    path = tmp_path / "call.json"
    path.write_text(json.dumps(new_call_objects()))
    call_command("load_call", str(path))

    assert "13 created" in capsys.readouterr().out
    assert Call.objects.filter(reference="TEST-CALL-01").exists()


def test_the_load_call_command_fails_on_a_broken_file_and_prints_every_problem(tmp_path, capsys):
    before = database_state()
    path = tmp_path / "call.json"
    path.write_text(json.dumps(new_call_objects(cofinancing_rate="2", budget_total="1")))

    with pytest.raises(CommandError, match="2 problem"):
        call_command("load_call", str(path))
    errors = capsys.readouterr().err
    assert "cofinancing_rate" in errors and "budget_total" in errors
    assert database_state() == before


def test_the_load_call_command_reports_a_missing_file_in_one_line(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("load_call", str(tmp_path / "missing.json"))


def test_the_load_call_command_exits_non_zero_from_the_shell(tmp_path):
    import subprocess
    import sys

    path = tmp_path / "call.json"
    path.write_text("not json")
    result = subprocess.run(
        [sys.executable, "manage.py", "load_call", str(path)],
        cwd=Path(__file__).resolve().parent.parent, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "malformed JSON" in result.stderr


def test_load_reference_data_twice_changes_nothing():
    before = database_state()
    call_command("load_reference_data", verbosity=0)
    assert database_state() == before


def test_the_fixtures_can_also_be_read_by_django_loaddata():
    call_command("loaddata", str(ESCP_S3_FILE), verbosity=0)
    assert Call.objects.filter(reference="COS-CLUSTPARTNS-2017-3-02").count() == 1


def test_loading_a_new_call_and_editing_it_are_each_on_the_record(django_user_model):
    from audit.models import Event

    admin = django_user_model.objects.create_superuser(email="admin@example.org", password="x")
    call_fixtures_load(sources=[("call.json", json.dumps(new_call_objects()))], actor=admin)
    edited = new_call_objects(max_grant="300000.00")
    call_fixtures_load(sources=[("call.json", json.dumps(edited))], actor=admin)
    call_fixtures_load(sources=[("call.json", json.dumps(edited))], actor=admin)

    events = Event.objects.filter(call__reference="TEST-CALL-01")
    assert [event.action for event in events] == ["call_loaded", "call_updated"]
    assert all(event.actor == admin for event in events)


def test_a_rejected_load_leaves_nothing_on_the_record():
    from audit.models import Event

    before = Event.objects.count()
    load(new_call_objects(cofinancing_rate="2"))
    assert Event.objects.count() == before
