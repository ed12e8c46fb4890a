"""The language switch (config.views.set_language) lands on the same page in the chosen
language, from either language, without JavaScript: English pages have no prefix, Romanian
ones /ro/."""
from django.urls import reverse
import pytest

from tests.consortium_factories import ESCP_S3

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


def switch(client, language: str, next_url: str) -> str:
    response = client.post(SWITCH, {"language": language, "next": next_url})
    assert response.status_code == 302
    return response["Location"]


@pytest.mark.parametrize("english, romanian", [
    ("/", "/ro/"),
    (f"/calls/{ESCP_S3}/", f"/ro/calls/{ESCP_S3}/"),
    (f"/calls/{ESCP_S3}/rules/", f"/ro/calls/{ESCP_S3}/rules/"),
    ("/consortia/42/", "/ro/consortia/42/"),
    ("/consortia/42/submissions/7/", "/ro/consortia/42/submissions/7/"),
    ("/reviews/?country=BG&verdict=eligible", "/ro/reviews/?country=BG&verdict=eligible"),
    ("/admin/calls/call/", "/ro/admin/calls/call/"),
])
def test_the_language_switch_lands_on_the_same_page_in_either_direction(client, english, romanian):
    assert switch(client, "ro", english) == romanian
    assert switch(client, "en", romanian) == english


def test_switching_back_to_english_works_with_the_romanian_cookie_set(client):
    client.cookies["django_language"] = "ro"

    assert switch(client, "en", "/ro/consortia/42/edit/") == "/consortia/42/edit/"


def test_the_language_switch_sets_the_language_cookie(client):
    client.post(SWITCH, {"language": "ro", "next": "/"})
    assert client.cookies["django_language"].value == "ro"

    client.post(SWITCH, {"language": "en", "next": "/ro/"})
    assert client.cookies["django_language"].value == "en"


def test_choosing_the_language_already_shown_stays_on_the_page(client):
    assert switch(client, "ro", "/ro/consortia/42/") == "/ro/consortia/42/"
    assert switch(client, "en", "/consortia/42/") == "/consortia/42/"


@pytest.mark.parametrize("next_url", ["https://elsewhere.example/ro/", "//elsewhere.example/"])
def test_the_language_switch_never_leaves_the_site(client, next_url):
    assert switch(client, "en", next_url) == "/"


def test_an_unknown_language_changes_nothing(client):
    response = client.post(SWITCH, {"language": "xx", "next": "/ro/"})

    assert response["Location"] == "/ro/"
    assert "django_language" not in response.cookies


def test_the_language_switch_is_where_the_pages_send_it(client):
    assert reverse("set_language") == SWITCH
