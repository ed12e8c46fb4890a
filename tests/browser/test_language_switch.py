"""The header's language buttons, in a real browser: each page comes back as the same page in
the other language and back again, and the consortium form warns before the switch throws
away what was typed and not saved (without scripts the switch saves nothing)."""
import functools

from playwright.sync_api import expect
import pytest

from consortia.management.commands.seed_demo import APPLICANT, PRACTICE_CALL
from consortia.models import Consortium, Submission

from .pages import LANGUAGE_BUTTONS, expect_page, log_in, open_home, url, words

pytestmark = pytest.mark.browser

TITLE_TYPED = "A title typed and never saved"


def switch_to(page, language: str) -> None:
    page.get_by_role("button", name=LANGUAGE_BUTTONS[language]).click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def test_each_page_switches_to_romanian_and_back_to_english_in_place(page, demo_site):
    open_home(page, "en")
    log_in(page, APPLICANT, "en")
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")
    submission = Submission.objects.active().get(consortium__acronym="DEMO-S3")
    pages = [
        ("calls:home",),
        ("calls:detail", PRACTICE_CALL),
        ("eligibility:call_rules", PRACTICE_CALL),
        ("consortia:dashboard",),
        ("consortia:detail", draft.pk),
        ("consortia:edit", draft.pk),
        ("consortia:report", submission.consortium_id, submission.pk),
    ]
    for name, *args in pages:
        english, romanian = url("en", name, *args), url("ro", name, *args)
        assert romanian == f"/ro{english}"
        page.goto(english)
        switch_to(page, "ro")
        assert page.url == demo_site.url + romanian
        switch_to(page, "en")
        assert page.url == demo_site.url + english


def test_a_page_with_a_query_keeps_it_through_both_switches(page, demo_site):
    open_home(page, "en")
    log_in(page, APPLICANT, "en")
    english = url("en", "consortia:create") + f"?call={PRACTICE_CALL}"

    page.goto(english)
    switch_to(page, "ro")
    assert page.url == f"{demo_site.url}/ro{english}"
    switch_to(page, "en")
    assert page.url == demo_site.url + english


@pytest.fixture
def draft_form(page, demo_site):
    """The demo applicant's draft DEMO-DRAFT open in its form, in English."""
    open_home(page, "en")
    log_in(page, APPLICANT, "en")
    draft = Consortium.objects.get(acronym="DEMO-DRAFT")
    page.goto(url("en", "consortia:edit", draft.pk))
    expect_page(page, words("en", "Edit %(acronym)s", acronym="DEMO-DRAFT"))
    return draft


def test_the_language_switch_warns_before_unsaved_changes_are_lost_and_can_be_called_off(
    page, draft_form
):
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.dismiss()))
    page.fill("#id_title", TITLE_TYPED)

    page.get_by_role("button", name=LANGUAGE_BUTTONS["ro"]).click()

    assert warnings == [words("en", "The changes you made on this page are not saved yet. "
                                    "Switch the language anyway and lose them?")]
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#id_title")).to_have_value(TITLE_TYPED)


def test_the_language_switch_goes_ahead_when_the_warning_is_accepted(page, draft_form):
    page.on("dialog", lambda dialog: dialog.accept())
    page.fill("#id_members-0-name", "Renamed and never saved")

    switch_to(page, "ro")

    assert page.url.endswith(url("ro", "consortia:edit", draft_form.pk))
    draft_form.refresh_from_db()
    assert not draft_form.members.filter(name="Renamed and never saved").exists()


def test_the_language_switch_does_not_warn_when_nothing_was_changed(page, draft_form):
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.dismiss()))

    switch_to(page, "ro")

    assert warnings == []
    assert page.url.endswith(url("ro", "consortia:edit", draft_form.pk))


def test_the_language_switch_warns_about_input_sent_back_with_errors(page, draft_form):
    say = functools.partial(words, "en")
    warnings = []
    page.on("dialog", lambda dialog: (warnings.append(dialog.message), dialog.dismiss()))
    page.fill("#id_acronym", "")
    page.fill("#id_title", TITLE_TYPED)
    page.get_by_role("button", name=say("Save"), exact=True).click()
    expect(page.locator("#error-summary")).to_be_focused()

    page.get_by_role("button", name=LANGUAGE_BUTTONS["ro"]).click()

    assert len(warnings) == 1
    expect(page.locator("#id_title")).to_have_value(TITLE_TYPED)


def test_without_scripts_the_language_switch_changes_the_language_and_saves_nothing(
    chromium, demo_site
):
    context = chromium.new_context(base_url=demo_site.url, java_script_enabled=False)
    page = context.new_page()
    try:
        open_home(page, "en")
        log_in(page, APPLICANT, "en")
        draft = Consortium.objects.get(acronym="DEMO-DRAFT")
        page.goto(url("en", "consortia:edit", draft.pk))
        page.fill("#id_title", TITLE_TYPED)

        switch_to(page, "ro")

        assert page.url.endswith(url("ro", "consortia:edit", draft.pk))
        draft.refresh_from_db()
        assert draft.title != TITLE_TYPED
        expect(page.locator("#id_title")).to_have_value(draft.title)
    finally:
        context.close()
