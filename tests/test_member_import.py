"""A partner list from a spreadsheet: the template, every row checked like the member form,
every problem named with its row and column, a preview, and nothing saved unless the whole
file is valid; and a consortium downloaded as the JSON the command line and the API check."""
import csv
from decimal import Decimal
import io
import json
import zipfile

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation
import openpyxl
import pytest

from audit.models import Action, Event
from calls.models import Call
from consortia.imports import (
    MAX_FILE_BYTES,
    headers,
    template_csv,
    template_xlsx,
)
from consortia.models import Consortium, Member
from consortia.services import (
    ConsortiumNotEditable,
    MemberDraft,
    MembersImportRefused,
    consortium_members_import,
)
from eligibility.contract import parse_check_request
from eligibility.engine import evaluate
from eligibility.services import check_consortium
from tests.consortium_factories import make_consortium, make_user, practice_call
from tests.review_factories import make_submission

pytestmark = pytest.mark.django_db

ENGLISH = headers("en")
ROMANIAN = headers("ro")
PARTNERS = [
    ["Cluster Nord-Vest", "RO", "RO11", "Cluster organisation",
     "Registered (published ECCP profile)", "", "yes"],
    ["Cluster Norte", "Portugal", "PT11", "Cluster organisation", "Registration requested",
     "", ""],
    ["Netzwerk Dresden", "DE", "DED2", "Business-network organisation",
     "Registered (published ECCP profile)", "", ""],
]


def xlsx(rows: list[list], name: str = "partners.xlsx") -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    output = io.BytesIO()
    workbook.save(output)
    return SimpleUploadedFile(name, output.getvalue())


def csv_file(rows: list[list], *, delimiter: str = ",", encoding: str = "utf-8",
             name: str = "partners.csv") -> SimpleUploadedFile:
    output = io.StringIO()
    csv.writer(output, delimiter=delimiter).writerows(rows)
    return SimpleUploadedFile(name, output.getvalue().encode(encoding))


@pytest.fixture
def draft(client) -> Consortium:
    """An empty draft of the practice call, its owner logged in."""
    consortium = make_consortium(make_user(), practice_call(), members=[], acronym="IMPORT-S3")
    client.force_login(consortium.owner)
    return consortium


def upload(client, consortium, upload_file, mode: str = "add", language: str = "en"):
    with translation.override(language):
        url = reverse("consortia:members_import", args=[consortium.pk])
    return client.post(url, {"file": upload_file, "mode": mode})


def problems_of(response) -> list[str]:
    return [str(problem) for problem in response.context["problems"]]


def preview_url(consortium) -> str:
    return reverse("consortia:members_import_preview", args=[consortium.pk])


# The template.

def test_the_template_names_its_columns_in_the_pages_language(client, draft):
    for language, expected in (("en", "Legal name"), ("ro", "Denumire juridică")):
        with translation.override(language):
            url = reverse("consortia:members_import_template", args=["xlsx"])
        response = client.get(url)
        assert response["Content-Disposition"].endswith(f'-{language}.xlsx"')
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
        assert [cell.value for cell in sheet[1]] == headers(language)
        assert sheet["A1"].value == expected


def test_the_csv_template_carries_a_byte_order_mark_for_excel():
    content = template_csv("ro")
    assert content.startswith("\ufeff".encode())
    assert next(csv.reader(io.StringIO(content.decode("utf-8-sig")))) == ROMANIAN


def test_the_xlsx_template_explains_each_column_on_a_second_sheet():
    workbook = openpyxl.load_workbook(io.BytesIO(template_xlsx("en")))
    guide = [row[0] for row in workbook.worksheets[1].iter_rows(values_only=True) if row]
    assert set(ENGLISH) <= set(guide)


# A valid file: read, shown, saved only once confirmed.

def test_a_valid_file_is_shown_for_confirmation_and_nothing_is_saved_before(client, draft):
    response = upload(client, draft, xlsx([ENGLISH, *PARTNERS]))

    assert response.status_code == 302 and response["Location"] == preview_url(draft)
    assert not draft.members.exists()
    preview = client.get(preview_url(draft))
    html = preview.content.decode()
    for name in ("Cluster Nord-Vest", "Cluster Norte", "Netzwerk Dresden"):
        assert name in html
    assert "Save these 3 members" in html
    assert not draft.members.exists()


