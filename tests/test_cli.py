"""python manage.py check_eligibility: output, formats and exit codes."""
import io
import json
from pathlib import Path

from django.core.management import call_command
import pytest

pytestmark = pytest.mark.django_db

CASES = Path(__file__).parent / "cases" / "COS-CLUSTPARTNS-2017-3-02"


def run(*args, stdin: bytes | None = None, monkeypatch=None) -> tuple[int, str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(stdin)))
    with pytest.raises(SystemExit) as exited:
        call_command("check_eligibility", *args, stdout=stdout, stderr=stderr)
    return exited.value.code, stdout.getvalue(), stderr.getvalue()


def case_file(tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(json.loads((CASES / f"{name}.json").read_text())["input"]))
    return str(path)


def test_an_eligible_consortium_exits_0_and_prints_the_report(tmp_path):
    code, out, err = run(case_file(tmp_path, "eligible_three_members"))
    assert code == 0
    assert err == ""
    report = json.loads(out)
    assert report["verdict"] == "eligible" and report["submission_allowed"] is True


def test_a_consortium_that_is_not_eligible_exits_1(tmp_path):
    code, out, _err = run(case_file(tmp_path, "two_entities"))
    assert code == 1
    assert json.loads(out)["verdict"] == "not_eligible"


def test_an_incomplete_consortium_exits_1(tmp_path):
    code, out, _err = run(case_file(tmp_path, "missing_project"))
    assert code == 1
    assert json.loads(out)["verdict"] == "incomplete"


def test_invalid_input_exits_2_with_every_error_on_stderr(tmp_path):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps({"call": "NOPE", "members": [{"name": "A", "country": "ZZ"}]}))
    code, out, err = run(str(path))
    assert code == 2
    assert out == ""
    assert json.loads(err) == {"errors": [
        'call: "NOPE" is not a known call',
        'members[0].country: "ZZ" is not a country code (ISO 3166-1 alpha-2; EL, UK and XK '
        "are accepted)",
    ]}


def test_malformed_json_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    code, _out, err = run(str(path), "--format", "text")
    assert code == 2
    assert err.startswith("body: malformed JSON")


def test_a_missing_file_exits_2(tmp_path):
    code, out, err = run(str(tmp_path / "absent.json"))
    assert code == 2
    assert out == "" and "absent.json" in err


def test_a_dash_reads_standard_input(monkeypatch):
    body = json.loads((CASES / "eligible_three_members.json").read_text())["input"]
    code, out, _err = run("-", stdin=json.dumps(body).encode(), monkeypatch=monkeypatch)
    assert code == 0
    assert json.loads(out)["call"] == "COS-CLUSTPARTNS-2017-3-02"


def test_the_text_format_is_a_table_with_messages_hints_and_the_pre_check_note(tmp_path):
    code, out, _err = run(case_file(tmp_path, "grant_350000_01"), "--format", "text")
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "Call: COS-CLUSTPARTNS-2017-3-02"
    assert lines[1] == "Verdict: not_eligible (submission allowed: no)"
    assert any(line.startswith("FAIL     max_grant") for line in lines)
    assert any("EUR 0.01" in line for line in lines)
    assert any(line.strip().startswith("-> Lower the requested grant") for line in lines)
    assert "(advisory)" in out
    assert lines[-1] == "This is a pre-check; the call text prevails."
