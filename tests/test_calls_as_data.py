"""Calls as data: a new kind of condition is one rule class and one fixture; strands override
the call's rules; values from secondary sources are provisional; unknown values are not checked.

The new kind of condition below is declared here, in this test module, and nowhere else: the
call page, the rules pages, the API and the command find it through the rule registry.
"""
import copy
from datetime import datetime, timezone as dt_timezone
from decimal import Decimal
import io
import json
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext_lazy
import pytest

from calls.fixtures import call_fixtures_load
from calls.models import Call, OrganisationType
from consortia.forms import ConsortiumForm
from consortia.models import Consortium
from eligibility.facts import facts_from_consortium
from eligibility.rules import RULES
from eligibility.rules.base import ChoiceList, RuleParameters
from eligibility.rules.members import CoordinatorIs
from eligibility.services import check_consortium
from tests.consortium_factories import make_consortium, make_user

pytestmark = pytest.mark.django_db

ESCP_S3_FILE = Path(__file__).resolve().parent.parent / "fixtures" / "calls" / "escp_s3_2017.json"
API = "/api/v1/eligibility-checks"
BEFORE_DEADLINE = "2018-03-01T09:00:00+01:00"


class CoordinatorType(CoordinatorIs):
    """The coordinator is of one of the organisation types the call names.

    Test source: a condition made up to show that a new kind is one class and one fixture.
    """

    code = "test_coordinator_type"
    title = gettext_lazy("Coordinator type")

    class Parameters(RuleParameters):
        types = ChoiceList(
            OrganisationType, label=gettext_lazy("coordinator types"),
            help_text=gettext_lazy("The types of organisation that may coordinate."),
        )

    def matches(self, coordinator, params):
        if coordinator.organisation_type is None:
            return None
        return coordinator.organisation_type in self.options["types"]

    def describe(self):
        return "a cluster organisation"


def call_objects(reference: str) -> list[dict]:
    """The ESCP-S3 fixture as another call."""
    objects = json.loads(ESCP_S3_FILE.read_text())
    objects[0]["fields"].update(reference=reference, alternative_reference="")
    for rule in objects[1:]:
        rule["fields"]["call"] = [reference]
    return objects


def rule_of(objects: list[dict], code: str) -> dict:
    return next(o["fields"] for o in objects if o["fields"].get("code") == code)


def load(objects: list[dict]) -> None:
    report = call_fixtures_load(sources=[("call.json", json.dumps(objects))])
    assert report.ok, [str(problem) for problem in report.problems]


def new_kind_fixture() -> list[dict]:
    objects = call_objects("TEST-KIND-01")
    objects.append({"model": "calls.callrule", "fields": {
        "call": ["TEST-KIND-01"], "strand": None, "code": "test_coordinator_type",
        "severity": "blocking", "reference": "Call text (test)",
        "reference_ro": "Textul apelului (test)", "source": "A made-up condition.",
        "options": {"types": ["cluster_organisation"]},
        "provenance": {"types": {"basis": "secondary", "source": "A made-up summary"}},
    }})
    return objects


def request_body(reference: str, **changes) -> dict:
    body = {
        "call": reference,
        "as_of": BEFORE_DEADLINE,
        "project": {"acronym": "TEXS3", "duration_months": 24, "start_date": "2018-11-01",
                    "total_eligible_costs": "466667.00", "requested_grant": "350000.00"},
        "members": [
            {"name": "Cluster Textil Nord-Est", "country": "RO", "region": "RO21",
             "organisation_type": "cluster_organisation", "eccp_status": "registered",
             "role": "coordinator"},
            {"name": "Distretto Campano", "country": "IT", "region": "ITF3",
             "organisation_type": "business_network", "eccp_status": "requested"},
            {"name": "Cluster Stuttgart", "country": "DE", "region": "DE11",
             "organisation_type": "cluster_organisation", "eccp_status": "registered"},
        ],
    }
    body.update(changes)
    return body