def test_confirming_saves_every_member_at_once_and_records_it(client, draft):
    upload(client, draft, xlsx([ENGLISH, *PARTNERS]))

    response = client.post(preview_url(draft))

    assert response.status_code == 302
    members = list(draft.members.order_by("-is_coordinator", "id"))
    assert [member.name for member in members] == [row[0] for row in PARTNERS]
    assert members[0].is_coordinator and members[0].region.code == "RO11"
    assert members[1].country_id == "PT" and members[1].eccp_status == "requested"
    event = Event.objects.filter(consortium=draft, action=Action.CONSORTIUM_EDITED).get()
    assert event.details["members_added"] == [row[0] for row in PARTNERS]
    assert check_consortium(draft).is_eligible
    assert client.post(preview_url(draft)).status_code == 302  # nothing left to confirm
    assert draft.members.count() == 3


def test_romanian_headers_and_names_are_read_on_an_english_page(client, draft):
    rows = [ROMANIAN,
            ["Cluster Nord-Vest", "România", "RO11", "Organizație de cluster", "", "", "da"],
            ["Cluster Norte", "portugalia", "pt11", "", "", "", ""]]
    with translation.override("ro"):
        rows[1][3] = str(translation.gettext("Cluster organisation"))

    response = upload(client, draft, csv_file(rows, delimiter=";"))

    assert response.status_code == 302, problems_of(response)
    client.post(preview_url(draft))
    coordinator = draft.members.get(is_coordinator=True)
    assert (coordinator.country_id, coordinator.region.code) == ("RO", "RO11")
    assert coordinator.organisation_type == "cluster_organisation"
    assert draft.members.get(name="Cluster Norte").country_id == "PT"


def test_replacing_puts_the_files_members_in_place_of_the_current_ones(client):
    consortium = make_consortium(make_user(), practice_call())
    client.force_login(consortium.owner)
    rows = [ENGLISH, ["Cluster Sud", "RO", "RO41", "Cluster organisation", "", "", "yes"]]

    upload(client, consortium, csv_file(rows), mode="replace")
    html = client.get(preview_url(consortium)).content.decode()
    assert "Members that will be removed" in html and "Netzwerk Dresden" in html
    client.post(preview_url(consortium))

    assert list(consortium.members.values_list("name", flat=True)) == ["Cluster Sud"]


# Every problem, by row and column; nothing saved.

def test_every_problem_is_named_with_its_row_and_column_and_nothing_is_saved(client, draft):
    rows = [ENGLISH,
            ["Cluster Nord-Vest", "Atlantis", "RO11", "Cluster organisation", "", "", "yes"],
            ["", "PT", "PT11", "", "", "", ""],
            ["Netzwerk Dresden", "DE", "RO21", "Cluster organisation", "", "", ""],
            ["Cluster Norte", "PT", "", "Fan club", "", "https://example.org/x", "maybe"]]

    response = upload(client, draft, xlsx(rows))

    assert response.status_code == 200
    problems = problems_of(response)
    assert problems[0].startswith("Row 2, column B “Country”: “Atlantis” is not a country")
    assert any(p.startswith("Row 3, column A “Legal name”: Give the member's legal name")
               for p in problems)
    assert any(p.startswith("Row 4, column C “NUTS 2 region”: ") and "is not a region of"
               in p for p in problems)
    assert any(p.startswith("Row 5, column D “Organisation type”: “Fan club” is not one of")
               for p in problems)
    assert any(p.startswith("Row 5, column F “ECCP profile URL”: ") for p in problems)
    assert any(p.startswith("Row 5, column G “Coordinator”: “maybe”") for p in problems)
    assert "Nothing was imported" in response.content.decode()
    assert not draft.members.exists()
    assert client.get(preview_url(draft)).status_code == 302  # nothing kept to confirm


def test_the_files_members_are_checked_together_with_the_current_ones(client):
    consortium = make_consortium(make_user(), practice_call())
    client.force_login(consortium.owner)
    rows = [ENGLISH, ["cluster norte", "PT", "PT11", "", "", "", ""],
            ["Cluster Sud", "RO", "RO41", "", "", "", "yes"]]

    problems = problems_of(upload(client, consortium, csv_file(rows)))

    assert any(p.startswith("Row 2, column A “Legal name”: This organisation is already")
               for p in problems)
    assert any(p.startswith("Row 3, column G “Coordinator”: Only one member can be the "
                            "coordinator") for p in problems)
    assert consortium.members.count() == 3


def test_the_rows_are_checked_again_when_they_are_saved(client, draft):
    upload(client, draft, csv_file([ENGLISH, *PARTNERS]))
    Member.objects.create(consortium=draft, name="Cluster Norte", country_id="PT")

    response = client.post(preview_url(draft))

    assert response.status_code == 200
    assert any("Row 3" in problem and "already member" in problem
               for problem in problems_of(response))
    assert draft.members.count() == 1


