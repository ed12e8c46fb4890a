"""In the browser, in English and Romanian, audited and photographed: the contact point's
review beside the automatic verdict (desktop and phone, the consortium page and "My
consortia"), advisory outcomes told apart from blocking ones, and the import of members from
a spreadsheet (the page, its errors, the preview, the save)."""
import csv
import functools
import io
from pathlib import Path

from django.contrib.auth import get_user_model
from django.utils import translation
import openpyxl
from playwright.sync_api import expect
import pytest

from calls.models import Call
from consortia.imports import headers
from consortia.management.commands.seed_demo import APPLICANT, NCP_ROMANIA, PRACTICE_CALL
from consortia.models import Consortium, Submission
from reviews.services import review_record
from tests.consortium_factories import make_consortium

from .layout import in_viewport, scrolls_sideways
from .pages import log_in, open_home, url, words

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}
LANGUAGES = ["en", "ro"]


@pytest.fixture
def found_ineligible(demo_site) -> Submission:
    """DEMO-S3's submission, eligible by the check, confirmed ineligible by the Romanian
    contact point."""
    submission = Submission.objects.active().get(consortium__acronym="DEMO-S3")
    review_record(
        submission=submission, reviewer=get_user_model().objects.get(email=NCP_ROMANIA.email),
        status="confirmed_ineligible",
        comment="The coordinator's ECCP profile names another organisation.",
    )
    return submission


def plural(language: str, singular: str, plural_form: str, count: int,
           name: str = "count") -> str:
    """``ngettext`` in ``language``, with ``count`` put in as ``name``."""
    with translation.override(language):
        return translation.ngettext(singular, plural_form, count) % {name: count}


