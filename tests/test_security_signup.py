"""Finding 12 of the security review: sign-up and password reset answer the same, as fast,
whether or not the address has an account; sign-up is confirmed by e-mail; sign-up and reset
e-mails are limited per address and per client (docs/SECURITY.md, section 7)."""
from datetime import timedelta
import re
import statistics
import time

from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone, translation
import pytest
import time_machine

from accounts import services
from accounts.models import User
from tests.consortium_factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

SIGNUP = reverse("accounts:signup")
RESET = reverse("password_reset")
NEW_PASSWORD = "another-long-password-77"


def sign_up(client: Client, email: str, password: str = PASSWORD):
    return client.post(SIGNUP, {"email": email, "password1": password, "password2": password},
                       follow=True)


def link_in(message) -> str:
    return re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)


def page_text(response) -> str:
    """The page's main text, the address it names replaced, for comparing two answers."""
    main = response.content.decode().split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"[\w.+-]+@[\w.-]+", "ADDRESS", main)


@pytest.fixture(autouse=True)
def fresh_counts():
    cache.clear()
    yield
    cache.clear()


def test_signing_up_a_new_address_sends_a_link_and_opens_no_account_yet(client):
    response = sign_up(client, "Maria@Cluster.example.RO")

    assert response.redirect_chain[-1][0] == reverse("accounts:signup_sent")
    html = response.content.decode()
    assert "We sent a link to <strong>Maria@cluster.example.ro</strong>." in html
    account = User.objects.get()
    assert (account.email, account.is_active, account.signup_pending) == (
        "Maria@cluster.example.ro", False, True)
    assert [message.to for message in mail.outbox] == [["Maria@cluster.example.ro"]]
    assert "/accounts/activate/" in mail.outbox[0].body
    assert not Client().login(username="maria@cluster.example.ro", password=PASSWORD)


def test_the_link_confirms_the_account_and_logs_in_once(client):
    sign_up(client, "maria@example.org")
    link = link_in(mail.outbox[0])

    page = client.get(link)
    confirmed = client.post(link)
    again = client.post(link)

    assert page.status_code == 200 and "Confirm my account" in page.content.decode()
    assert confirmed["Location"] == reverse("consortia:dashboard")
    assert User.objects.get(pk=client.session["_auth_user_id"]).email == "maria@example.org"
    account = User.objects.get()
    assert (account.is_active, account.signup_pending) == (True, False)
    assert again.status_code == 404
    assert "This link no longer works" in again.content.decode()


def test_opening_the_link_without_pressing_the_button_confirms_nothing(client):
    sign_up(client, "maria@example.org")

    client.get(link_in(mail.outbox[0]))

    assert User.objects.get().signup_pending
    assert "_auth_user_id" not in client.session


def test_a_link_older_than_the_reset_timeout_no_longer_works(client, settings):
    sign_up(client, "maria@example.org")
    link = link_in(mail.outbox[0])

    # (two hours more: time-machine moves the naive clock Django's tokens read in UTC)
    with time_machine.travel(timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT,
                                                        hours=2)):
        response = client.post(link)

    assert response.status_code == 404
    assert User.objects.get().signup_pending


def test_signing_up_a_registered_address_answers_the_same_and_mails_how_to_log_in(client):
    make_user("ana@example.org")
    new_address = sign_up(Client(), "new@example.org")
    mail.outbox.clear()

    taken = sign_up(client, "ANA@example.org", password=NEW_PASSWORD)

    assert taken.redirect_chain == new_address.redirect_chain
    assert page_text(taken) == page_text(new_address)
    assert User.objects.filter(email__iexact="ana@example.org").count() == 1
    assert User.objects.get(email="ana@example.org").check_password(PASSWORD)
    [message] = mail.outbox
    assert message.to == ["ana@example.org"]
    assert "Someone tried to sign up" in message.subject
    assert "/accounts/login/" in message.body and "/accounts/password_reset/" in message.body


def test_signing_up_again_while_pending_sets_the_new_password_and_voids_the_older_link(client):
    sign_up(client, "maria@example.org")
    sign_up(client, "maria@example.org", password=NEW_PASSWORD)
    first, second = (link_in(message) for message in mail.outbox)

    assert client.post(first).status_code == 404
    assert client.post(second).status_code == 302
    assert User.objects.get().check_password(NEW_PASSWORD)


def test_two_sign_ups_of_one_address_at_the_same_moment_open_one_account_and_answer_alike(
    client, monkeypatch
):
    lookup = User.objects.with_email
    raced = []

    def the_other_sign_up_wins(address):
        if not raced:  # the other request stores its account between this one's look and write
            raced.append(User.objects.create_user(email="race.victim@example.org",
                                                  is_active=False, signup_pending=True))
            return User.objects.none()
        return lookup(address)

    monkeypatch.setattr(User.objects, "with_email", the_other_sign_up_wins)
    response = sign_up(client, "Race.Victim@example.org")

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("accounts:signup_sent")
    assert User.objects.count() == 1


