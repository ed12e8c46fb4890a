"""Finding 8 of the security review: what a contact point sees of a submission follows that
submission's own members, as submitted, not the consortium as it became
(docs/SECURITY.md, section 7)."""
import csv
from datetime import timedelta
import io

from django.urls import reverse
import pytest

from audit.models import Action, Event
from consortia.models import Consortium, Member, Submission
from consortia.services import consortium_submit, consortium_withdraw
from reviews.models import review_queue
from reviews.services import review_record
from tests.consortium_factories import (
    A_MONTH_BEFORE_ESCP_DEADLINE,
    make_consortium,
    make_user,
    region,
)
from tests.review_factories import make_admin, make_ncp, member

pytestmark = pytest.mark.django_db

PT_DE_ES = [
    member("Cluster Norte", "PT", "PT11", coordinator=True),
    member("Netzwerk Dresden", "DE", "DED2"),
    member("Clúster Galicia", "ES", "ES11"),
]


@pytest.fixture
def story():
    """The probe's story: PT/DE/ES submitted and reviewed by the German contact point,
    withdrawn, given a Romanian member, submitted again."""
    applicant = make_user("applicant@example.org")
    ncp_de = make_ncp("ncp-de@example.org", ["DE"])
    ncp_ro = make_ncp("ncp-ro@example.org", ["RO"])
    consortium = make_consortium(applicant, members=PT_DE_ES, acronym="IBERIA")
    first = consortium_submit(
        consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE
    )
    review_record(submission=first, reviewer=ncp_de, status="clarification_requested",
                  comment="Old question about the German partner",
                  now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(hours=1))
    consortium_withdraw(consortium=consortium, user=applicant,
                        now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=1))
    Member.objects.create(
        consortium=consortium, name="Cluster Nord-Vest", country_id="RO",
        region=region("RO11", consortium.call),
        organisation_type="cluster_organisation", eccp_status="registered",
    )
    second = consortium_submit(consortium=consortium, user=applicant,
                               now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=2))
    return {"applicant": applicant, "ncp_ro": ncp_ro, "ncp_de": ncp_de, "first": first,
            "second": second, "consortium": consortium}


def test_each_submission_keeps_the_countries_of_its_own_members(story):
    assert sorted(story["first"].countries.values_list("code", flat=True)) == ["DE", "ES", "PT"]
    assert sorted(story["second"].countries.values_list("code", flat=True)) == [
        "DE", "ES", "PT", "RO"]


def test_the_romanian_contact_point_sees_the_new_submission_and_not_the_old_one(story):
    visible = Submission.objects.visible_to(story["ncp_ro"])

    assert list(visible) == [story["second"]]
    assert list(review_queue(story["ncp_ro"])) == [story["second"]]


def test_the_romanian_contact_point_cannot_open_the_old_submission(client, story):
    client.force_login(story["ncp_ro"])

    assert client.get(reverse("reviews:detail", args=[story["first"].pk])).status_code == 404
    assert client.get(reverse("reviews:detail", args=[story["second"].pk])).status_code == 200


def test_the_romanian_contact_point_sees_no_history_of_the_old_submission(client, story):
    client.force_login(story["ncp_ro"])

    page = client.get(reverse("reviews:detail", args=[story["second"].pk])).content.decode()

    assert "Old question about the German partner" not in page
    assert "Submission withdrawn" not in page
    assert page.count("Consortium submitted") == 1
    entries = [entry for entry, _lines in
               client.get(reverse("reviews:detail", args=[story["second"].pk])).context["entries"]]
    assert [entry.details["submission"] for entry in entries if "submission" in entry.details] \
        == [story["second"].pk]
    assert [entry.action for entry in entries] == [Action.CONSORTIUM_SUBMITTED]


def test_the_german_contact_point_still_sees_the_history_of_both_submissions(client, story):
    client.force_login(story["ncp_de"])

    page = client.get(reverse("reviews:detail", args=[story["second"].pk])).content.decode()

    assert "Old question about the German partner" in page
    assert "Submission withdrawn" in page


def test_the_romanian_contact_point_s_export_holds_only_the_new_submission(client, story):
    client.force_login(story["ncp_ro"])

    response = client.get(reverse("reviews:export_csv"))
    rows = list(csv.DictReader(io.StringIO(
        b"".join(response.streaming_content).decode("utf-8-sig"))))

    assert [(row["acronym"], row["countries"]) for row in rows] == [("IBERIA", "PT DE ES RO")]


def test_visibility_does_not_follow_members_changed_after_submission(story):
    """Even if the consortium's rows were changed behind the application's back (the admin
    no longer allows it), a contact point's view follows what was submitted."""
    Member.objects.filter(consortium=story["consortium"], country_id="RO").update(country_id="FR")
    ncp_fr = make_ncp("ncp-fr@example.org", ["FR"])

    assert list(Submission.objects.visible_to(story["ncp_ro"])) == [story["second"]]
    assert not Submission.objects.visible_to(ncp_fr).exists()
    assert Consortium.objects.visible_to(story["ncp_ro"]).get() == story["consortium"]
    assert not Consortium.objects.visible_to(ncp_fr).exists()


def test_the_owner_and_an_administrator_see_both_submissions(story):
    expected = {story["first"].pk, story["second"].pk}

    seen = Submission.objects.visible_to(story["applicant"]).values_list("pk", flat=True)
    assert set(seen) == expected
    assert set(Submission.objects.visible_to(make_admin()).values_list("pk", flat=True)) == expected


def test_a_contact_point_sees_nothing_of_a_consortium_withdrawn_to_a_draft(story):
    consortium_withdraw(consortium=story["consortium"], user=story["applicant"],
                        now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=3))

    assert not Submission.objects.visible_to(story["ncp_ro"]).exists()
    assert not Submission.objects.visible_to(story["ncp_de"]).exists()
    assert Event.objects.filter(action=Action.CONSORTIUM_WITHDRAWN).count() == 2
