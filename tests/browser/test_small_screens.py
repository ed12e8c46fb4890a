"""On a phone (375 px wide, 667 px high): the report's and the review's tables of outcomes,
the review queue and "My consortia" show everything without sideways scrolling; the
consortium page says its verdict and latest review on the first screen; the queue's filters
fold away (and stay open without scripts)."""
import functools

from django.contrib.auth import get_user_model
from django.utils import translation
from playwright.sync_api import expect
import pytest

from calls.countries import country_name
from consortia.management.commands.seed_demo import APPLICANT, NCP_ROMANIA
from consortia.models import Submission
from reviews.services import review_record

from .layout import NARROWEST, in_viewport, scrolls_sideways
from .pages import log_in, open_home, submit_partner_consortia, url, words

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def reviewed_demo(demo_site) -> Submission:
    """DEMO-S3's submission, with a review by the Romanian contact point."""
    submission = Submission.objects.active().get(consortium__acronym="DEMO-S3")
    review_record(
        submission=submission, reviewer=get_user_model().objects.get(email=NCP_ROMANIA.email),
        status="confirmed_eligible", comment="",
    )
    return submission


def on_phone(page, account, language: str) -> None:
    page.set_viewport_size(PHONE)
    open_home(page, language)
    log_in(page, account, language)


def cells_on_screen(page, table, column: int) -> list[bool]:
    """Whether each row's cell in ``column`` (counted from 1, the row header included) is
    wholly within the screen's width."""
    cells = table.locator(f"tbody tr > :nth-child({column})")
    expect(cells.first).to_be_visible()
    width = page.viewport_size["width"]
    return [box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5
            for box in (cell.bounding_box() for cell in cells.all())]


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_consortium_page_shows_its_verdict_and_latest_review_on_the_first_screen_of_a_phone(
    page, check_page, reviewed_demo, language
):
    say = functools.partial(words, language)
    on_phone(page, APPLICANT, language)

    page.goto(url(language, "consortia:detail", reviewed_demo.consortium_id))

    summary = page.get_by_role("region", name=say("At a glance"))
    expect(summary).to_contain_text(say("Eligible"))
    expect(summary).to_contain_text(say("Confirmed eligible"))
    # The verdict and the latest review, each in its box; what to do follows them.
    for box in (summary.locator(".summary-verdict"), summary.locator(".summary-review")):
        assert in_viewport(page, box), "the verdict or the review is not on the first screen"
    check_page.screenshots.mkdir(exist_ok=True)
    page.screenshot(path=check_page.screenshots / f"phone-consortium-first-screen-{language}.png")

    # Its links lead to the rules and to the reviews.
    summary.get_by_role("link", name=say("Every rule and what would fix it")).click()
    expect(page.get_by_role("heading", name=say("Eligibility check"))).to_be_in_viewport()
    page.go_back()
    summary.get_by_role("link", name=say("The reviews")).click()
    expect(page.get_by_role(
        "heading", name=say("Reviews by national contact points")
    )).to_be_in_viewport()


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_report_fits_a_phone_with_every_column_of_its_outcomes_on_screen(
    page, check_page, demo_site, language
):
    on_phone(page, APPLICANT, language)
    submission = Submission.objects.active().get(consortium__acronym="DEMO-S3")

    page.goto(url(language, "consortia:report", submission.consortium_id, submission.pk))

    outcomes = page.locator("table.outcomes-table")
    for column in (1, 2, 3, 4):  # the rule, the result, what was found, where the call says so
        assert all(cells_on_screen(page, outcomes, column)), f"column {column} is off screen"
    assert not scrolls_sideways(page)
    page.set_viewport_size({"width": NARROWEST, "height": 640})
    assert not scrolls_sideways(page)
    page.set_viewport_size(PHONE)
    check_page.screenshot(f"phone-report-{language}")


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_review_page_scrolls_its_tables_in_focusable_regions_with_names_of_their_own(
    page, demo_site, language
):
    say = functools.partial(words, language)
    submit_partner_consortia()
    dunare = Submission.objects.active().get(consortium__acronym="DUNARE-S3")
    on_phone(page, NCP_ROMANIA, language)
    page.set_viewport_size(DESKTOP)

    page.goto(url(language, "reviews:detail", dunare.pk))

    regions = page.locator("[role=region]")
    names = regions.evaluate_all("regions => regions.map(r => r.getAttribute('aria-label'))")
    assert len(names) == len(set(names)) == 4, names
    with translation.override(language):
        for code in ("BG", "RO", "PT"):
            assert say("Members from %(country)s", country=country_name(code)) in names
    assert say("Table of rule outcomes") in names
    outcomes = page.get_by_role("region", name=say("Table of rule outcomes"))
    expect(outcomes.locator("table.outcomes-table")).to_be_visible()
    assert regions.evaluate_all("regions => regions.every(r => r.tabIndex === 0)")
    outcomes.focus()
    expect(outcomes).to_be_focused()


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_queue_shows_verdict_and_review_status_on_a_phone_with_its_filters_folded(
    page, check_page, reviewed_demo, language
):
    say = functools.partial(words, language)
    submit_partner_consortia()
    on_phone(page, NCP_ROMANIA, language)

    page.goto(url(language, "reviews:queue"))

    filters = page.locator("details[data-fold-on-narrow]")
    expect(filters).not_to_have_attribute("open", "")
    queue = page.get_by_role("table", name=say("Submissions to review"))
    expect(queue.locator("tbody tr")).to_have_count(2)
    for column in (6, 7):  # the automatic verdict and the review status
        assert all(cells_on_screen(page, queue, column)), f"column {column} is off screen"
    expect(queue).to_contain_text(say("Confirmed eligible"))
    assert not scrolls_sideways(page)
    check_page.screenshot(f"phone-queue-{language}")

    # The header row is hidden on a phone, but a sort link in it shows when it has the focus.
    sort_link = queue.get_by_role("link", name=say("Acronym"))
    sort_link.focus()
    box = sort_link.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    expect(sort_link).to_be_in_viewport(ratio=1)

    # The filters open with their summary, and on a desktop they are open from the start.
    filters.locator("summary").click()
    expect(page.locator("#id_country")).to_be_visible()
    page.set_viewport_size(DESKTOP)
    page.reload()
    expect(filters).to_have_attribute("open", "")


def test_without_scripts_the_queue_filters_stay_open_on_a_phone(chromium, demo_site):
    context = chromium.new_context(
        base_url=demo_site.url, viewport=PHONE, java_script_enabled=False,
    )
    page = context.new_page()
    try:
        open_home(page, "en")
        log_in(page, NCP_ROMANIA, "en")
        page.goto(url("en", "reviews:queue"))

        expect(page.locator("details[data-fold-on-narrow]")).to_have_attribute("open", "")
        expect(page.locator("#id_country")).to_be_visible()
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ro"])
def test_my_consortia_shows_verdict_and_status_on_a_phone(page, check_page, demo_site, language):
    on_phone(page, APPLICANT, language)

    page.goto(url(language, "consortia:dashboard"))

    table = page.locator("table.consortia-table")
    for column in (4, 5):  # the verdict and the status
        assert all(cells_on_screen(page, table, column)), f"column {column} is off screen"
    assert not scrolls_sideways(page)
    check_page.screenshot(f"phone-my-consortia-{language}")
