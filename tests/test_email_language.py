"""Each user's language: set from the language in use at sign-up and at each login,
changeable on the profile page, and the language of every e-mail they receive, links
included."""
from django.core import mail
from django.urls import reverse
from django.utils import translation
import pytest

from accounts.models import User
from outbox.models import Kind, Message
from reviews.services import review_record
from tests.consortium_factories import PASSWORD, make_consortium, make_user
from tests.review_factories import WITH_ROMANIAN_COORDINATOR, make_ncp, make_submission, submit

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"  # SITE_URL of the test settings


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = SITE


def test_a_romanian_applicant_reviewed_by_an_english_contact_point_reads_romanian(
    django_capture_on_commit_callbacks
):
    applicant = make_user("maria@example.ro", language="ro")
    submission = make_submission(applicant, acronym="TEXS3")
    contact_point = make_ncp("ncp-ro@example.org", ["RO"])  # English, the default
    mail.outbox.clear()

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        review_record(submission=submission, reviewer=contact_point,
                      status="clarification_requested", comment="Which ECCP profile?")

    [message] = mail.outbox
    assert message.subject == "Depunerea dumneavoastră TEXS3 a fost analizată"
    assert "Analiză: Clarificări solicitate" in message.body
    assert (f"{SITE}/ro/consortia/{submission.consortium_id}/submissions/{submission.pk}/"
            in message.body)
    assert Message.objects.get(kind=Kind.REVIEW_RECORDED).language == "ro"


def test_each_contact_point_gets_the_submission_e_mail_in_their_own_language(
    django_capture_on_commit_callbacks
):
    make_ncp("ncp-ro@example.org", ["RO"], language="ro")
    make_ncp("ncp-de@example.org", ["DE"])  # English
    consortium = make_consortium(make_user(language="ro"), members=WITH_ROMANIAN_COORDINATOR,
                                 acronym="TEXS3")

    with translation.override("ro"), django_capture_on_commit_callbacks(execute=True):
        submission = submit(consortium)

    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert by_recipient["ncp-ro@example.org"].subject.startswith(
        "Depunere nouă de analizat: TEXS3")
    assert (f"{SITE}/ro/reviews/submissions/{submission.pk}/"
            in by_recipient["ncp-ro@example.org"].body)
    assert by_recipient["ncp-de@example.org"].subject.startswith("New submission to review: TEXS3")
    assert (f"{SITE}/reviews/submissions/{submission.pk}/"
            in by_recipient["ncp-de@example.org"].body)
    assert "/ro/" not in by_recipient["ncp-de@example.org"].body


@pytest.mark.parametrize(("prefix", "language"), [("", "en"), ("/ro", "ro")])
def test_signing_up_keeps_the_language_of_the_page(client, prefix, language):
    client.post(prefix + reverse("accounts:signup"), {
        "email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD,
    })

    assert User.objects.get(email="ana@example.org").language == language


def test_logging_in_on_a_romanian_page_makes_romanian_the_user_s_language(client):
    user = make_user("ana@example.org")
    assert user.language == "en"

    answer = client.post("/ro" + reverse("login"),
                         {"username": "ana@example.org", "password": PASSWORD})

    assert answer.status_code == 302
    user.refresh_from_db()
    assert user.language == "ro"


def test_the_profile_page_changes_the_language_and_answers_in_it(client):
    user = make_user("ana@example.org")
    client.force_login(user)

    page = client.get(reverse("accounts:profile"))
    answer = client.post(reverse("accounts:profile"), {"language": "ro"}, follow=True)

    assert page.status_code == 200
    assert b'value="en"' in page.content and b"checked" in page.content
    user.refresh_from_db()
    assert user.language == "ro"
    assert answer.redirect_chain == [("/ro/accounts/profile/", 302)]
    assert "Limba e-mailurilor pe care vi le trimitem: Română." in answer.content.decode()


def test_the_profile_page_names_a_language_it_does_not_offer(client):
    user = make_user("ana@example.org")
    client.force_login(user)

    answer = client.post(reverse("accounts:profile"), {"language": "xx"})

    assert answer.status_code == 200
    assert "Select a valid choice" in answer.content.decode()
    user.refresh_from_db()
    assert user.language == "en"


def test_the_profile_page_needs_a_login(client):
    answer = client.get(reverse("accounts:profile"))

    assert answer.status_code == 302 and "/accounts/login/" in answer["Location"]


@pytest.mark.parametrize(("prefix", "label"), [
    ("", "Your profile"), ("/ro", "Profilul dumneavoastră"),
])
def test_the_account_menu_links_to_the_profile_in_both_languages(client, prefix, label):
    client.force_login(make_user())

    page = client.get(prefix + reverse("calls:home")).content.decode()

    assert f'<a href="{prefix}/accounts/profile/">{label}</a>' in page


def test_a_sign_up_with_a_taken_address_is_told_in_the_account_s_own_language(client):
    make_user("ana@example.org", language="ro")

    client.post(reverse("accounts:signup"), {
        "email": "ana@example.org", "password1": PASSWORD, "password2": PASSWORD,
    })

    [message] = mail.outbox
    with translation.override("ro"):
        subject = translation.gettext("Someone tried to sign up on %(site)s with your address")
    assert message.subject == subject % {"site": "testserver"} != (
        "Someone tried to sign up on testserver with your address")
    assert "http://testserver/ro/accounts/login/" in message.body
    assert User.objects.get(email="ana@example.org").language == "ro"
