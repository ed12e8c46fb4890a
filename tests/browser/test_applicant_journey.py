"""The applicant's journey in a real browser, in English and in Romanian: from the home page to
the printable report of an eligible consortium, with the accessibility audit of every page."""
import functools
import re

from django.core import mail
from playwright.sync_api import expect
import pytest

from calls.models import Call, Region
from consortia.management.commands.seed_demo import PRACTICE_CALL

from .pages import (
    PASSWORD,
    amount,
    expect_page,
    expected_outcomes,
    fill_member,
    open_home,
    outcome_item,
    region_countries,
    region_value,
    words,
)

pytestmark = pytest.mark.browser

ACRONYM = "TEXTIL-S3"


@pytest.mark.parametrize("language", ["en", "ro"])
def test_an_applicant_signs_up_builds_an_eligible_consortium_submits_it_and_prints_the_report(
    page, check_page, language
):
    call = Call.objects.get(reference=PRACTICE_CALL)
    say = functools.partial(words, language)

    # The home page, in the chosen language.
    open_home(page, language)
    check_page(f"home-{language}", screenshot=True)

    # Sign up.
    page.get_by_role("link", name=say("Sign up")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Create an account"))
    check_page(f"signup-{language}")
    page.fill("#id_email", f"maria.{language}@cluster.example.ro")
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.get_by_role("button", name=say("Sign up")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Check your e-mail"))
    check_page(f"signup-sent-{language}")
    # The link the e-mail brings (the live server sends into the test's outbox).
    link = re.search(r"https?://\S+/accounts/activate/\S+/", mail.outbox[-1].body).group(0)
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Confirm your account"))
    check_page(f"activate-{language}")
    page.get_by_role("button", name=say("Confirm my account")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(say("My consortia"))
    expect(page.locator(".site-account")).to_contain_text(f"maria.{language}@cluster.example.ro")
    check_page(f"dashboard-{language}")

    # Find the practice call from the list of calls and start a consortium for it.
    page.get_by_role("navigation", name=say("Main")).get_by_role("link", name=say("Calls")).click()
    # The call's title in the page's language where the call has one.
    title = call.title_ro if language == "ro" and call.title_ro else call.title
    page.get_by_role("link", name=title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    check_page(f"call-{language}")
    page.get_by_role("link", name=say("Check a consortium")).click()
    expect_page(page, say("New consortium"))
    check_page(f"consortium-new-{language}")

    # Two members, both from Romania.
    page.fill("#id_acronym", ACRONYM)
    page.fill("#id_title", "Smart textiles across three regions")
    page.fill("#id_duration_months", "24")
    page.fill("#id_start_date", call.rule_options("start_window")["earliest"])
    page.fill("#id_total_eligible_costs", amount(language, "466666.67"))
    page.fill("#id_requested_grant", amount(language, "350000.00"))
    fill_member(page, 0, name="Clusterul Inovativ Bucureşti", country="RO",
                region=region_value(call, "RO32"), organisation_type="cluster_organisation",
                eccp_status="registered", coordinator=True)
    fill_member(page, 1, name="Clusterul Agroalimentar Nord-Vest", country="RO",
                organisation_type="business_network", eccp_status="requested")
    page.get_by_role("button", name=say("Save"), exact=True).click()

    # The check fails the minimum of countries, and says what would fix it.
    expect(page.locator(".verdict-banner")).to_contain_text(say("Not eligible"))
    expected = expected_outcomes(ACRONYM, language)
    min_countries = outcome_item(page, "min_countries", language)
    expect(min_countries).to_contain_text(say("Fail"))
    expect(min_countries).to_contain_text(expected["outcomes"]["min_countries"].message)
    expect(min_countries.locator(".outcome-hint")).to_contain_text(
        expected["outcomes"]["min_countries"].hint
    )
    if language != "en":
        english = expected_outcomes(ACRONYM, "en")["outcomes"]["min_countries"]
        assert expected["outcomes"]["min_countries"].message != english.message, (
            "the rule's message is not translated: is the catalogue compiled (make translations)?"
        )
    check_page(f"consortium-failing-{language}", screenshot=True)
    page.get_by_role("link", name=say("Every rule of this call, explained")).click()
    expect(page).to_have_url(re.compile(f"/calls/{PRACTICE_CALL}/rules/?$"))
    check_page(f"call-rules-{language}")
    page.go_back()

    # Two more members, from Portugal and Germany; each region list shows only its country's.
    page.get_by_role("link", name=say("Edit the project and members")).click()
    expect_page(page, say("Edit %(acronym)s", acronym=ACRONYM))
    assert set(region_countries(page, 2)) > {"PT", "DE", "RO"}, "all regions before a country"
    page.select_option("#id_members-2-country", "PT")
    portuguese = Region.objects.filter(
        classification_id=call.region_classification_id, country_id="PT"
    ).count()
    assert region_countries(page, 2) == ["PT"] * portuguese
    fill_member(page, 2, name="Cluster Têxtil Lisboa", country="PT",
                region=region_value(call, "PT17"), organisation_type="cluster_organisation",
                eccp_status="registered")
    check_page(f"consortium-edit-{language}")
    page.get_by_role("button", name=say("Save and add a member")).click()
    expect(page.locator("#id_members-3-name")).to_be_visible()
    expect(page.locator("#id_members-3-name")).to_be_empty()
    page.wait_for_load_state("load")
    page.select_option("#id_members-3-country", "DE")
    assert set(region_countries(page, 3)) == {"DE"}
    fill_member(page, 3, name="Textilnetzwerk Berlin", country="DE",
                region=region_value(call, "DE30"), organisation_type="business_network",
                eccp_status="requested")
    page.get_by_role("button", name=say("Save"), exact=True).click()

    # Three countries now; the region rule waits for the second Romanian member's region.
    expect(outcome_item(page, "min_countries", language)).to_contain_text(say("Pass"))
    expect(outcome_item(page, "region_category", language)).to_contain_text(say("Missing"))
    expect(page.locator(".verdict-banner")).to_contain_text(say("Incomplete"))

    # Nord-Vest is a less developed region: the region rule passes, the consortium is eligible.
    page.get_by_role("link", name=say("Edit the project and members")).click()
    expect_page(page, say("Edit %(acronym)s", acronym=ACRONYM))
    assert set(region_countries(page, 1)) == {"RO"}
    page.select_option("#id_members-1-region", region_value(call, "RO11"))
    page.get_by_role("button", name=say("Save"), exact=True).click()
    expect(outcome_item(page, "region_category", language)).to_contain_text(say("Pass"))
    expect(page.locator(".verdict-banner")).to_contain_text(say("Eligible"))
    assert expected_outcomes(ACRONYM, language)["verdict"] == say("Eligible")
    check_page(f"consortium-eligible-{language}", screenshot=True)

    # Submit, then the printable report.
    page.get_by_role("button", name=say("Submit the consortium")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        say("Eligibility report: %(acronym)s", acronym=ACRONYM)
    )
    expect(page.locator(".submission-report")).to_contain_text(say("Verdict at submission"))
    print_button = page.get_by_role("button", name=say("Print or save as PDF"))
    expect(print_button).to_be_visible()
    check_page(f"report-{language}", screenshot=True)
    page.emulate_media(media="print")
    expect(page.get_by_role("navigation", name=say("Breadcrumb"))).to_be_hidden()
    expect(print_button).to_be_hidden()
    check_page.screenshot(f"report-print-{language}")
