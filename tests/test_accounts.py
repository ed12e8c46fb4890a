"""Accounts: sign up with an e-mail address, log in and out, reset a forgotten password."""
import re

from django.core import mail
from django.urls import reverse
from django.utils import translation
import pytest

from accounts.models import User
from tests.consortium_factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db


def test_signing_up_then_following_the_e_mailed_link_opens_my_consortia(client):
    response = client.post(reverse("accounts:signup"), {
        "email": "Maria@Cluster.example.RO",
        "password1": PASSWORD,
        "password2": PASSWORD,
    })
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:signup_sent")
    link = re.search(r"https?://[^/]+(/\S+/)", mail.outbox[0].body).group(1)

    confirmed = client.post(link)

    assert confirmed["Location"] == reverse("consortia:dashboard")
    user = User.objects.get()
    assert user.email == "Maria@cluster.example.ro"
    assert user.check_password(PASSWORD)
    assert user.is_active and not user.signup_pending
    assert client.get(reverse("consortia:dashboard")).status_code == 200


def test_signing_up_with_a_registered_address_in_another_case_opens_no_second_account(client):
    make_user("maria@cluster.example.ro")

    response = client.post(reverse("accounts:signup"), {
        "email": "MARIA@cluster.example.ro", "password1": PASSWORD, "password2": PASSWORD,
    })

    assert response["Location"] == reverse("accounts:signup_sent")
    assert User.objects.count() == 1
    assert "Someone tried to sign up" in mail.outbox[0].subject


def test_signing_up_with_mismatched_passwords_keeps_the_address_and_lists_the_error(client):
    response = client.post(reverse("accounts:signup"), {
        "email": "new@example.org", "password1": PASSWORD, "password2": PASSWORD + "x",
    })

    html = response.content.decode()
    assert response.status_code == 200
    assert 'value="new@example.org"' in html
    assert 'href="#id_password2"' in html
    assert not User.objects.exists()


def test_logging_in_with_the_email_address_opens_my_consortia(client):
    make_user("ana@example.org")

    response = client.post(reverse("login"), {"username": "ana@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("consortia:dashboard")


def test_logging_in_with_a_wrong_password_shows_an_error_and_stays_anonymous(client):
    make_user("ana@example.org")

    response = client.post(reverse("login"), {"username": "ana@example.org", "password": "nope"})

    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "_auth_user_id" not in client.session


def test_logging_out_takes_a_post_and_ends_the_session(client):
    client.force_login(make_user())

    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_forgotten_password_can_be_reset_through_the_emailed_link(client):
    make_user("ana@example.org")

    response = client.post(reverse("password_reset"), {"email": "ana@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/]+(/\S+/)", mail.outbox[0].body).group(1)

    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"]
    new_password = "another-long-password-77"
    done = client.post(form_page.redirect_chain[-1][0], {
        "new_password1": new_password, "new_password2": new_password,
    })

    assert done.status_code == 302
    assert User.objects.get(email="ana@example.org").check_password(new_password)


def test_a_password_reset_for_an_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"})

    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


@pytest.mark.parametrize("name", ["login", "password_reset", "accounts:signup"])
def test_account_pages_render_in_romanian_too(client, name):
    with translation.override("ro"):  # restores the language the page's request switches to
        with_language = client.get(reverse(name))

    assert with_language.status_code == 200
    assert '<html lang="ro">' in with_language.content.decode()
