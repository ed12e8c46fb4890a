"""A 60-character e-mail address and a 200-character organisation name wrap inside their
column on the report and on the review page, at 320, 768 and 1280 pixels and in print: no
text runs over the verdict, and the page never scrolls sideways."""
from django.urls import reverse
from playwright.sync_api import expect
import pytest

from accounts.models import User
from calls.models import Call
from consortia.management.commands.seed_demo import NCP_ROMANIA, PRACTICE_CALL
from consortia.services import consortium_submit
from reviews.services import review_record
from tests.consortium_factories import PASSWORD, make_consortium, make_user

pytestmark = pytest.mark.browser

LONG_EMAIL = "coordonatoarea.proiectului.textil.nord.vest.2018@example.org"
# One word, no place to break: the worst case for a column.
LONG_NAME = "Asociatia" + "ClusteruluiTextilTinutulSatmarului" * 6
LONG_NAME = LONG_NAME[:200]
WIDTHS = [320, 768, 1280]
PRINT_WIDTH = 794  # an A4 page at 96 dots per inch


def member(name: str, country: str, region: str, *, coordinator: bool = False) -> dict:
    return {
        "name": name, "country": country, "region": region,
        "organisation_type": "cluster_organisation", "eccp_status": "registered",
        "is_coordinator": coordinator,
    }


@pytest.fixture
def submission(demo_site):
    assert len(LONG_EMAIL) == 60 and len(LONG_NAME) == 200
    call = Call.objects.get(reference=PRACTICE_CALL)
    owner = make_user(LONG_EMAIL)
    consortium = make_consortium(owner, call, acronym="LUNG-S3", members=[
        member(LONG_NAME, "RO", "RO11", coordinator=True),
        member("Cluster Têxtil Norte", "PT", "PT11"),
        member("Netzwerk Dresden", "DE", "DED2"),
    ])
    submitted = consortium_submit(consortium=consortium, user=owner)
    review_record(submission=submitted, reviewer=User.objects.get(email=NCP_ROMANIA.email),
                  status="confirmed_eligible", comment="")
    return submitted


def log_in_as(page, email: str, password: str) -> None:
    page.goto(reverse("login"))
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.get_by_role("main").get_by_role("button", name="Log in").click()
    expect(page.locator(".site-account")).to_contain_text(email)


LAYOUT_PROBLEMS = """([longTexts, verdictText]) => {
  const problems = [];
  const root = document.documentElement;
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${root.clientWidth}`);
  }
  const textBox = (element) => {
    const range = document.createRange();
    range.selectNodeContents(element);
    return range.getBoundingClientRect();
  };
  const cells = Array.from(
    document.querySelectorAll('main dd, main th, main td, main h1, main li'));
  const holding = (text) => cells.filter((cell) => cell.textContent.includes(text))
    .sort((a, b) => a.textContent.length - b.textContent.length)[0];
  const verdict = holding(verdictText);
  if (!verdict) { return [`no element shows "${verdictText}"`]; }
  const verdictBox = verdict.getBoundingClientRect();
  for (const text of longTexts) {
    const cell = holding(text);
    if (!cell) { problems.push(`"${text.slice(0, 20)}…" is not on the page`); continue; }
    const own = cell.getBoundingClientRect();
    const box = textBox(cell);
    if (box.right > own.right + 1 || box.left < own.left - 1) {
      problems.push(`"${text.slice(0, 20)}…" runs out of its ${cell.tagName}: `
        + `${box.left}–${box.right} outside ${own.left}–${own.right}`);
    }
    if (cell !== verdict && !cell.contains(verdict)) {
      const overlaps = box.left < verdictBox.right && box.right > verdictBox.left
        && box.top < verdictBox.bottom && box.bottom > verdictBox.top;
      if (overlaps) { problems.push(`"${text.slice(0, 20)}…" overlaps the verdict`); }
    }
  }
  return problems;
}"""


def layout_problems(page, verdict: str) -> list[str]:
    return page.evaluate(LAYOUT_PROBLEMS, [[LONG_EMAIL, LONG_NAME], verdict])


def assert_long_words_wrap(page, name: str, verdict: str, check_page) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.emulate_media(media="screen")
        assert layout_problems(page, verdict) == [], f"{name} at {width} px"
        check_page.screenshot(f"{name}-{width}")
    page.set_viewport_size({"width": PRINT_WIDTH, "height": 1123})
    page.emulate_media(media="print")
    assert layout_problems(page, verdict) == [], f"{name} in print"
    check_page.screenshot(f"{name}-print")
    page.emulate_media(media="screen")


def test_the_report_wraps_a_long_address_and_a_long_name_in_their_columns(
    page, check_page, submission
):
    log_in_as(page, LONG_EMAIL, PASSWORD)
    page.goto(reverse("consortia:report", args=[submission.consortium_id, submission.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("LUNG-S3")

    assert_long_words_wrap(page, "report-long-words", "Eligible", check_page)


def test_the_review_page_wraps_a_long_address_and_a_long_name_in_their_columns(
    page, check_page, submission
):
    log_in_as(page, NCP_ROMANIA.email, NCP_ROMANIA.password)
    page.goto(reverse("reviews:detail", args=[submission.pk]))
    expect(page.get_by_role("heading", level=1)).to_contain_text("LUNG-S3")

    assert_long_words_wrap(page, "review-long-words", "Eligible", check_page)