def test_a_reset_for_an_unknown_address_answers_exactly_as_for_a_registered_one(client):
    make_user("ana@example.org")

    known = client.post(RESET, {"email": "ana@example.org"}, follow=True)
    unknown = client.post(RESET, {"email": "nobody@example.org"}, follow=True)

    assert known.redirect_chain == unknown.redirect_chain
    assert page_text(known) == page_text(unknown)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


def answer_times(client: Client, url: str, data: dict, rounds: int) -> float:
    spent = []
    for _round in range(rounds):
        started = time.perf_counter()
        client.post(url, data)
        spent.append(time.perf_counter() - started)
    return statistics.median(spent)


@override_settings(ACCOUNT_EMAILS_IN_BACKGROUND=True)
@pytest.mark.parametrize("url, field", [(RESET, "email"), (SIGNUP, "email")])
def test_the_answer_takes_as_long_for_a_registered_address_as_for_an_unknown_one(
    client, monkeypatch, url, field
):
    """The sending (the slow part: an SMTP server can take seconds) is handed off; what is
    left on the request's path is measured and compared."""
    handed_off = []
    monkeypatch.setattr(services, "off_the_request", lambda task: handed_off.append(task))
    make_user("ana@example.org")
    extra = {} if url == RESET else {"password1": PASSWORD, "password2": PASSWORD}
    answer_times(client, url, {field: "warm@example.org", **extra}, 3)

    known = answer_times(client, url, {field: "ana@example.org", **extra}, 15)
    unknown = answer_times(client, url, {field: "nobody@example.org", **extra}, 15)

    print(f"{url}: median answer {known * 1000:.1f} ms (registered) and "
          f"{unknown * 1000:.1f} ms (unknown)")
    assert abs(known - unknown) < max(known, unknown) * 0.5 + 0.005
    assert len(handed_off) == 33  # one e-mail handed off per answer, whatever the address


@override_settings(ACCOUNT_EMAILS_PER_ADDRESS="3/hour")
def test_twenty_reset_requests_for_one_address_send_three_e_mails_then_say_so(client):
    make_user("ana@example.org")

    statuses = [client.post(RESET, {"email": "ana@example.org"}).status_code for _ in range(20)]

    assert statuses == [302] * 3 + [429] * 17
    assert len(mail.outbox) == 3
    refused = client.post(RESET, {"email": "ANA@example.org"})
    assert "Too many e-mails were asked for this address" in refused.content.decode()


@override_settings(ACCOUNT_EMAILS_PER_ADDRESS="3/hour")
def test_the_limit_per_address_is_the_same_for_an_unknown_address(client):
    statuses = [client.post(RESET, {"email": "nobody@example.org"}).status_code for _ in range(5)]

    assert statuses == [302] * 3 + [429] * 2


@override_settings(ACCOUNT_EMAILS_PER_ADDRESS="2/hour")
def test_sign_ups_of_one_address_are_limited_too(client):
    statuses = [sign_up(Client(), "maria@example.org").status_code for _ in range(2)]
    refused = Client().post(SIGNUP, {"email": "Maria@example.org", "password1": PASSWORD,
                                     "password2": PASSWORD})

    assert statuses == [200, 200]
    assert refused.status_code == 429
    assert len(mail.outbox) == 2


@override_settings(ACCOUNT_EMAILS_PER_CLIENT="5/hour", TRUSTED_PROXY_COUNT=1)
def test_sign_ups_and_resets_from_one_client_are_limited_whatever_the_addresses(client):
    statuses = [
        client.post(SIGNUP, {"email": f"person{number}@example.org", "password1": PASSWORD,
                             "password2": PASSWORD},
                    HTTP_X_FORWARDED_FOR=f"10.9.9.{number}, 198.51.100.7").status_code
        for number in range(4)
    ] + [client.post(RESET, {"email": f"other{number}@example.org"},
                     HTTP_X_FORWARDED_FOR="198.51.100.7").status_code for number in range(3)]

    assert statuses == [302] * 4 + [302, 429, 429]
    assert len(mail.outbox) == 4


def test_the_sign_up_e_mail_is_in_romanian_for_a_romanian_page(client):
    with translation.override("ro"):
        client.post("/ro" + SIGNUP, {"email": "maria@example.org", "password1": PASSWORD,
                                     "password2": PASSWORD})

    assert "Confirmați" in mail.outbox[0].subject
    assert "/ro/accounts/activate/" in mail.outbox[0].body


@override_settings(ACCOUNT_EMAILS_IN_BACKGROUND=True)
def test_in_the_background_the_e_mail_is_still_sent(client, transactional_db):
    # The background thread reads and writes with a connection of its own: committed data.
    make_user("ana@example.org")

    client.post(RESET, {"email": "ana@example.org"})

    for _wait in range(100):
        if mail.outbox:
            break
        time.sleep(0.05)
    assert [message.to for message in mail.outbox] == [["ana@example.org"]]
