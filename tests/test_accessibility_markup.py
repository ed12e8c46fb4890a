"""The markup the accessibility fixes rely on, read without a browser: text in another
language than the page carries its own, the message after "Save and add a member" sits in
the new row the page opens at, the consortium form says how to warn about unsaved changes,
the consortium page starts with its verdict, and the queue's filters are open without
scripts."""
import re

from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.urls import reverse
from django.utils import translation
import pytest

from calls.countries import region_name_language
from calls.templatetags.site_messages import IN_PAGE, in_page, top_of_page
from calls.templatetags.text_language import call_text, region_name
from tests.consortium_factories import (
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    form_data,
    make_consortium,
    make_user,
    practice_call,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("country, language", [
    ("BG", "bg"), ("GR", "el"), ("EL", "el"), ("CY", "el"), ("RO", "ro"), ("DE", "de"),
    ("BE", None), ("XK", None), ("", None), (None, None),
])
def test_a_region_name_is_in_the_language_its_country_names_regions_in(country, language):
    assert region_name_language(country) == language


def test_a_region_name_in_another_language_than_the_page_is_marked_with_it():
    with translation.override("ro"):
        assert region_name("Северен централен", "BG") == '<span lang="bg">Северен централен</span>'
        assert region_name("Κρήτη", "GR") == '<span lang="el">Κρήτη</span>'
        assert region_name("Nord-Vest", "RO") == "Nord-Vest"
        assert region_name("Région de Bruxelles-Capitale", "BE") == "Région de Bruxelles-Capitale"
    with translation.override("en"):
        assert region_name("Nord-Vest", "RO") == '<span lang="ro">Nord-Vest</span>'


def test_a_call_text_is_marked_as_english_on_romanian_pages_only_and_escaped():
    with translation.override("ro"):
        marked = '<span lang="en">Partnerships &lt;for&gt; S3</span>'
        assert call_text("Partnerships <for> S3") == marked
        assert call_text("") == ""
        assert call_text(None) == ""
    with translation.override("en"):
        assert call_text("Partnerships <for> S3") == "Partnerships &lt;for&gt; S3"


def test_messages_for_the_page_itself_are_kept_apart_from_the_top_of_the_page():
    placed = Message(constants.SUCCESS, "Saved. Fill in the new member below.", extra_tags=IN_PAGE)
    general = Message(constants.INFO, "Signed in.")

    assert in_page([placed, general]) == [placed]
    assert top_of_page([placed, general]) == [general]


@pytest.fixture
def applicant(client):
    user = make_user("applicant@example.org")
    client.force_login(user)
    return user


def test_save_and_add_a_member_opens_the_new_row_at_its_first_field_with_the_message_in_it(
    client, applicant
):
    call = practice_call()
    consortium = make_consortium(applicant, call, members=ELIGIBLE_MEMBERS[:2])
    project = {**ELIGIBLE_PROJECT, "start_date": call.rule_options("start_window")["earliest"]}
    data = form_data(project, [*ELIGIBLE_MEMBERS[:2], {"name": ""}], call=call,
                     existing=list(consortium.members.all()))
    data["add_member"] = "1"

    response = client.post(reverse("consortia:edit", args=[consortium.pk]), data)

    assert response["Location"].endswith("?blank=2#id_members-2-name")
    html = client.get(response["Location"]).content.decode()
    new_row = html[html.index('id="member-3"'):html.index('id="member-4"')]
    assert re.search(r'role="status" data-announce>Saved. Fill in the new member below.<', new_row)
    assert 'id="id_members-2-name"' in new_row
    assert 'class="site-messages"' not in html


def test_the_consortium_form_says_how_to_warn_before_the_language_switch_drops_changes(
    client, applicant
):
    call = practice_call()
    consortium = make_consortium(applicant, call)
    url = reverse("consortia:edit", args=[consortium.pk])

    opened = client.get(url).content.decode()
    sent_back = client.post(url, form_data({**ELIGIBLE_PROJECT, "acronym": ""}, [],
                                           call=call)).content.decode()

    assert re.search(r'<form [^>]*data-unsaved-warning="[^"]+"(?![^>]*data-unsaved[ >])', opened)
    assert re.search(r'<form [^>]*data-unsaved-warning="[^"]+" data-unsaved>', sent_back)
    assert 'src="/static/js/unsaved-changes.js"' in opened


def test_the_consortium_page_starts_with_its_verdict_and_a_link_to_the_rules(client, applicant):
    consortium = make_consortium(applicant, practice_call())

    html = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()

    summary = html.index('class="verdict-summary')
    assert summary < html.index('class="consortium-call"') < html.index('id="eligibility"')
    assert 'href="#eligibility"' in html[summary:html.index("</section>", summary)]
