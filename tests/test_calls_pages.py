"""The home page, the call page and the shared layout, through Django's test client."""
from datetime import datetime, timedelta
from decimal import Decimal
import re
import zoneinfo

from django.urls import reverse
from django.utils import timezone, translation
import pytest

from calls.countries import KOSOVO_FOOTNOTE
from calls.models import Call
from calls.templatetags.call_formatting import euro, percent
from calls.templatetags.site_links import url_if_exists

pytestmark = pytest.mark.django_db

ESCP_S3 = "COS-CLUSTPARTNS-2017-3-02"
ESCP_S3_AS_PRINTED = "COS-CLUSTPARTNS-2017-03-02"
CLUSTER_EXCELLENCE = "COS-CLUSTER-2018-03-02"
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def english_outside_requests():
    """A request to a /ro/ page leaves Romanian active in this thread; tests reverse in English."""
    with translation.override("en"):
        yield


def make_call(reference: str, **overrides) -> Call:
    """A call with the seed call's parameters, changed by ``overrides``."""
    call = Call.objects.get(reference=ESCP_S3)
    call.pk = None
    call.reference = reference
    call.alternative_reference = ""
    for name, value in overrides.items():
        setattr(call, name, value)
    call.full_clean()
    call.save()
    return call


def open_call(reference: str, days_left: int, **overrides) -> Call:
    return make_call(reference, deadline=timezone.now() + timedelta(days=days_left), **overrides)


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def collapsed(html: str) -> str:
    """The page with every run of white space made one space."""
    return re.sub(r"\s+", " ", html)


def references_in_order(html: str) -> list[str]:
    return re.findall(r'href="/calls/([^/"]+)/"', html)


def test_home_lists_both_real_calls(client):
    html = page(client, reverse("calls:home"))

    assert ESCP_S3 in html
    assert "European Strategic Cluster Partnerships for Smart Specialisation Investments" in html
    assert CLUSTER_EXCELLENCE in html
    assert "European Cluster Excellence Programme" in html


def test_home_shows_each_calls_key_parameters(client):
    html = page(client, reverse("calls:home"))

    assert "EUR 350,000" in html
    assert "EUR 360,000" in html
    assert "75 %" in html
    assert "12 to 24 months" in html
    assert "20 to 24 months" in html
    assert "3 entities, 3 countries" in collapsed(html)
    assert "8 March 2018, 17:00" in html
    assert "Brussels time" in html


def test_home_lists_open_calls_first_nearest_deadline_first_then_closed_ones(client):
    open_call("COS-TEST-LATER", days_left=60)
    open_call("COS-TEST-SOONER", days_left=10)

    order = references_in_order(page(client, reverse("calls:home")))

    assert order[:2] == ["COS-TEST-SOONER", "COS-TEST-LATER"]
    assert set(order[2:]) == {ESCP_S3, CLUSTER_EXCELLENCE}


def test_home_says_whether_each_call_is_open_or_closed(client):
    open_call("COS-TEST-OPEN", days_left=10)

    html = page(client, reverse("calls:home"))

    assert html.count('status-label status-open">Open<') == 1
    assert html.count('status-label status-closed">Closed<') == 2


def test_practice_call_is_labelled_as_such_on_the_home_page_and_its_own_page(client):
    open_call("PRACTICE-ESCP-S3", days_left=20, is_practice=True)

    home = page(client, reverse("calls:home"))
    detail = page(client, reverse("calls:detail", args=["PRACTICE-ESCP-S3"]))

    assert home.count("Practice call") == 1
    assert "Practice call" in detail
    assert "This is a practice call" in detail


def test_real_calls_are_not_labelled_practice(client):
    assert "Practice call" not in page(client, reverse("calls:home"))
    assert "Practice call" not in page(client, reverse("calls:detail", args=[ESCP_S3]))