def signed_in(page, language: str) -> None:
    open_home(page, language)
    log_in(page, APPLICANT, language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_confirmed_ineligible_review_stands_beside_the_green_verdict_on_desktop_and_phone(
    page, check_page, found_ineligible, language
):
    say = functools.partial(words, language)
    signed_in(page, language)

    page.goto(url(language, "consortia:detail", found_ineligible.consortium_id))

    summary = page.get_by_role("region", name=say("At a glance"))
    verdict = summary.locator(".summary-verdict")
    review = summary.locator(".summary-review")
    expect(verdict).to_contain_text(say("Eligible"))
    expect(review).to_contain_text(say("Confirmed ineligible"))
    expect(summary.locator(".summary-advice")).to_contain_text(say("What to do:"))
    verdict_box, review_box = verdict.bounding_box(), review.bounding_box()
    assert abs(verdict_box["y"] - review_box["y"]) < 1, "the review is not beside the verdict"
    assert abs(verdict_box["height"] - review_box["height"]) < 1
    sizes = summary.locator(".summary-value").evaluate_all(
        "values => values.map(v => getComputedStyle(v).fontSize)")
    assert len(set(sizes)) == 1, f"verdict and review differ in size: {sizes}"
    # The eligibility panel's green banner has the review beside it too.
    pair = page.locator("#eligibility .verdict-pair")
    expect(pair.locator(".verdict-banner")).to_contain_text(say("Eligible"))
    expect(pair.locator(".panel-review")).to_contain_text(say("Confirmed ineligible"))
    check_page(f"consortium-review-beside-verdict-{language}", screenshot=True)

    page.set_viewport_size(PHONE)
    page.reload()
    check_page.screenshots.mkdir(exist_ok=True)
    page.screenshot(path=check_page.screenshots / f"phone-review-beside-verdict-{language}.png")
    assert in_viewport(page, verdict), "the verdict is not on the phone's first screen"
    assert in_viewport(page, review), "the review is not on the phone's first screen"
    assert not scrolls_sideways(page)
    check_page(f"phone-consortium-review-{language}")


@pytest.mark.parametrize("language", LANGUAGES)
def test_my_consortia_shows_each_review_status_beside_the_verdict(
    page, check_page, found_ineligible, language
):
    say = functools.partial(words, language)
    signed_in(page, language)

    page.goto(url(language, "consortia:dashboard"))

    table = page.get_by_role("table")
    row = table.locator("tbody tr").filter(has_text="DEMO-S3")
    expect(row).to_contain_text(say("Confirmed ineligible"))
    expect(table.locator("tbody tr").filter(has_text="DEMO-DRAFT")).to_contain_text(
        say("Not submitted yet"))
    expect(row.get_by_role("link", name=say("What to do about %(acronym)s",
                                            acronym="DEMO-S3"))).to_be_visible()
    check_page(f"my-consortia-review-{language}", screenshot=True)

    page.set_viewport_size(PHONE)
    page.reload()
    status = row.locator("td").filter(has_text=say("Confirmed ineligible"))
    assert in_viewport(page, status) or status.bounding_box()["x"] >= 0
    assert not scrolls_sideways(page)
    check_page(f"phone-my-consortia-review-{language}", screenshot=True)


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_advisory_finding_looks_and_reads_unlike_a_blocking_one(
    page, check_page, demo_site, language
):
    say = functools.partial(words, language)
    owner = get_user_model().objects.get(email=APPLICANT.email)
    consortium = make_consortium(owner, Call.objects.get(reference=PRACTICE_CALL), members=[
        {"name": "Cluster Nord-Vest", "country": "RO", "region": "RO11",
         "organisation_type": "cluster_organisation", "eccp_status": "registered",
         "is_coordinator": True},
        {"name": "Cluster Norte", "country": "PT", "region": "PT11",
         "organisation_type": "cluster_organisation", "eccp_status": "requested"},
        {"name": "Science Park Ruse", "country": "BG", "region": "BG32",
         "organisation_type": "science_park", "eccp_status": "registered"},
    ], acronym="ADVICE-S3", duration_months=None)
    signed_in(page, language)

    page.goto(url(language, "consortia:detail", consortium.pk))

    panel = page.locator("#eligibility")
    advisory = panel.locator("li.outcome-advisory-rule")
    expect(advisory).to_have_count(1)
    expect(advisory).to_contain_text(say("Advisory — does not block"))
    heading = advisory.get_by_role("heading")
    expect(heading).to_contain_text(say("Advisory rule, does not block:"))
    blocking = panel.locator("li.outcome-fail, li.outcome-missing").first
    expect(blocking.get_by_role("heading")).to_contain_text(say("Blocking rule:"))
    styles = [item.evaluate("e => getComputedStyle(e).borderLeftStyle")
              for item in (advisory, blocking)]
    assert styles == ["dashed", "solid"], styles
    count = panel.locator(".findings-count").inner_text()
    assert plural(language, "%(count)d advisory note", "%(count)d advisory notes", 1) in count
    assert plural(language, "%(count)d blocking rule waiting for information",
                  "%(count)d blocking rules waiting for information", 1) in count
    check_page(f"consortium-advisory-{language}", screenshot=True)
    panel.screenshot(path=check_page.screenshots / f"consortium-advisory-panel-{language}.png")


def member_csv(language: str, rows: list[list[str]]) -> bytes:
    output = io.StringIO()
    csv.writer(output).writerows([headers(language), *rows])
    return output.getvalue().encode("utf-8")


@pytest.mark.parametrize("language", LANGUAGES)
def test_members_are_imported_from_a_spreadsheet_after_a_preview(
    page, check_page, demo_site, language
):
    say = functools.partial(words, language)
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")
    signed_in(page, language)
    page.goto(url(language, "consortia:detail", draft.pk))

    page.get_by_role("link", name=say("Import members from a spreadsheet")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Import members into %(acronym)s", acronym="DEMO-DRAFT"))
    check_page(f"import-members-{language}", screenshot=True)

    with page.expect_download() as download:
        page.get_by_role("link", name=say("Template (XLSX)")).click()
    template = io.BytesIO(Path(download.value.path()).read_bytes())
    sheet = openpyxl.load_workbook(template).worksheets[0]
    assert [cell.value for cell in sheet[1]] == headers(language)

    # A file with problems: each named by row and column, nothing saved.
    page.set_input_files("#id_file", files=[{
        "name": "partners.csv", "mimeType": "text/csv",
        "buffer": member_csv(language, [["", "RO", "RO21", "", "", "", ""],
                                        ["Cluster Nowhere", "Atlantis", "", "", "", "", ""]]),
    }])
    page.get_by_role("button", name=say("Read the file")).click()
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    problems = summary.locator("li")
    expect(problems).to_have_count(2)
    for problem, row, letter, header in ((problems.nth(0), 2, "A", headers(language)[0]),
                                         (problems.nth(1), 3, "B", headers(language)[1])):
        column = say("%(letter)s “%(header)s”", letter=letter, header=header)
        expect(problem).to_contain_text(
            say("Row %(row)d, column %(column)s: %(message)s", row=row, column=column,
                message=""))
    check_page(f"import-members-errors-{language}", screenshot=True)
    assert draft.members.count() == 3
    page.set_viewport_size(PHONE)
    assert not scrolls_sideways(page)
    check_page(f"phone-import-members-errors-{language}", screenshot=True)
    page.set_viewport_size(DESKTOP)

    # A valid file replacing the members: shown first, saved on confirmation.
    page.set_input_files("#id_file", files=[{
        "name": "partners.csv", "mimeType": "text/csv",
        "buffer": member_csv(language, [
            ["Cluster Nord-Vest", "RO", "RO11", "", "", "", "da" if language == "ro" else "yes"],
            ["Cluster Norte", "PT", "PT11", "", "", "", ""],
            ["Netzwerk Dresden", "DE", "DED2", "", "", "", ""],
        ]),
    }])
    page.get_by_label(say("Replace the current members")).check()
    page.get_by_role("button", name=say("Read the file")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Check the imported members"))
    members = page.get_by_role("region", name=say("Table of members to import"))
    expect(members.locator("tbody tr")).to_have_count(3)
    expect(page.locator("main")).to_contain_text(say("Members that will be removed"))
    check_page(f"import-members-preview-{language}", screenshot=True)
    assert list(draft.members.values_list("name", flat=True)) != ["Cluster Nord-Vest"]

    page.get_by_role("button", name=plural(
        language, "Save this member", "Save these %(counter)s members", 3, name="counter"
    )).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("DEMO-DRAFT")
    assert sorted(draft.members.values_list("name", flat=True)) == [
        "Cluster Nord-Vest", "Cluster Norte", "Netzwerk Dresden"]
    check_page(f"import-members-saved-{language}")
