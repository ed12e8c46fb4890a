"""The page that explains a call's rules in plain language."""
import re

from django.urls import reverse
import pytest

pytestmark = pytest.mark.django_db

ESCP_S3 = "COS-CLUSTPARTNS-2017-3-02"
EXCELLENCE = "COS-CLUSTER-2018-03-02"


def page(client, reference: str, language: str = "") -> str:
    url = reverse("eligibility:call_rules", args=[reference])
    if language:
        url = f"/{language}{url}"
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_rules_page_lives_under_the_call():
    assert reverse("eligibility:call_rules", args=[ESCP_S3]) == f"/calls/{ESCP_S3}/rules/"


def test_every_configured_rule_is_explained_with_its_parameters_and_reference(client):
    html = page(client, ESCP_S3)
    for code in ["eligible_countries", "min_entities", "min_countries", "organisation_types",
                 "region_category", "eccp_registration", "max_grant", "cofinancing_rate",
                 "duration", "start_window", "deadline", "cluster_org_per_region"]:
        assert f'id="rule-{code}"' in html
    for text in ["Call text §6.1", "Call text §6.2", "Call text §6.3", "Call text §4",
                 "Call text §3", "EUR 350,000.00", "75 %", "between 12 and 24 months",
                 "at least 3 legal entities", "at least 3 different eligible countries",
                 "Science park", "Kosovo*", "United Kingdom", "Tillväxtverket"]:
        assert text in html, text
    assert "Norway" not in html


def test_the_page_says_it_is_a_pre_check_and_the_call_text_prevails(client):
    html = page(client, ESCP_S3)
    assert "This is a pre-check." in html
    assert "The call text prevails" in html


def test_advisory_rules_are_marked_as_such(client):
    html = page(client, ESCP_S3)
    section = html.split('id="rule-cluster_org_per_region"', 1)[1].split("</li>", 1)[0]
    assert "Advisory" in section


def test_kosovo_carries_its_footnote(client):
    assert "UNSCR 1244/1999" in page(client, ESCP_S3)


def test_a_call_shows_only_the_rules_it_configures(client):
    html = page(client, EXCELLENCE)
    assert 'id="rule-start_window"' not in html
    assert 'id="rule-cluster_org_per_region"' not in html
    assert "EUR 360,000.00" in html and "between 20 and 24 months" in html
    assert "Science park" not in html


def test_the_other_spelling_of_the_reference_finds_the_call(client):
    assert 'id="rule-duration"' in page(client, "cos-clustpartns-2017-03-02")


def test_an_unknown_call_is_404(client):
    assert client.get(reverse("eligibility:call_rules", args=["NO-SUCH-CALL"])).status_code == 404


def test_the_page_speaks_romanian_under_the_romanian_prefix(client):
    html = page(client, ESCP_S3, language="ro")
    assert '<html lang="ro">' in html
    assert "România" in html


def test_the_page_has_no_inline_script_or_style(client):
    html = page(client, ESCP_S3)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"\son[a-z]+=", html)
