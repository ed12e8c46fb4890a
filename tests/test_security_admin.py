"""Finding 7 of the security review: a submitted consortium is read-only in the admin, and
every change made in the admin is on the record (docs/SECURITY.md, section 7)."""
from django.contrib import admin
from django.urls import reverse
import pytest

from accounts.models import User
from audit.admin import RecordedInAdmin
from audit.models import Action, Event
from calls.models import Call
from consortia.models import Consortium, Member, Submission
from reviews.models import NationalContactPoint
from tests.consortium_factories import make_consortium, make_user
from tests.html_forms import form_values
from tests.review_factories import make_admin, make_ncp, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_user():
    return make_admin()


def change_url(instance) -> str:
    return reverse(f"admin:{instance._meta.app_label}_{instance._meta.model_name}_change",
                   args=[instance.pk])


def admin_form(client, instance) -> dict:
    page = client.get(change_url(instance))
    assert page.status_code == 200
    return form_values(page.content.decode(), f"{instance._meta.model_name}_form")


def test_the_probe_s_change_of_a_submitted_consortium_s_member_is_refused(client, admin_user):
    submission = make_submission(make_user())
    consortium = submission.consortium
    ncp_ro = make_ncp("ncp-ro@example.org", ["RO"])
    romanian = consortium.members.get(country_id="RO")
    client.force_login(admin_user)
    page = client.get(change_url(consortium))
    data = form_values(page.content.decode(), "consortium_form")
    row = next(key.rsplit("-", 1)[0] for key, value in data.items()
               if key.endswith("-id") and value == str(romanian.pk))
    data.update({f"{row}-country": "FR", f"{row}-name": "Renamed by an admin"})

    response = client.post(change_url(consortium), data)

    assert page.context["has_change_permission"] is False
    assert response.status_code == 403
    romanian.refresh_from_db()
    assert (romanian.country_id, romanian.name) == (
        "RO", "Asociația Clusterul Textil Ținutul Sătmarului"
    )
    assert Submission.objects.visible_to(ncp_ro).get() == submission
    assert not Event.objects.filter(action=Action.CHANGED_IN_ADMIN).exists()


def test_a_submitted_consortium_s_page_offers_no_save_and_no_delete(client, admin_user):
    consortium = make_submission(make_user()).consortium
    client.force_login(admin_user)

    page = client.get(change_url(consortium)).content.decode()

    assert 'name="_save"' not in page
    assert client.post(reverse("admin:consortia_consortium_delete", args=[consortium.pk]),
                       {"post": "yes"}).status_code == 403
    assert Consortium.objects.filter(pk=consortium.pk).exists()


def test_a_draft_changed_in_the_admin_is_on_the_record_with_the_fields_and_members_changed(
    client, admin_user
):
    consortium = make_consortium(make_user(), acronym="DRAFTY")
    member = consortium.members.get(country_id="PT")
    client.force_login(admin_user)
    data = admin_form(client, consortium)
    row = next(key.rsplit("-", 1)[0] for key, value in data.items()
               if key.endswith("-id") and value == str(member.pk))
    data.update({"title": "Changed by an admin", f"{row}-name": "Cluster Norte renamed"})

    response = client.post(change_url(consortium), data)

    assert response.status_code == 302
    entry = Event.objects.get(action=Action.CHANGED_IN_ADMIN)
    assert (entry.actor, entry.consortium) == (admin_user, consortium)
    assert entry.details["operation"] == "changed"
    assert {"changed": {"fields": ["Project title"]}} in entry.details["changes"]
    assert {"changed": {"name": "member", "object": "Cluster Norte renamed",
                        "fields": ["Legal name"]}} in entry.details["changes"]


def test_the_admin_change_shows_in_the_consortium_s_history(client, admin_user):
    consortium = make_consortium(make_user(), acronym="DRAFTY")
    client.force_login(admin_user)
    data = admin_form(client, consortium)
    client.post(change_url(consortium), {**data, "title": "Changed by an admin"})
    client.force_login(consortium.owner)

    page = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()

    assert "Changed in the admin" in page
    assert "Fields changed: Project title" in page


def test_a_user_changed_in_the_admin_is_on_the_record(client, admin_user):
    user = make_user("someone@example.org")
    client.force_login(admin_user)
    data = admin_form(client, user)

    response = client.post(change_url(user), {**data, "first_name": "Ana", "is_staff": "on"})

    assert response.status_code == 302
    entry = Event.objects.get(action=Action.CHANGED_IN_ADMIN)
    assert entry.details["model"] == "accounts.user"
    assert entry.details["object"] == "someone@example.org"
    assert entry.details["changes"] == [{"changed": {"fields": ["First name", "Staff status"]}}]


def test_a_contact_point_s_countries_changed_in_the_admin_are_on_the_record(client, admin_user):
    ncp = make_ncp("ncp@example.org", ["RO"])
    contact_point = NationalContactPoint.objects.get(user=ncp)
    client.force_login(admin_user)
    data = admin_form(client, contact_point)

    response = client.post(change_url(contact_point), {**data, "countries": ["RO", "MD"]})

    assert response.status_code == 302
    entry = Event.objects.get(action=Action.CHANGED_IN_ADMIN)
    assert entry.details["model"] == "reviews.nationalcontactpoint"
    assert entry.details["changes"] == [{"changed": {"fields": ["Countries"]}}]


def test_an_account_added_in_the_admin_is_on_the_record(client, admin_user):
    client.force_login(admin_user)

    client.post(reverse("admin:accounts_user_add"), {
        "email": "new@example.org", "usable_password": "true",
        "password1": "a-long-test-password-42", "password2": "a-long-test-password-42",
    })

    entry = Event.objects.get(action=Action.CHANGED_IN_ADMIN)
    assert (entry.details["operation"], entry.details["object"]) == ("added", "new@example.org")
    assert User.objects.filter(email="new@example.org").exists()


@pytest.mark.parametrize("model", [Consortium, Call, User, NationalContactPoint])
def test_every_admin_of_consortia_calls_users_and_contact_points_records_its_changes(model):
    assert isinstance(admin.site._registry[model], RecordedInAdmin)
    assert Member not in admin.site._registry  # members are changed with their consortium only
