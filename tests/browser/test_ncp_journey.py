"""The national contact point for Romania reviews a submission: logs in, narrows the queue,
opens the submission, records a review, and downloads the queue as CSV."""
import csv
import functools
import io
import re

from playwright.sync_api import expect
import pytest

from consortia.management.commands.seed_demo import NCP_ROMANIA, PRACTICE_CALL

from .pages import log_in, open_home, submit_partner_consortia, words

pytestmark = pytest.mark.browser


@pytest.fixture
def submissions(demo_site) -> dict:
    """Besides seed_demo's DEMO-S3 (members from Romania, Portugal and Germany), two more
    submitted consortia: one with a Bulgarian and a Romanian member, one without any
    Romanian member (which the Romanian contact point must not see)."""
    return submit_partner_consortia()


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_romanian_contact_point_filters_the_queue_reviews_a_submission_and_exports_csv(
    page, check_page, submissions, language
):
    say = functools.partial(words, language)

    open_home(page, language)
    log_in(page, NCP_ROMANIA, language)

    # The queue lists the submissions with a Romanian member, not the other one.
    page.get_by_role("navigation", name=say("Main")).get_by_role(
        "link", name=say("Review queue")
    ).click()
    queue = page.get_by_role("table", name=say("Submissions to review"))
    rows = queue.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(queue).to_contain_text("DEMO-S3")
    expect(queue).to_contain_text("DUNARE-S3")
    expect(queue).not_to_contain_text("NORD-S3")
    check_page(f"ncp-queue-{language}")

    # Only the consortia with a Bulgarian member.
    page.select_option("#id_country", "BG")
    page.get_by_role("button", name=say("Apply")).click()
    expect(page).to_have_url(re.compile(r"[?&]country=BG(&|$)"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("DUNARE-S3")
    expect(rows.first).to_contain_text(say("Not reviewed"))
    check_page(f"ncp-queue-filtered-{language}")

    # A clarification request needs a comment; with one, it is recorded.
    rows.first.get_by_role("link", name="DUNARE-S3").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Review: %(acronym)s", acronym="DUNARE-S3")
    )
    check_page(f"ncp-review-{language}")
    page.get_by_label(say("Clarification requested")).check()
    page.get_by_role("button", name=say("Record the review")).click()
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#error-summary")).to_contain_text(say("Comment"))
    check_page(f"ncp-review-errors-{language}")
    page.get_by_label(say("Clarification requested")).check()
    page.fill("#id_comment", "Vă rugăm să confirmați sediul membrului din Ruse (BG32).")
    page.get_by_role("button", name=say("Record the review")).click()
    expect(page.get_by_role("status").filter(
        has_text=say(
            "Review recorded. The applicant is told by e-mail and sees it with the submission."
        )
    )).to_be_visible()
    check_page(f"ncp-reviewed-{language}")

    # Back in the queue, the review shows; the CSV holds what the queue shows.
    page.get_by_role("link", name=say("Review queue")).first.click()
    reviewed = rows.filter(has_text="DUNARE-S3")
    expect(reviewed).to_contain_text(say("Clarification requested"))
    check_page.screenshot(f"ncp-queue-{language}")
    with page.expect_download() as download:
        page.get_by_role("link", name=say("Download as CSV")).click()
    assert download.value.suggested_filename.endswith(".csv")
    exported = list(csv.DictReader(io.StringIO(
        download.value.path().read_text(encoding="utf-8-sig")
    )))
    by_acronym = {row["acronym"]: row for row in exported}
    assert set(by_acronym) == {"DEMO-S3", "DUNARE-S3"}
    row = by_acronym["DUNARE-S3"]
    assert row["coordinator"] == "Клъстер Мехатроника Русе"
    assert row["countries"].split() == ["BG", "RO", "PT"]
    assert row["verdict"] == "eligible"
    assert row["review_status"] == "clarification_requested"
    assert row["min_countries"] == "pass" and row["region_category"] == "pass"
    assert row["call"] == PRACTICE_CALL
    assert by_acronym["DEMO-S3"]["review_status"] == "not_reviewed"
