"""What the accessibility audit of issue 16 found, each checked where axe alone would not
catch it coming back: the withdraw button's contrast, the borders of form controls, the focus
and message after "Save and add a member", the language of text in another language than the
page, target sizes, and our additions to the admin at 768 px."""
import functools

from playwright.sync_api import expect
import pytest

from calls.models import Call
from consortia.management.commands.seed_demo import ADMIN, APPLICANT, NCP_ROMANIA, PRACTICE_CALL
from consortia.models import Consortium, Submission

from .layout import control_border_contrasts, scrolls_sideways, target_sizes, text_contrast
from .pages import expect_page, log_in, open_home, submit_partner_consortia, url, words

pytestmark = pytest.mark.browser

TABLET = {"width": 768, "height": 1024}
PHONE = {"width": 375, "height": 667}
FORM_CONTROLS = "input:not([type=hidden]), select, textarea"


def signed_in(page, account, language: str) -> None:
    open_home(page, language)
    log_in(page, account, language)


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_withdraw_button_reads_at_4_5_to_1_on_the_submitted_consortium_page(
    page, demo_site, language
):
    signed_in(page, APPLICANT, language)
    submitted = Consortium.objects.get(acronym="DEMO-S3")

    page.goto(url(language, "consortia:detail", submitted.pk))

    button = page.get_by_role("button", name=words(language, "Withdraw the submission"))
    assert text_contrast(button) >= 4.5


@pytest.mark.parametrize("language", ["en", "ro"])
def test_form_controls_borders_stand_out_at_3_to_1_on_the_consortium_form_queue_and_review(
    page, demo_site, language
):
    submit_partner_consortia()
    signed_in(page, APPLICANT, language)
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")
    page.goto(url(language, "consortia:edit", draft.pk))
    expect_page(page, words(language, "Edit %(acronym)s", acronym="DEMO-DRAFT"))
    shown = control_border_contrasts(page, f"form.consortium-form :is({FORM_CONTROLS})")
    assert {"checkbox", "select", "text"} <= set(page.locator(
        f"form.consortium-form :is({FORM_CONTROLS})"
    ).evaluate_all("controls => controls.map(c => c.type.replace('select-one', 'select'))"))
    assert [c for c in shown if c["ratio"] < 3] == []

    page.get_by_role("button", name=words(language, "Log out")).click()
    log_in(page, NCP_ROMANIA, language)
    page.goto(url(language, "reviews:queue"))
    queue_filters = control_border_contrasts(page, f".queue-filters :is({FORM_CONTROLS})")
    assert queue_filters and [c for c in queue_filters if c["ratio"] < 3] == []

    dunare = Submission.objects.active().get(consortium__acronym="DUNARE-S3")
    page.goto(url(language, "reviews:detail", dunare.pk))
    review = control_border_contrasts(page, f".review-form :is({FORM_CONTROLS})")
    radios = [c for c in review if c["control"].startswith("id_status")]
    assert len(radios) == 3
    assert [c for c in review if c["ratio"] < 3] == []


@pytest.mark.parametrize("language", ["en", "ro"])
def test_save_and_add_a_member_puts_the_focus_on_the_new_row_and_announces_the_message(
    page, check_page, demo_site, language
):
    say = functools.partial(words, language)
    signed_in(page, APPLICANT, language)
    page.set_viewport_size(PHONE)
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")
    page.goto(url(language, "consortia:edit", draft.pk))
    expect_page(page, say("Edit %(acronym)s", acronym="DEMO-DRAFT"))

    page.get_by_role("button", name=say("Save and add a member")).click()

    expect(page.locator("#id_members-3-name")).to_be_focused()
    message = page.locator("#member-4").get_by_role("status")
    expect(message).to_have_text(say("Saved. Fill in the new member below."))
    expect(message).to_have_attribute("data-announce", "")
    expect(message).to_be_in_viewport(ratio=1)
    expect(page.locator("#id_members-3-name")).to_be_in_viewport(ratio=1)
    expect(page.locator(".site-messages")).to_have_count(0)
    check_page(f"consortium-member-added-{language}")
    page.screenshot(path=check_page.screenshots / f"phone-member-added-{language}.png")

    # The next Tab goes on through the new row.
    page.keyboard.press("Tab")
    expect(page.locator("#id_members-3-organisation_type")).to_be_focused()