@pytest.mark.parametrize("upload_file, message", [
    (SimpleUploadedFile("partners.csv", b""), "The file is empty."),
    (SimpleUploadedFile("partners.pdf", b"%PDF-1.7\x00\x01binary"),
     "This is not an XLSX or CSV file."),
    (SimpleUploadedFile("partners.xls", b"\xd0\xcf\x11\xe0 old excel"),
     "This is not an XLSX or CSV file."),
    (SimpleUploadedFile("partners.xlsx", b"PK\x03\x04 not really a zip"),
     "The XLSX file is damaged"),
    (SimpleUploadedFile("big.csv", b"a" * (MAX_FILE_BYTES + 1)), "at most 1024 KiB"),
    (SimpleUploadedFile("latin.csv", "Legal name\nClusterul Sălaj\n".encode("cp1250")),
     "not UTF-8 text"),
    (SimpleUploadedFile("header.csv", ",".join(ENGLISH).encode()),
     "header row but no member"),
])
def test_a_file_that_cannot_be_read_gets_a_clear_error(client, draft, upload_file, message):
    response = upload(client, draft, upload_file)

    assert response.status_code == 200
    assert any(message in problem for problem in problems_of(response)) or message in (
        response.content.decode()
    ), problems_of(response)
    assert not draft.members.exists()


def test_formula_cells_are_refused_in_xlsx_and_csv(client, draft):
    spreadsheet = xlsx([ENGLISH, ["=CONCAT(\"Clu\",\"ster\")", "RO", "RO11", "", "", "", "yes"]])
    text = csv_file([ENGLISH, ["Cluster", "=1+1", "RO11", "", "", "", "yes"]])

    assert problems_of(upload(client, draft, spreadsheet)) == [
        "Row 2, column A: a formula; type its value instead"]
    assert problems_of(upload(client, draft, text)) == [
        "Row 2, column B: a formula; type its value instead"]


def test_unknown_and_repeated_columns_are_named(client, draft):
    rows = [[*ENGLISH, "VAT number", "Country"], ["Cluster", "RO", "", "", "", "", "yes", "1", ""]]

    problems = problems_of(upload(client, draft, csv_file(rows)))

    assert problems[0].startswith("Row 1, column H: “VAT number” is not a column of the "
                                  "template. The columns are: Legal name, Country")
    assert problems[1] == "Row 1, column I: “Country” is there twice; keep one of the columns."


def test_more_members_than_a_consortium_may_have_are_refused(client, draft):
    rows = [ENGLISH] + [[f"Cluster {number}", "RO", "", "", "", "", ""] for number in range(51)]

    problems = problems_of(upload(client, draft, xlsx(rows)))

    assert problems == ["The file lists more than 50 members; a consortium has at most 50."]


def test_an_xlsx_that_unpacks_to_too_much_is_refused_unread(client, draft):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (21 * 1024 * 1024))

    response = upload(client, draft, SimpleUploadedFile("bomb.xlsx", packed.getvalue()))

    assert any("unpacks to more than 20 MiB" in problem for problem in problems_of(response))


def test_problems_are_worded_in_the_pages_language(client, draft):
    rows = [ROMANIAN, ["Cluster", "Atlantida", "", "", "", "", "da"]]

    response = upload(client, draft, csv_file(rows), language="ro")

    assert problems_of(response)[0].startswith("Rândul 2, coloana B „Țara”")


# Scoped to the owner; drafts only.

def test_another_users_consortium_cannot_be_imported_into_previewed_or_downloaded(client, draft):
    client.force_login(make_user("intruder@example.org"))

    assert upload(client, draft, csv_file([ENGLISH, *PARTNERS])).status_code == 404
    assert client.get(preview_url(draft)).status_code == 404
    assert client.get(reverse("consortia:download_json", args=[draft.pk])).status_code == 404
    assert not draft.members.exists()


def test_a_submitted_consortium_takes_no_import(client):
    submission = make_submission(make_user())
    client.force_login(submission.consortium.owner)

    response = upload(client, submission.consortium, csv_file([ENGLISH, *PARTNERS]))

    assert response.status_code == 302
    assert submission.consortium.members.count() == 3


def test_the_service_refuses_a_user_who_does_not_own_the_consortium(draft):
    with pytest.raises(PermissionDenied):
        consortium_members_import(consortium=draft, members=[MemberDraft(name="Cluster")],
                                  replace=False, user=make_user("other@example.org"))


# The JSON download, accepted back by the API and the command line.

