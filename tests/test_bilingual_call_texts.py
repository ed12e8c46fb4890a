"""A call's Romanian title and its rules' Romanian references on Romanian pages; the English
text, marked as English, where there is none."""
from django.urls import reverse
from django.utils import translation
import pytest

from calls.models import Call
from calls.templatetags.text_language import call_text, call_text_in
from consortia.services import consortium_submit
from tests.consortium_factories import BEFORE_ESCP_DEADLINE, make_consortium, make_user
from tests.review_factories import make_ncp, make_submission

pytestmark = pytest.mark.django_db

ESCP = "COS-CLUSTPARTNS-2017-3-02"
TITLE_EN = "European Strategic Cluster Partnerships for Smart Specialisation Investments"
TITLE_RO = ("Parteneriate strategice europene de clustere pentru investiții de specializare "
            "inteligentă")
REFERENCE_RO = "Textul apelului §6.1"
OTHER_TITLE = "European Cluster Excellence Programme"  # no Romanian title in our reference


def url_in(language: str, name: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def page(client, language: str, name: str, *args) -> str:
    response = client.get(url_in(language, name, *args))
    assert response.status_code == 200
    return response.content.decode()


def test_a_call_text_shows_its_romanian_version_on_romanian_pages_only():
    with translation.override("ro"):
        assert call_text("Call <text>", "Textul <apelului>") == "Textul &lt;apelului&gt;"
        assert call_text("Call <text>", "") == '<span lang="en">Call &lt;text&gt;</span>'
    with translation.override("en"):
        assert call_text("Call <text>", "Textul <apelului>") == "Call &lt;text&gt;"


def test_a_text_already_chosen_for_the_page_is_marked_with_its_own_language():
    with translation.override("ro"):
        assert call_text_in(REFERENCE_RO, "ro") == REFERENCE_RO
        assert call_text_in("Call text §6.1", "en") == '<span lang="en">Call text §6.1</span>'
        assert call_text_in("Call text §6.1", None) == '<span lang="en">Call text §6.1</span>'


def test_the_call_list_in_romanian_shows_the_romanian_title_and_marks_english_ones(client):
    html = page(client, "ro", "calls:home")

    assert TITLE_RO in html and TITLE_EN not in html
    other = Call.objects.filter(title__startswith=OTHER_TITLE).first()
    assert f'<span lang="en">{other.title}</span>' in html


def test_the_call_list_in_english_shows_the_english_titles(client):
    html = page(client, "en", "calls:home")

    assert TITLE_EN in html and TITLE_RO not in html


def test_the_call_page_in_romanian_shows_the_romanian_title_and_references(client):
    html = page(client, "ro", "calls:detail", ESCP)

    assert f"<h1>{TITLE_RO}</h1>" in html
    assert f"<td>{REFERENCE_RO}</td>" in html
    assert '<span lang="en">Call text §6.1</span>' not in html


def test_the_call_page_in_english_shows_the_english_title_and_references(client):
    html = page(client, "en", "calls:detail", ESCP)

    assert f"<h1>{TITLE_EN}</h1>" in html
    assert "<td>Call text §6.1</td>" in html and REFERENCE_RO not in html


def test_the_rules_page_in_romanian_shows_the_romanian_references(client):
    html = page(client, "ro", "eligibility:call_rules", ESCP)

    assert TITLE_RO in html
    assert f"<dd>{REFERENCE_RO}</dd>" in html


def test_the_consortium_page_in_romanian_shows_the_romanian_title_and_references(client):
    owner = make_user()
    client.force_login(owner)
    consortium = make_consortium(owner)

    html = page(client, "ro", "consortia:detail", consortium.pk)

    assert TITLE_RO in html
    assert REFERENCE_RO in html
    assert f'<span lang="en">{REFERENCE_RO}</span>' not in html
    assert '<span lang="en">Call text §6.1</span>' not in html


def test_the_report_shows_the_references_in_the_pages_language_whatever_the_submitters(
    client,
):
    owner = make_user()
    client.force_login(owner)
    consortium = make_consortium(owner)
    with translation.override("en"):
        submission = consortium_submit(consortium=consortium, user=owner,
                                       now=BEFORE_ESCP_DEADLINE)

    romanian = page(client, "ro", "consortia:report", consortium.pk, submission.pk)
    english = page(client, "en", "consortia:report", consortium.pk, submission.pk)

    assert TITLE_RO in romanian and REFERENCE_RO in romanian
    assert "Call text §6.1" not in romanian
    assert TITLE_EN in english and "Call text §6.1" in english and REFERENCE_RO not in english


def test_the_review_page_in_romanian_shows_the_romanian_title_and_references(client):
    submission = make_submission(make_user("applicant@example.org"), acronym="TEXS3")
    client.force_login(make_ncp("ncp-ro@example.org", ["RO"]))

    html = page(client, "ro", "reviews:detail", submission.pk)

    assert TITLE_RO in html and REFERENCE_RO in html
    assert "Call text §6.1" not in html