def test_without_scripts_save_and_add_a_member_opens_at_the_new_row_and_tab_enters_it(
    chromium, demo_site
):
    say = functools.partial(words, "en")
    context = chromium.new_context(base_url=demo_site.url, viewport=PHONE,
                                   java_script_enabled=False)
    page = context.new_page()
    try:
        signed_in(page, APPLICANT, "en")
        draft = Consortium.objects.get(acronym="DEMO-DRAFT")
        page.goto(url("en", "consortia:edit", draft.pk))

        page.get_by_role("button", name=say("Save and add a member")).click()

        expect(page).to_have_url(f"{demo_site.url}{url('en', 'consortia:edit', draft.pk)}"
                                 "?blank=2#id_members-3-name")
        message = page.locator("#member-4").get_by_role("status")
        expect(message).to_have_text(say("Saved. Fill in the new member below."))
        expect(message).to_be_in_viewport(ratio=1)
        expect(page.locator("#id_members-3-name")).to_be_focused()
        page.keyboard.press("Tab")
        expect(page.locator("#id_members-3-organisation_type")).to_be_focused()
    finally:
        context.close()


def test_english_call_titles_are_marked_as_english_on_romanian_pages(page, demo_site):
    # A call known by its English title only (the practice call copies ESCP-S3's Romanian one).
    Call.objects.filter(reference=PRACTICE_CALL).update(title_ro="")
    Call.objects.get(reference=PRACTICE_CALL).version_bump()
    call = Call.objects.get(reference=PRACTICE_CALL)
    signed_in(page, APPLICANT, "ro")
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")

    for path in (url("ro", "calls:home"), url("ro", "calls:detail", PRACTICE_CALL),
                 url("ro", "eligibility:call_rules", PRACTICE_CALL),
                 url("ro", "consortia:detail", draft.pk), url("ro", "consortia:create")):
        page.goto(path)
        expect(page.locator("main [lang=en]").filter(has_text=call.title).first).to_be_visible()

    page.goto(url("en", "calls:detail", PRACTICE_CALL))
    expect(page.locator("main [lang]")).to_have_count(0)


@pytest.mark.parametrize("language", ["en", "ro"])
def test_region_names_are_marked_with_the_language_of_their_country(page, demo_site, language):
    signed_in(page, APPLICANT, language)
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")
    regions = {member.region.name: member.country_id for member in draft.members.all()}
    assert set(regions.values()) == {"RO", "BG"}

    page.goto(url(language, "consortia:detail", draft.pk))

    members = page.locator("table.members-table")
    name_languages = {"RO": "ro", "BG": "bg"}  # Nord-Est, Sud - Muntenia; Северен централен
    for name, country in regions.items():
        marked = members.locator("[lang]").filter(has_text=name)
        if name_languages[country] == language:
            expect(marked).to_have_count(0)
            expect(members).to_contain_text(name)
        else:
            expect(marked).to_have_attribute("lang", name_languages[country])


@pytest.mark.parametrize("language", ["en", "ro"])
def test_breadcrumb_side_panel_and_sort_header_links_are_24_px_targets(page, demo_site, language):
    submit_partner_consortia()
    signed_in(page, NCP_ROMANIA, language)
    measured = {}

    page.goto(url(language, "calls:detail", PRACTICE_CALL))
    measured["side panel"] = target_sizes(page, ".side-panel a")
    page.goto(url(language, "reviews:queue"))
    measured["sort headers"] = target_sizes(page, "table th > a")
    dunare = Submission.objects.active().get(consortium__acronym="DUNARE-S3")
    page.goto(url(language, "reviews:detail", dunare.pk))
    measured["breadcrumb"] = target_sizes(page, ".breadcrumb a")

    for where, links in measured.items():
        assert links, f"no {where} link measured"
        small = [link for link in links if link["width"] < 24 or link["height"] < 24]
        assert small == [], f"{where}: {small}"


@pytest.mark.parametrize("language", ["en", "ro"])
def test_our_additions_to_the_admin_fit_its_layout_at_768_px(page, check_page, demo_site, language):
    say = functools.partial(words, language)
    signed_in(page, ADMIN, language)
    page.set_viewport_size(TABLET)

    page.goto(url(language, "admin:calls_call_changelist"))

    heading = page.get_by_role("heading", level=1).bounding_box()
    tools = page.locator(".object-tools a")
    expect(tools.filter(has_text=say("Load call fixture"))).to_have_count(1)
    expect(tools).to_have_count(2)  # and Django's "Add call"
    for button in (tool.bounding_box() for tool in tools.all()):
        overlaps = not (button["y"] >= heading["y"] + heading["height"]
                        or button["x"] >= heading["x"] + heading["width"])
        assert not overlaps, f"{button} overlaps the heading {heading}"
    results = page.get_by_role("region", name=say("Table of calls")).bounding_box()
    content = page.locator("#content-main").bounding_box()
    assert results["width"] >= 0.95 * content["width"]
    filters = target_sizes(page, "#changelist-filter li a")
    assert filters and [link for link in filters if link["height"] < 24] == []
    assert not scrolls_sideways(page)
    check_page(f"admin-calls-768-{language}", screenshot=True)
