"""Every page the demo applicant, the Romanian contact point and the administrator reach, in
English and in Romanian, on a phone (375 px) and on a desktop (1280 px): no serious or
critical accessibility violation, no sideways scrolling down to 320 px, every table that is
wider than the screen inside a scrolling region the keyboard reaches, and those regions
named apart."""
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
import functools

from django.contrib.auth import get_user_model
from playwright.sync_api import expect
import pytest

from consortia.management.commands.seed_demo import ADMIN, APPLICANT, NCP_ROMANIA, PRACTICE_CALL
from consortia.models import Consortium, Submission
from reviews.services import review_record

from .layout import NARROWEST, region_names, scrolls_sideways, tables_off_screen
from .pages import log_in, open_home, submit_partner_consortia, url, words

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 900}
REVIEW_COMMENT = "Please confirm where the member from Dresden is established."


@dataclass(frozen=True)
class Shown:
    """A page as a person sees it: opened at ``path``, then, if given, ``then`` done on it
    (a form sent with a mistake, for instance)."""

    name: str
    path: str
    then: Callable | None = None


@pytest.fixture
def reviewed_site(demo_site) -> dict:
    """The demo site, with DUNARE-S3 and NORD-S3 submitted too, and DEMO-S3 reviewed by the
    Romanian contact point; the primary keys the pages need."""
    submit_partner_consortia()
    demo = Submission.objects.active().get(consortium__acronym="DEMO-S3")
    review_record(
        submission=demo, reviewer=get_user_model().objects.get(email=NCP_ROMANIA.email),
        status="clarification_requested", comment=REVIEW_COMMENT,
    )
    return {
        "draft": Consortium.objects.get(acronym="DEMO-DRAFT").pk,
        "submitted": demo.consortium_id,
        "submission": demo.pk,
        "dunare": Submission.objects.active().get(consortium__acronym="DUNARE-S3").pk,
    }


def save_without_acronym(page, say) -> None:
    page.get_by_role("button", name=say("Save"), exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()


def review_without_comment(page, say) -> None:
    page.get_by_label(say("Clarification requested")).check()
    page.get_by_role("button", name=say("Record the review")).click()
    expect(page.locator("#error-summary")).to_be_focused()


def pages_of(role: str, language: str, keys: dict) -> list[Shown]:
    at = functools.partial(url, language)
    if role == "visitor":
        return [
            Shown("home", at("calls:home")),
            Shown("call", at("calls:detail", PRACTICE_CALL)),
            Shown("call-rules", at("eligibility:call_rules", PRACTICE_CALL)),
            # A closed call with fifteen strands, provisional facts and facts not known.
            Shown("call-with-strands", at("calls:detail", "SMP-COSME-2021-CLUSTER-01")),
            Shown("call-with-strands-rules",
                  at("eligibility:call_rules", "SMP-COSME-2021-CLUSTER-01")),
            Shown("rule-kinds", at("eligibility:rule_kinds")),
            Shown("signup", at("accounts:signup")),
            Shown("login", at("login")),
        ]
    if role == "applicant":
        return [
            Shown("dashboard", at("consortia:dashboard")),
            Shown("call-picker", at("consortia:create")),
            Shown("consortium-new", at("consortia:create", PRACTICE_CALL)),
            Shown("consortium-new-errors", at("consortia:create", PRACTICE_CALL),
                  save_without_acronym),
            Shown("consortium-edit", at("consortia:edit", keys["draft"])),
            Shown("consortium-failing", at("consortia:detail", keys["draft"])),
            Shown("consortium-submitted", at("consortia:detail", keys["submitted"])),
            Shown("report", at("consortia:report", keys["submitted"], keys["submission"])),
        ]
    if role == "contact point":
        return [
            Shown("queue", at("reviews:queue")),
            Shown("queue-filtered", at("reviews:queue") + "?country=BG&verdict=eligible"),
            Shown("review", at("reviews:detail", keys["dunare"])),
            Shown("review-errors", at("reviews:detail", keys["dunare"]), review_without_comment),
            Shown("review-reviewed", at("reviews:detail", keys["submission"])),
        ]
    return [
        Shown("admin-index", at("admin:index")),
        Shown("admin-calls", at("admin:calls_call_changelist")),
        Shown("admin-load-fixture", at("admin:calls_call_load_fixture")),
    ]


ACCOUNTS = {"applicant": APPLICANT, "contact point": NCP_ROMANIA, "administrator": ADMIN}


@pytest.mark.parametrize("language", ["en", "ro"])
@pytest.mark.parametrize("role", ["visitor", "applicant", "contact point", "administrator"])
def test_every_page_is_accessible_on_a_phone_and_a_desktop_and_never_scrolls_sideways(
    page, check_page, reviewed_site, role, language
):
    say = functools.partial(words, language)
    open_home(page, language)
    if role in ACCOUNTS:
        log_in(page, ACCOUNTS[role], language)

    for shown in pages_of(role, language, reviewed_site):
        for screen in (PHONE, DESKTOP):
            name = f"{shown.name}-{language}-{screen['width']}"
            page.set_viewport_size(screen)
            page.goto(shown.path)
            if shown.then:
                shown.then(page, say)
            check_page(name)
            assert not scrolls_sideways(page), f"{name} scrolls sideways"
            assert tables_off_screen(page) == [], f"{name}: a table runs off the screen"
            repeated = [label for label, count in Counter(region_names(page)).items() if count > 1]
            assert repeated == [], f"{name}: regions share a name"
        page.set_viewport_size({"width": NARROWEST, "height": 640})
        assert not scrolls_sideways(page), f"{shown.name}-{language} scrolls sideways at 320 px"
        assert tables_off_screen(page) == [], f"{shown.name}-{language}: a table runs off at 320 px"
