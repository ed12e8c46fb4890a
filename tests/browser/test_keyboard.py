"""The consortium form with the keyboard only: every control in reach of Tab, in the order of
the page, with a visible focus; after an invalid save the error summary has the focus and each
of its links moves the focus to its field."""
import functools

from playwright.sync_api import expect
import pytest

from consortia.management.commands.seed_demo import APPLICANT, PRACTICE_CALL

from .pages import expect_page, open_home, region_countries, words

pytestmark = pytest.mark.browser

# Every control a person can operate, in the order of the page.
CONTROLS = """form => Array.from(form.querySelectorAll(
    "input:not([type=hidden]), select, textarea, button, a[href]"
)).filter(control => control.offsetParent !== null)
    .map(control => control.id || control.name || control.textContent.trim())"""
# What has the focus, read once the browser has drawn the page after the key press.
FOCUSED = """() => new Promise(resolve => requestAnimationFrame(() => {
  const control = document.activeElement;
  const box = control.getBoundingClientRect();
  const style = getComputedStyle(control);
  resolve({
    key: control.id || control.name || control.textContent.trim(),
    inForm: Boolean(control.closest("form.consortium-form")),
    shown: box.width > 0 && box.height > 0,
    outlined: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
  });
}))"""
MAX_TABS = 150


def tab(page) -> dict:
    page.keyboard.press("Tab")
    return page.evaluate(FOCUSED)


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_consortium_form_works_with_the_keyboard_alone(page, check_page, language):
    say = functools.partial(words, language)

    open_home(page, language)

    # The first Tab reaches the skip link, shown on focus; it moves the focus to the content.
    focused = tab(page)
    skip_link = page.get_by_role("link", name=say("Skip to main content"))
    expect(skip_link).to_be_focused()
    assert focused["shown"] and focused["outlined"]
    assert skip_link.bounding_box()["y"] >= 0
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    # Log in as the demo applicant and open a new consortium for the practice call.
    page.get_by_role("link", name=say("Log in")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Log in"))
    check_page(f"login-{language}")
    page.fill("#id_username", APPLICANT.email)
    page.fill("#id_password", APPLICANT.password)
    page.get_by_role("main").get_by_role("button", name=say("Log in")).click()
    page.get_by_role("link", name=say("My consortia")).click()
    page.get_by_role("link", name=say("Build a new consortium")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Which call is the consortium for?")
    )
    check_page(f"call-picker-{language}")
    page.get_by_role("link", name=PRACTICE_CALL, exact=False).click()
    expect_page(page, say("New consortium"))

    # Tab through the whole page, typing where a person would; leave the acronym empty.
    expected = page.eval_on_selector("form.consortium-form", CONTROLS)
    typed = {
        "id_duration_months": "0",
        "id_members-0-name": "Clusterul Textil Nord-Vest",
        "id_members-0-country": "Rom",  # typing selects the first country that starts so
        "id_members-0-eccp_profile_url": "https://example.com/profile",
    }
    reached = []
    for _ in range(MAX_TABS):
        focused = tab(page)
        if not focused["inForm"]:
            if reached:
                break
            continue
        if reached and reached[-1] == focused["key"]:
            # A date field's day, month, year and calendar button are one control; the
            # browser draws the button's focus ring itself.
            continue
        assert focused["shown"] and focused["outlined"], f"focus not visible on {focused}"
        reached.append(focused["key"])
        if focused["key"] in typed:
            page.keyboard.type(typed[focused["key"]])
    assert reached == expected
    expect(page.locator("#id_members-0-country")).to_have_value("RO")
    assert set(region_countries(page, 0)) == {"RO"}, "the region list follows the country typed"

    # Back to Save (before "Save and add a member" and Cancel) and press it.
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    expect(page.get_by_role("button", name=say("Save"), exact=True)).to_be_focused()
    page.keyboard.press("Enter")

    # The error summary has the focus and lists every problem.
    summary = page.locator("#error-summary")
    expect(summary).to_be_focused()
    links = summary.get_by_role("link")
    hrefs = list(dict.fromkeys(
        links.evaluate_all("links => links.map(a => a.getAttribute('href'))")
    ))
    assert {"#id_acronym", "#id_duration_months", "#id_members-0-eccp_profile_url",
            "#id_members-0-is_coordinator"} <= set(hrefs)
    check_page(f"consortium-errors-{language}", screenshot=True)

    # Its first link, reached with Tab, moves the focus to the field; so does every other link.
    page.keyboard.press("Tab")
    expect(links.first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(hrefs[0])).to_be_focused()
    for href in hrefs[1:]:
        summary.locator(f"a[href='{href}']").first.focus()
        page.keyboard.press("Enter")
        expect(page.locator(href)).to_be_focused()

    # Correct everything with the keyboard and save with Enter from a text field.
    page.locator("#id_members-0-is_coordinator").focus()
    page.keyboard.press("Space")
    expect(page.locator("#id_members-0-is_coordinator")).to_be_checked()
    page.locator("#id_members-0-eccp_profile_url").focus()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.locator("#id_duration_months").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("24")
    page.locator("#id_acronym").focus()
    page.keyboard.type("ȚESĂTURI")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_contain_text("ȚESĂTURI")
    expect(page.locator(".verdict-banner")).to_contain_text(say("Not eligible"))