def api_check(client, body: dict, language: str = "en"):
    return client.post(API, json.dumps(body), content_type="application/json",
                       HTTP_ACCEPT_LANGUAGE=language)


def outcome(report: dict, rule: str) -> dict:
    return next(item for item in report["outcomes"] if item["rule"] == rule)


def test_a_new_kind_of_condition_is_one_rule_class_and_one_fixture_end_to_end(client, tmp_path):
    assert RULES["test_coordinator_type"] is CoordinatorType
    load(new_kind_fixture())

    call_page = client.get(reverse("calls:detail", args=["TEST-KIND-01"])).content.decode()
    assert "Coordinator type" in call_page
    assert "The coordinator must be a cluster organisation." in call_page
    assert "Provisional: from A made-up summary" in call_page

    rules_page = client.get(reverse("eligibility:call_rules", args=["TEST-KIND-01"]))
    assert "The coordinator must be a cluster organisation." in rules_page.content.decode()
    kinds_page = client.get(reverse("eligibility:rule_kinds")).content.decode()
    assert 'id="kind-test_coordinator_type"' in kinds_page
    assert "The types of organisation that may coordinate." in kinds_page

    report = api_check(client, request_body("TEST-KIND-01")).json()
    passed = outcome(report, "test_coordinator_type")
    assert passed["status"] == "pass"
    assert passed["provisional"] == ["A made-up summary"]
    body = request_body("TEST-KIND-01")
    body["members"][0]["organisation_type"] = "technology_centre"
    failed = outcome(api_check(client, body).json(), "test_coordinator_type")
    assert failed["status"] == "fail"
    assert failed["message"] == (
        "The coordinator, Cluster Textil Nord-Est, is not a cluster organisation."
    )

    path = tmp_path / "consortium.json"
    path.write_text(json.dumps(body))
    stdout = io.StringIO()
    with pytest.raises(SystemExit) as exited:
        call_command("check_eligibility", str(path), stdout=stdout)
    assert exited.value.code == 1
    assert outcome(json.loads(stdout.getvalue()), "test_coordinator_type")["status"] == "fail"


def test_the_new_kind_speaks_romanian_around_its_own_words(client):
    load(new_kind_fixture())

    page = client.get("/ro" + reverse("calls:detail", args=["TEST-KIND-01"])).content.decode()
    assert "Provizoriu: după A made-up summary" in page
    assert "Textul apelului (test)" in page

    report = api_check(client, request_body("TEST-KIND-01"), language="ro").json()
    assert outcome(report, "test_coordinator_type")["reference"] == "Textul apelului (test)"
    assert outcome(report, "min_entities")["reference"] == "Textul apelului §6.2"


def strand_fixture() -> list[dict]:
    objects = call_objects("TEST-STRANDS-01")
    objects[1:1] = [
        {"model": "calls.strand", "fields": {
            "call": ["TEST-STRANDS-01"], "code": code, "title": f"Strand {code}",
            "title_ro": f"Componenta {code}", "order": int(code)}}
        for code in ("1", "2")
    ]
    grant = copy.deepcopy(rule_of(objects, "max_grant"))
    grant.update(strand=["TEST-STRANDS-01", "2"], options={"maximum": "200000.00"})
    objects.append({"model": "calls.callrule", "fields": grant})
    return objects


def test_a_strand_cap_overrides_the_call_cap(client):
    load(strand_fixture())

    first = api_check(client, request_body("TEST-STRANDS-01", strand="1")).json()
    second = api_check(client, request_body("TEST-STRANDS-01", strand="2")).json()

    assert outcome(first, "max_grant")["status"] == "pass"
    assert outcome(second, "max_grant")["status"] == "fail"
    assert "EUR 200,000.00" in outcome(second, "max_grant")["message"]
    assert [item["rule"] for item in first["outcomes"]] == [
        item["rule"] for item in second["outcomes"]
    ]


