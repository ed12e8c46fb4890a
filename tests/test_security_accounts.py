"""Findings 2 and 3 of the security review: one account per address whatever its case, and
one count of failed logins per account whatever the spelling (docs/SECURITY.md, section 7)."""
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.urls import reverse
import pytest

from accounts.models import User
from tests.committed_data import transactional_db  # noqa: F401 (fixture)
from tests.consortium_factories import PASSWORD, make_user

LOGIN = reverse("login")
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: the migration is run backwards and forwards on committed data. "
           "Run with DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>.",
)


@pytest.fixture
def axes_on():
    from axes.utils import reset

    reset()
    with override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3):
        yield
    reset()


@pytest.mark.django_db
def test_failed_logins_in_another_case_count_against_the_same_account(axes_on):
    make_user("user@example.org")
    client = Client()
    for spelling in ["user@example.org", "User@example.org", " USER@EXAMPLE.ORG "]:
        client.post(LOGIN, {"username": spelling, "password": "wrong"})

    response = client.post(LOGIN, {"username": "uSeR@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_after_the_failures_changing_the_case_with_the_right_password_does_not_get_in(axes_on):
    make_user("user@example.org")
    client = Client()
    for _attempt in range(3):
        client.post(LOGIN, {"username": "user@example.org", "password": "wrong"})

    response = client.post(LOGIN, {"username": "User@example.org", "password": PASSWORD})

    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_the_database_refuses_a_second_account_whose_address_differs_only_by_case():
    make_user("applicant@example.org")

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create_user(email="Applicant@Example.org", password=PASSWORD)

    assert User.objects.count() == 1


@pytest.mark.django_db
def test_the_admin_add_user_form_refuses_an_address_taken_in_another_case(admin_client):
    make_user("applicant@example.org")

    response = admin_client.post(reverse("admin:accounts_user_add"), {
        "email": "Applicant@example.org", "usable_password": "true",
        "password1": PASSWORD, "password2": PASSWORD,
    })

    assert response.status_code == 200
    assert "already exists" in response.context["adminform"].form.errors["email"][0]
    assert User.objects.filter(email__iexact="applicant@example.org").count() == 1


@pytest.mark.django_db
def test_the_admin_change_user_form_refuses_another_account_s_address_in_another_case(admin_client):
    make_user("applicant@example.org")
    other = make_user("other@example.org")
    url = reverse("admin:accounts_user_change", args=[other.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items()
            if value is not None and name not in {"groups", "user_permissions", "password"}}

    response = admin_client.post(url, {**data, "email": "APPLICANT@example.org",
                                       "date_joined_0": "2026-01-01", "date_joined_1": "10:00"})

    assert response.status_code == 200
    assert "already exists" in response.context["adminform"].form.errors["email"][0]
    other.refresh_from_db()
    assert other.email == "other@example.org"


@pytest.mark.django_db
def test_the_admin_change_user_form_lets_an_account_change_the_case_of_its_own_address(
    admin_client,
):
    account = make_user("ana@example.org")

    from accounts.admin import UserChangeByEmailForm
    form = UserChangeByEmailForm(instance=account)

    assert form.fields["email"].clean("Ana@example.org") == "Ana@example.org"
    form.cleaned_data = {"email": "Ana@example.org"}
    assert form.clean_email() == "Ana@example.org"


@pytest.mark.django_db
def test_login_is_case_insensitive_and_finds_the_one_account(client):
    make_user("Ana.Pop@Example.org")

    response = client.post(LOGIN, {"username": "ana.pop@EXAMPLE.org", "password": PASSWORD})

    assert response.status_code == 302
    assert User.objects.get(pk=client.session["_auth_user_id"]).email == "Ana.Pop@example.org"


@pytest.mark.django_db
def test_a_password_reset_in_another_case_mails_the_one_account(client):
    make_user("ana@example.org")

    client.post(reverse("password_reset"), {"email": "ANA@Example.org"})

    assert [message.to for message in mail.outbox] == [["ana@example.org"]]


@pytest.mark.django_db
@postgresql_only
@pytest.mark.usefixtures("transactional_db")
def test_the_migration_stops_naming_accounts_that_already_differ_only_by_case():
    executor = MigrationExecutor(connection)
    before = [("accounts", "0001_initial")]
    after = executor.loader.graph.leaf_nodes("accounts")
    executor.migrate(before)
    try:
        OldUser = executor.loader.project_state(before).apps.get_model("accounts", "User")
        for email in ["Race.Victim@example.org", "race.victim@example.org", "solo@example.org"]:
            OldUser.objects.create(email=email, username=email)

        with pytest.raises(Exception) as stopped:
            MigrationExecutor(connection).migrate(after)

        message = str(stopped.value)
        assert "Race.Victim@example.org" in message and "race.victim@example.org" in message
        assert "solo@example.org" not in message and "Nothing was changed" in message
        assert OldUser.objects.count() == 3
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM accounts_user WHERE email ILIKE 'race.victim@%%'")
        MigrationExecutor(connection).migrate(after)
    assert User.objects.filter(email="solo@example.org").exists()
