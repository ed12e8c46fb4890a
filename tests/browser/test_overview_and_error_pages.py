"""The review queue's overview and the error pages in a real browser, in English and in
Romanian: the pictures and their tables show, the accessibility audit passes, and the
Content-Security-Policy refuses nothing (check_page fails on any console error)."""
import functools

from playwright.sync_api import expect
import pytest

from calls.models import Call
from consortia.management.commands.seed_demo import APPLICANT, NCP_ROMANIA, PRACTICE_CALL
from consortia.services import consortium_submit
from tests.consortium_factories import make_consortium, make_user

from .pages import log_in, open_home, words

pytestmark = pytest.mark.browser


def member(name: str, country: str, region: str, *, coordinator: bool = False) -> dict:
    return {
        "name": name, "country": country, "region": region,
        "organisation_type": "cluster_organisation", "eccp_status": "registered",
        "is_coordinator": coordinator,
    }


@pytest.fixture
def submissions(demo_site) -> None:
    """Besides seed_demo's DEMO-S3, one more submission with a Romanian member."""
    call = Call.objects.get(reference=PRACTICE_CALL)
    owner = make_user("cluster.manager@example.bg")
    consortium = make_consortium(owner, call, acronym="DUNARE-S3", members=[
        member("Клъстер Мехатроника Русе", "BG", "BG32", coordinator=True),
        member("Clusterul Agroalimentar Nord-Est", "RO", "RO21"),
        member("Cluster Têxtil Norte", "PT", "PT11"),
    ])
    consortium_submit(consortium=consortium, user=owner)


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_contact_point_opens_the_overview_of_the_queue_from_the_queue(
    page, check_page, submissions, language
):
    say = functools.partial(words, language)
    open_home(page, language)
    log_in(page, NCP_ROMANIA, language)
    page.get_by_role("navigation", name=say("Main")).get_by_role(
        "link", name=say("Review queue")
    ).click()

    page.get_by_role("link", name=say(
        "The queue in pictures: over time, by verdict, by review status, by country"
    )).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(say("Overview of the review queue"))
    pictures = page.get_by_role("img")
    expect(pictures).to_have_count(4)
    expect(page.get_by_role("img", name=say("Submissions by review status"))).to_be_visible()
    expect(page.get_by_role("table", name=say("Submissions by review status"))).to_contain_text(
        say("Not reviewed")
    )
    expect(page.get_by_role("table", name=say("Submissions by country of the members"))) \
        .to_contain_text("(RO)")
    check_page(f"ncp-overview-{language}", screenshot=True)


def forget_the_status_of_the_page_itself(check_page) -> None:
    """The browser logs an error page's own status (404, 403) as a console error; that one is
    expected, any other error still fails the check."""
    url = check_page.page.url
    check_page.console_errors[:] = [
        error for error in check_page.console_errors
        if not (error.startswith("Failed to load resource") and error.endswith(f"({url})"))
    ]


@pytest.mark.parametrize("language", ["en", "ro"])
def test_a_missing_page_and_a_refused_page_are_ours_in_the_language_of_the_address(
    page, check_page, demo_site, language
):
    say = functools.partial(words, language)
    prefix = "" if language == "en" else f"/{language}"

    page.goto(f"{prefix}/no-such-page/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Page not found"))
    forget_the_status_of_the_page_itself(check_page)
    check_page(f"error-404-{language}", screenshot=True)
    page.get_by_role("link", name=say("Home page: the calls")).click()
    expect(page.locator("html")).to_have_attribute("lang", language)

    log_in(page, APPLICANT, language)
    page.goto(f"{prefix}/reviews/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("You may not see this page"))
    forget_the_status_of_the_page_itself(check_page)
    check_page(f"error-403-{language}", screenshot=True)