@pytest.mark.parametrize(("reference", "strand", "error"), [
    ("TEST-STRANDS-01", None, "strand: this call has strands: give one of 1, 2"),
    ("TEST-STRANDS-01", "3", 'strand: "3" is not a strand of this call; give one of 1, 2'),
    ("COS-CLUSTPARTNS-2017-3-02", "1", 'strand: this call has no strands; leave "strand" out'),
])
def test_the_strand_must_be_one_of_the_calls_strands(client, reference, strand, error):
    load(strand_fixture())
    body = request_body(reference)
    if strand is not None:
        body["strand"] = strand

    response = api_check(client, body)

    assert response.status_code == 400
    assert error in response.json()["errors"]


def test_the_call_page_lists_each_strand_with_its_own_parameters(client):
    load(strand_fixture())

    page = client.get(reverse("calls:detail", args=["TEST-STRANDS-01"])).content.decode()

    assert 'id="strand-1"' in page and 'id="strand-2"' in page
    assert 'id="call-rule-2-max_grant"' in page
    assert "may not exceed EUR 200,000.00 per project" in page


def test_a_strand_of_another_call_is_refused_when_loading():
    load(strand_fixture())
    objects = call_objects("TEST-OTHER-01")
    grant = copy.deepcopy(rule_of(objects, "max_grant"))
    grant["strand"] = ["TEST-STRANDS-01", "2"]
    objects.append({"model": "calls.callrule", "fields": grant})

    report = call_fixtures_load(sources=[("other.json", json.dumps(objects))])

    assert "This strand belongs to another call." in str([str(p) for p in report.problems])
    assert not Call.objects.filter(reference="TEST-OTHER-01").exists()


def not_known_fixture() -> list[dict]:
    objects = call_objects("TEST-UNKNOWN-01")
    grant = rule_of(objects, "max_grant")
    grant["options"] = {"maximum": None}
    grant["provenance"] = {"maximum": {"basis": "not_known", "source": ""}}
    return objects


@pytest.mark.parametrize(("language", "message"), [
    ("en", "Not checked: the value is not known."),
    ("ro", "Neverificat: valoarea nu este cunoscută."),
])
def test_a_value_not_known_is_not_checked_never_passed_nor_failed(client, language, message):
    load(not_known_fixture())
    body = request_body("TEST-UNKNOWN-01")
    body["project"]["requested_grant"] = "9000000.00"

    report = api_check(client, body, language=language).json()

    grant = outcome(report, "max_grant")
    assert (grant["status"], grant["message"]) == ("not_checked", message)
    assert report["verdict"] == "not_eligible"  # the co-financing rate still fails


def test_the_call_page_says_what_is_not_known(client):
    load(not_known_fixture())

    page = client.get(reverse("calls:detail", args=["TEST-UNKNOWN-01"])).content.decode()

    assert "Not checked: the value is not known" in page
    assert "the value of “maximum” is not known" in page


@pytest.mark.parametrize(("language", "words"), [
    ("en", "Provisional: from"), ("ro", "Provizoriu: după"),
])
def test_every_outcome_resting_on_a_secondary_source_is_provisional(client, language, words):
    body = request_body("COS-CLUSTER-2018-03-02", as_of="2019-03-01T09:00:00+01:00")
    report = api_check(client, body, language=language).json()

    assert outcome(report, "max_grant")["provisional"]
    assert outcome(report, "deadline")["provisional"]
    assert outcome(report, "eligible_countries")["provisional"]
    prefix = "/ro" if language == "ro" else ""
    url = prefix + reverse("calls:detail", args=["COS-CLUSTER-2018-03-02"])
    page = client.get(url).content.decode()
    assert words in page


def test_outcomes_from_official_sources_are_not_provisional(client):
    report = api_check(client, request_body("COS-CLUSTPARTNS-2017-3-02")).json()

    assert all(item["provisional"] == [] for item in report["outcomes"])


@pytest.fixture
def applicant():
    return make_user()


