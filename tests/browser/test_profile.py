"""The profile page, in a real browser and in both languages: reached from the header's
account menu, accessible, and choosing the language of one's e-mails brings the page back in
that language with a message saying so."""
import functools

from django.contrib.auth import get_user_model
from playwright.sync_api import expect
import pytest

from consortia.management.commands.seed_demo import APPLICANT

from .pages import LANGUAGE_BUTTONS, expect_page, log_in, open_home, words

pytestmark = pytest.mark.browser

OTHER = {"en": "ro", "ro": "en"}


@pytest.mark.parametrize("language", ["en", "ro"])
def test_the_profile_page_sets_the_language_of_one_s_e_mails(page, check_page, demo_site,
                                                             language):
    say = functools.partial(words, language)
    open_home(page, language)
    log_in(page, APPLICANT, language)

    page.locator(".site-account").get_by_role("link", name=say("Your profile")).click()
    expect_page(page, say("Your profile"))
    expect(page.get_by_label(LANGUAGE_BUTTONS_LABELS[language][language])).to_be_checked()
    check_page(f"profile-{language}", screenshot=True)

    chosen = OTHER[language]
    page.get_by_label(LANGUAGE_BUTTONS_LABELS[language][chosen]).check()
    page.get_by_role("button", name=say("Save")).click()

    expect(page.locator("html")).to_have_attribute("lang", chosen)
    expect_page(page, words(chosen, "Your profile"))
    expect(page.get_by_role("main")).to_contain_text(
        words(chosen, "Saved. The language of the e-mails we send you: %(language)s.")
        % {"language": LANGUAGE_BUTTONS_LABELS[chosen][chosen]}
    )
    check_page(f"profile-saved-{chosen}", screenshot=True)
    assert get_user_model().objects.get(email=APPLICANT.email).language == chosen


# How each language's page names each language (the catalogue's "English", "Romanian").
LANGUAGE_BUTTONS_LABELS = {
    page_language: {code: words(page_language, name)
                    for code, name in [("en", "English"), ("ro", "Romanian")]}
    for page_language in LANGUAGE_BUTTONS
}