def test_the_downloaded_json_is_accepted_back_by_the_api_and_the_command_line(client, tmp_path):
    consortium = make_consortium(make_user(), practice_call())
    client.force_login(consortium.owner)

    response = client.get(reverse("consortia:download_json", args=[consortium.pk]))

    assert response["Content-Type"].startswith("application/json")
    assert 'filename="texs3.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["members"][0] == {
        "name": "Cluster Nord-Vest", "country": "RO", "region": "RO11",
        "organisation_type": "cluster_organisation", "eccp_status": "registered",
        "eccp_profile_url": ELIGIBLE_PROFILE, "role": "coordinator",
    }
    expected = check_consortium(consortium)
    request = parse_check_request(response.content)
    assert evaluate(request.facts, request.params, as_of=request.as_of).verdict == "eligible"

    answer = client.post("/api/v1/eligibility-checks", data=response.content,
                         content_type="application/json")
    assert answer.status_code == 200
    statuses = {outcome["rule"]: outcome["status"] for outcome in answer.json()["outcomes"]}
    assert statuses == {outcome.rule: str(outcome.status) for outcome in expected.outcomes}

    path = tmp_path / "consortium.json"
    path.write_bytes(response.content)
    with pytest.raises(SystemExit) as exited:
        call_command("check_eligibility", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert exited.value.code == 0


ELIGIBLE_PROFILE = "https://www.clustercollaboration.eu/cluster-organisations/nord-vest"


def test_a_draft_with_gaps_downloads_without_the_missing_fields(client):
    consortium = make_consortium(
        make_user(), practice_call(), duration_months=None, requested_grant=None,
        members=[{"name": "Cluster Solo"}],
    )
    client.force_login(consortium.owner)

    document = client.get(reverse("consortia:download_json", args=[consortium.pk])).json()

    assert "duration_months" not in document["project"]
    assert document["members"] == [{"name": "Cluster Solo", "role": "beneficiary"}]
    parse_check_request(json.dumps(document))


def test_the_service_refuses_a_consortium_submitted_since_the_preview():
    submission = make_submission(make_user())
    with pytest.raises(ConsortiumNotEditable):
        consortium_members_import(consortium=submission.consortium,
                                  members=[MemberDraft(name="Cluster Late")],
                                  replace=False, user=submission.consortium.owner)
    assert submission.consortium.members.count() == 3


def test_the_csv_template_filled_in_is_read_back_with_its_byte_order_mark(client, draft):
    rows = io.StringIO()
    csv.writer(rows).writerows(PARTNERS)
    filled = template_csv("ro") + rows.getvalue().encode("utf-8")

    response = upload(client, draft, SimpleUploadedFile("sablon-membri-ro.csv", filled))

    assert response.status_code == 302, problems_of(response)
    client.post(preview_url(draft))
    assert draft.members.count() == 3


def test_values_under_a_column_without_header_are_not_ignored(client, draft):
    rows = [[*ENGLISH, ""], ["Cluster", "RO", "", "", "", "", "yes", "forgotten"]]

    problems = problems_of(upload(client, draft, xlsx(rows)))

    assert problems == ["Row 1, column H: this column has values but no header"]


def test_the_service_checks_the_member_set_again_on_the_locked_consortium():
    consortium = make_consortium(make_user(), practice_call())

    with pytest.raises(MembersImportRefused) as refused:
        consortium_members_import(
            consortium=consortium, replace=False, user=consortium.owner,
            members=[MemberDraft(name="CLUSTER NORTE"), MemberDraft(name="Cluster Sud",
                                                                    is_coordinator=True)],
        )

    assert refused.value.problems == [
        "“CLUSTER NORTE” is already a member.",
        "The consortium would have 2 coordinators; it needs exactly one.",
    ]
    assert consortium.members.count() == 3


def test_a_strand_the_cost_categories_and_declarations_download_and_check_the_same(client):
    call = Call.objects.get(reference="SMP-COSME-2024-CLUSTER-01")
    strand = call.strands.order_by("order").first()
    consortium = make_consortium(
        make_user(), call, strand=strand, total_eligible_costs=Decimal("1000000.00"),
        fstp_costs=Decimal("750000.00"), other_costs=Decimal("250000.00"),
        requested_grant=Decimal("975000.00"),
        members=[{"name": "Cluster Budapest", "declarations": ["hu_public_interest_trust"]}],
    )
    client.force_login(consortium.owner)

    document = client.get(reverse("consortia:download_json", args=[consortium.pk])).json()

    assert document["strand"] == strand.code
    assert document["project"]["costs"] == {"fstp": "750000.00", "other": "250000.00"}
    assert document["members"][0]["declarations"] == ["hu_public_interest_trust"]
    answer = client.post("/api/v1/eligibility-checks", data=json.dumps(document),
                         content_type="application/json")
    assert answer.status_code == 200
    statuses = {outcome["rule"]: outcome["status"] for outcome in answer.json()["outcomes"]}
    expected = check_consortium(consortium)
    assert statuses == {outcome.rule: str(outcome.status) for outcome in expected.outcomes}