def test_call_page_shows_the_seed_calls_numbers(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    assert "EUR 2,800,000" in html
    assert "EUR 350,000" in html
    assert "at most 75 % of eligible costs" in html
    assert "<dd>8</dd>" in html
    assert "12 to 24 months" in html
    assert "between 1 November 2018 and 31 December 2018" in html
    assert "<dt>Minimum legal entities</dt>\n          <dd>3</dd>" in html
    assert "<dt>Minimum different countries</dt>\n          <dd>3</dd>" in html


def test_call_page_shows_the_deadline_in_brussels_time_and_in_utc_for_the_browser(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    assert '<time datetime="2018-03-08T17:00:00+01:00">8 March 2018, 17:00</time>' in html
    assert "Brussels time" in html
    assert "(CET)" in html
    assert (
        '<time datetime="2018-03-08T16:00:00Z" data-localtime>8 March 2018, 16:00 UTC</time>'
        in html
    )
    assert "1 March 2018, 17:00" in html  # questions answered until


def test_call_page_shows_every_condition_on_applicants(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    for label in ["Cluster organisation", "Business-network organisation", "Science park",
                  "Technology centre", "Less developed", "Transition",
                  "Registered (published ECCP profile)", "Registration requested",
                  "Commission Implementing Decision 2014/99/EU"]:
        assert label in html


def test_call_page_lists_countries_taking_part_on_the_deadline_with_the_kosovo_footnote(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    assert "EU Member States (28)" in html
    for name in ["Romania", "United Kingdom", "Iceland", "Ukraine", "Kosovo*"]:
        assert f"<li>{name}</li>" in html
    assert "Norway" not in html
    assert KOSOVO_FOOTNOTE in html


def test_call_page_leaves_out_a_country_that_had_left_by_the_deadline(client):
    make_call("COS-TEST-2020", deadline=datetime(2020, 6, 4, 17, tzinfo=BRUSSELS))

    html = page(client, reverse("calls:detail", args=["COS-TEST-2020"]))

    assert "EU Member States (27)" in html
    assert "<li>United Kingdom</li>" not in html


def test_call_page_shows_contact_outputs_partner_search_and_rules(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    assert "mailto:EASME-COSME-CLUSTER-STRATEGIC-PARTNERSHIPS@ec.europa.eu" in html
    assert "Frequently asked questions" in html
    assert "cosme-call-cos-clustpartns-20170302_en.pdf" in html
    assert "A joint cluster partnership strategy" in html
    assert 'href="https://www.clustercollaboration.eu/partner-search"' in html
    assert "Watify campaign" in html
    assert "Call text §6.2" in html
    assert "Advisory: reported, does not block" in html


def test_call_page_links_to_the_explanation_of_its_rules(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    assert f'href="{reverse("eligibility:call_rules", args=[ESCP_S3])}"' in html


def test_call_page_offers_a_consortium_check_exactly_when_that_page_is_installed(client):
    check_url = url_if_exists("consortia:create", ESCP_S3)

    html = page(client, reverse("calls:detail", args=[ESCP_S3]))

    if check_url:
        assert f'href="{check_url}">Check a consortium</a>' in html
    else:
        assert "Check a consortium" not in html


def test_call_page_is_found_by_the_reference_as_printed_on_the_call_text(client):
    html = page(client, reverse("calls:detail", args=[ESCP_S3_AS_PRINTED]))

    assert "European Strategic Cluster Partnerships for Smart Specialisation Investments" in html
    assert f'<link rel="canonical" href="/calls/{ESCP_S3}/">' in html


def test_unknown_call_reference_gives_404(client):
    response = client.get(reverse("calls:detail", args=["COS-NO-SUCH-CALL"]))

    assert response.status_code == 404


@pytest.mark.parametrize("reference", [ESCP_S3, CLUSTER_EXCELLENCE])
def test_call_page_takes_three_queries_whatever_the_call(
    client, django_assert_num_queries, reference,
):
    client.get(reverse("calls:detail", args=[reference]))  # the process builds the call once
    # The call with its programme and classification, its rules, the countries taking part.
    with django_assert_num_queries(3):
        client.get(reverse("calls:detail", args=[reference]))


def test_home_page_takes_two_queries_however_many_calls(client, django_assert_num_queries):
    open_call("COS-TEST-A", days_left=5)
    open_call("COS-TEST-B", days_left=6)

    # The calls, and their rules (which hold the grant, rate, duration and minimums shown).
    with django_assert_num_queries(2):
        client.get(reverse("calls:home"))


def test_romanian_pages_write_amounts_and_dates_the_romanian_way(client):
    html = page(client, "/ro" + reverse("calls:detail", args=[ESCP_S3]))

    assert '<html lang="ro">' in html
    assert "EUR 2.800.000" in html
    assert "2018, 17:00" in html


@pytest.mark.parametrize("url_name, args", [("calls:home", []), ("calls:detail", [ESCP_S3])])
def test_pages_have_a_skip_link_landmarks_and_a_language_switcher(client, url_name, args):
    html = page(client, reverse(url_name, args=args))

    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert "<header" in html and "<footer" in html and '<nav class="site-nav"' in html
    assert f'action="{reverse("set_language")}" method="post"' in html
    assert 'name="language" value="ro"' in html
    assert "Română" in html
    assert "the call text" in html.lower() and "prevail" in html


@pytest.mark.parametrize("url_name, args", [("calls:home", []), ("calls:detail", [ESCP_S3])])
def test_pages_have_no_inline_script_or_style(client, url_name, args):
    html = page(client, reverse(url_name, args=args))

    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert re.findall(r"<style\b", html) == []
    assert re.findall(r"\sstyle=", html) == []
    assert re.findall(r"\son[a-z]+=", html) == []


def test_language_switcher_shows_the_same_page_in_romanian_without_javascript(client):
    detail = reverse("calls:detail", args=[ESCP_S3])

    response = client.post(reverse("set_language"), {"language": "ro", "next": detail})

    assert response.status_code == 302
    assert response["Location"] == f"/ro{detail}"


def test_links_to_pages_that_do_not_exist_are_left_out():
    assert url_if_exists("calls:home") == "/"
    assert url_if_exists("calls:detail", ESCP_S3) == f"/calls/{ESCP_S3}/"
    assert url_if_exists("no-such-app:no-such-page") == ""


@pytest.mark.parametrize("language, amount, expected", [
    ("en", Decimal("2800000.00"), "EUR 2,800,000"),
    ("ro", Decimal("2800000.00"), "EUR 2.800.000"),
    ("en", Decimal("1234.50"), "EUR 1,234.50"),
    ("en", None, ""),
])
def test_amounts_are_written_in_euro_for_the_active_language(language, amount, expected):
    with translation.override(language):
        assert euro(amount) == expected


@pytest.mark.parametrize("language, rate, expected", [
    ("en", Decimal("0.7500"), "75 %"),
    ("en", Decimal("1.0000"), "100 %"),
    ("en", Decimal("0.6250"), "62.5 %"),
    ("ro", Decimal("0.6250"), "62,5 %"),
])
def test_rates_are_written_as_percentages(language, rate, expected):
    with translation.override(language):
        assert percent(rate) == expected


def test_signed_in_user_sees_their_address_and_logs_out_with_a_posted_form(
    client, django_user_model,
):
    user = django_user_model.objects.create_user(email="applicant@example.org", password="x")
    client.force_login(user)
    logout_url = url_if_exists("logout")

    html = page(client, reverse("calls:home"))

    assert "applicant@example.org" in html
    assert "Administration" not in html
    if logout_url:
        assert f'<form action="{logout_url}" method="post"' in html


def test_staff_see_a_link_to_the_administration(admin_client):
    html = page(admin_client, reverse("calls:home"))

    assert f'href="{reverse("admin:index")}">Administration</a>' in html