def project_form_data(**changes) -> dict:
    return {"acronym": "TEXS3", "title": "", "duration_months": "24",
            "start_date": "2018-11-01", "total_eligible_costs": "466667.00",
            "requested_grant": "350000.00", **changes}


def test_a_consortium_of_a_call_with_strands_must_pick_one_of_its_strands(applicant):
    load(strand_fixture())
    call = Call.objects.get(reference="TEST-STRANDS-01")
    draft = Consortium(owner=applicant, call=call)

    missing = ConsortiumForm(data=project_form_data(), instance=draft)
    assert not missing.is_valid()
    assert missing.errors["strand"] == [
        "Choose the strand of the call the consortium applies to."
    ]
    chosen = ConsortiumForm(
        data=project_form_data(strand=str(call.strands.get(code="2").pk)), instance=draft
    )
    assert chosen.is_valid(), chosen.errors
    assert chosen.cleaned_data["strand"].code == "2"


def test_a_consortium_cannot_pick_a_strand_of_another_call(applicant):
    load(strand_fixture())
    other = Call.objects.get(reference="TEST-STRANDS-01").strands.get(code="1")
    draft = Consortium(owner=applicant, call=Call.objects.get(reference="COS-CLUSTER-2018-03-02"))

    form = ConsortiumForm(data=project_form_data(strand=str(other.pk)), instance=draft)
    assert "strand" not in form.fields  # a call without strands does not ask
    draft.strand = other
    with pytest.raises(ValidationError, match="This strand belongs to another call."):
        draft.full_clean(exclude=["owner"])


def test_a_saved_consortium_is_checked_against_its_strands_rules(applicant):
    load(strand_fixture())
    call = Call.objects.get(reference="TEST-STRANDS-01")
    consortium = Consortium.objects.create(
        owner=applicant, call=call, strand=call.strands.get(code="2"), acronym="TEXS3",
        requested_grant=Decimal("350000.00"),
    )

    assert facts_from_consortium(consortium).project.strand == "2"
    report = check_consortium(consortium, as_of=datetime(2018, 3, 1, tzinfo=dt_timezone.utc))
    assert report.outcome("max_grant").status == "fail"


@pytest.mark.parametrize(("language", "label"), [
    ("en", "accepted organisation types"), ("ro", "tipuri de organizații acceptate"),
])
def test_the_rule_reference_documents_every_kind_with_its_parameters(client, language, label):
    prefix = "/ro" if language == "ro" else ""
    page = client.get(prefix + reverse("eligibility:rule_kinds")).content.decode()

    for code, rule in RULES.items():
        assert f'id="kind-{code}"' in page, code
        for field in rule.Parameters.base_fields.values():
            with translation.override(language):
                assert escape(str(field.label)) in page, (code, field.label)
                assert escape(str(field.help_text)) in page, (code, field.help_text)
    assert label in page
    assert 'id="family-EveryMemberIn"' in page and 'id="family-AmountInRange"' in page


def test_the_text_report_of_the_command_marks_provisional_outcomes(tmp_path):
    path = tmp_path / "consortium.json"
    path.write_text(json.dumps(
        request_body("COS-CLUSTER-2018-03-02", as_of="2019-03-01T09:00:00+01:00")
    ))
    stdout = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("check_eligibility", str(path), "--format", "text", stdout=stdout)

    assert "! Provisional: from Call text of 8 January 2019" in stdout.getvalue()


@pytest.mark.parametrize(("prefix", "words"), [("", "Provisional: from"),
                                               ("/ro", "Provizoriu: după")])
def test_the_eligibility_panel_marks_provisional_outcomes(client, applicant, prefix, words):
    consortium = make_consortium(applicant, Call.objects.get(reference="COS-CLUSTER-2018-03-02"))
    client.force_login(applicant)

    page = client.get(prefix + reverse("consortia:detail", args=[consortium.pk]))

    panel = page.content.decode().split('id="eligibility"', 1)[1]
    assert f"{words} Call text of 8 January 2019" in panel
