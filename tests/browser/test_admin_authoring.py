"""An administrator adds a rule to a call with the form of its kind, without a file editor,
sees every problem of a wrong one, then tries a sample consortium against the call: at 1280
and 768 px, in both languages, with the accessibility audit on every page."""
import functools
import json
from pathlib import Path
import re

from playwright.sync_api import expect
import pytest

from calls.models import Call, CallRule
from consortia.management.commands.seed_demo import ADMIN

from .layout import scrolls_sideways
from .pages import log_in, open_home, url, words

pytestmark = pytest.mark.browser

REFERENCE = "COS-CLUSTPARTNS-2017-3-02"
CASE = (Path(__file__).resolve().parents[1] / "cases" / REFERENCE
        / "advisory_failure_keeps_verdict.json")
TABLET = {"width": 768, "height": 1024}


def fits(page, check_page, name: str) -> None:
    """The page passes the audit at 1280 px, and at 768 px does not scroll sideways."""
    page.set_viewport_size({"width": 1280, "height": 900})
    check_page(f"{name}-1280")
    # The page had logged no error before the audit; on a page with form errors the audit's
    # own script then applies inline styles, which the Content-Security-Policy refuses.
    check_page.console_errors.clear()
    page.set_viewport_size(TABLET)
    assert not scrolls_sideways(page), name
    check_page(f"{name}-768")
    check_page.console_errors.clear()
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("language", ["en", "ro"])
def test_an_administrator_adds_a_rule_by_its_form_and_tries_a_consortium_against_the_call(
    page, check_page, demo_site, language
):
    say = functools.partial(words, language)
    call = Call.objects.get(reference=REFERENCE)
    version = call.version
    open_home(page, language)
    log_in(page, ADMIN, language)

    # The call's page: add a rule, in two steps (its kind, then its form).
    # (The call's own page is Django's, whose date and time fields are not labelled yet.)
    page.goto(url(language, "admin:calls_call_change", call.pk))
    page.get_by_role("link", name=say("Add a rule")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Add call rule: its kind"))
    fits(page, check_page, f"admin-rule-kind-{language}")
    page.get_by_label(say("Kind of rule")).select_option("min_grant")
    page.get_by_role("button", name=say("Next: its options")).click()
    expect(page.locator("#id_option_minimum")).to_be_visible()

    # A wrong rule: every problem named, on its field; nothing stored.
    page.fill("#id_reference", "Call text §4")
    page.fill("#id_option_minimum", "-5")
    page.select_option("#id_basis_minimum", "secondary")
    page.locator("input[name=_save]").click()
    expect(page.locator(".errornote")).to_be_visible()
    expect(page.locator("#id_option_minimum_error")).to_have_count(1)
    expect(page.locator("#id_source_minimum_error")).to_contain_text(
        "say where a secondary fact comes from"
    )
    assert not CallRule.objects.filter(call=call, code="min_grant").exists()
    fits(page, check_page, f"admin-rule-problems-{language}")

    # Put right: stored with its provenance, and the call's version raised.
    page.fill("#id_option_minimum", "60000.00")
    page.fill("#id_source_minimum", "Call text §4")
    page.locator("input[name=_save]").click()
    expect(page).to_have_url(re.compile(r"/admin/calls/callrule/$"))
    rule = CallRule.objects.get(call=call, code="min_grant")
    assert rule.options == {"minimum": "60000.00"}
    assert rule.provenance == {"minimum": {"basis": "secondary", "source": "Call text §4"}}
    assert Call.objects.get(pk=call.pk).version > version

    # Try a consortium: a broken one gets the contract's problems, a good one every outcome.
    page.goto(url(language, "admin:calls_call_change", call.pk))
    page.get_by_role("link", name=say("Try a consortium")).click()
    fits(page, check_page, f"admin-try-{language}")
    page.fill("#id_sample", '{"members": [}')
    page.get_by_role("button", name=say("Check against this call")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.locator(".sample-problems")).to_contain_text("JSON")
    fits(page, check_page, f"admin-try-problems-{language}")
    sample = json.loads(CASE.read_text())["input"]
    sample["project"]["requested_grant"] = "50000.00"  # below the new minimum
    page.fill("#id_sample", json.dumps(sample))
    page.get_by_role("button", name=say("Check against this call")).click()
    expect(page.get_by_role("status")).to_contain_text(say("Not eligible"))
    rows = page.locator("#sample-outcomes tbody tr")
    expect(rows).to_have_count(len(call.rules.all()))
    expect(rows.filter(has_text="min_grant")).to_contain_text(say("Fail"))
    fits(page, check_page, f"admin-try-report-{language}")
