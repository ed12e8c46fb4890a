"""The record holds exactly one entry per change of a consortium: created, edited, submitted,
withdrawn, reviewed; each says who, when and what, and the history pages show them."""
from django.urls import reverse
import pytest

from audit.models import Action, Event
from consortia.models import Consortium
from tests.consortium_factories import (
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    form_data,
    make_user,
    practice_call,
)
from tests.review_factories import make_ncp

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return practice_call()


@pytest.fixture
def applicant():
    return make_user("applicant@example.org")


def project(call, **changes) -> dict:
    start = call.rule_options("start_window")["earliest"]
    return {**ELIGIBLE_PROJECT, "start_date": start, **changes}


def actions_of(consortium: Consortium) -> list[str]:
    return list(Event.objects.filter(consortium=consortium).values_list("action", flat=True))


def create(client, call) -> Consortium:
    response = client.post(
        reverse("consortia:create", args=[call.reference]),
        form_data(project(call), ELIGIBLE_MEMBERS, call=call),
    )
    assert response.status_code == 302
    return Consortium.objects.get()


def edit(client, consortium: Consortium, call, changes: dict, members: list[dict]) -> None:
    existing = list(consortium.members.order_by("-is_coordinator", "id"))
    response = client.post(
        reverse("consortia:edit", args=[consortium.pk]),
        form_data(project(call, **changes), members, call=call, existing=existing),
    )
    assert response.status_code == 302, response.context and response.context["form"].errors


def test_the_record_holds_exactly_one_entry_per_change_in_the_order_they_happened(
    client, call, applicant
):
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    client.force_login(applicant)

    consortium = create(client, call)
    edit(client, consortium, call, {"title": "Smart textiles, second version"}, ELIGIBLE_MEMBERS)
    client.post(reverse("consortia:submit", args=[consortium.pk]))
    client.post(reverse("consortia:withdraw", args=[consortium.pk]))
    client.post(reverse("consortia:submit", args=[consortium.pk]))
    submission = consortium.submissions.get(withdrawn_at__isnull=True)
    client.force_login(ncp)
    client.post(reverse("reviews:detail", args=[submission.pk]),
                {"status": "confirmed_eligible", "comment": ""})

    assert actions_of(consortium) == [
        Action.CONSORTIUM_CREATED, Action.CONSORTIUM_EDITED, Action.CONSORTIUM_SUBMITTED,
        Action.CONSORTIUM_WITHDRAWN, Action.CONSORTIUM_SUBMITTED, Action.CONSORTIUM_REVIEWED,
    ]
    entries = Event.objects.filter(consortium=consortium)
    actors = list(entries.values_list("actor__email", flat=True))
    assert actors == ["applicant@example.org"] * 5 + ["ncp-ro@example.org"]
    assert set(entries.values_list("call", flat=True)) == {call.pk}


def test_a_save_that_changes_nothing_adds_nothing_to_the_record(client, call, applicant):
    client.force_login(applicant)
    consortium = create(client, call)

    edit(client, consortium, call, {}, ELIGIBLE_MEMBERS)

    assert actions_of(consortium) == [Action.CONSORTIUM_CREATED]


def test_an_edit_entry_says_which_fields_and_members_changed(client, call, applicant):
    client.force_login(applicant)
    consortium = create(client, call)
    renamed = {**ELIGIBLE_MEMBERS[1], "name": "Cluster Norte Renamed"}
    removed = {**ELIGIBLE_MEMBERS[2], "DELETE": True}
    added = {"name": "Distretto Campania", "country": "IT", "region": "ITF3",
             "organisation_type": "cluster_organisation", "eccp_status": "registered"}

    edit(client, consortium, call, {"acronym": "TEXS3B", "duration_months": 18},
         [ELIGIBLE_MEMBERS[0], renamed, removed, added])

    entry = Event.objects.get(action=Action.CONSORTIUM_EDITED)
    assert entry.details == {
        "acronym": "TEXS3B",
        "fields": ["acronym", "duration_months"],
        "members_added": ["Distretto Campania"],
        "members_changed": ["Cluster Norte Renamed"],
        "members_removed": ["Netzwerk Dresden"],
    }
    created = Event.objects.get(action=Action.CONSORTIUM_CREATED)
    assert created.details == {"acronym": "TEXS3", "members": [m["name"] for m in ELIGIBLE_MEMBERS]}


def test_submitted_withdrawn_and_reviewed_entries_name_the_submission(client, call, applicant):
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    client.force_login(applicant)
    consortium = create(client, call)
    client.post(reverse("consortia:submit", args=[consortium.pk]))
    submission = consortium.submissions.get()
    client.force_login(ncp)
    client.post(reverse("reviews:detail", args=[submission.pk]),
                {"status": "clarification_requested", "comment": "Which ECCP profile?"})
    client.force_login(applicant)
    client.post(reverse("consortia:withdraw", args=[consortium.pk]))

    details = {event.action: event.details for event in Event.objects.filter(consortium=consortium)}
    assert details[Action.CONSORTIUM_SUBMITTED] == {
        "submission": submission.pk, "verdict": "eligible",
        "call_parameters_hash": submission.call_parameters_hash,
    }
    assert details[Action.CONSORTIUM_REVIEWED] == {
        "submission": submission.pk, "review": submission.reviews.get().pk,
        "status": "clarification_requested", "verdict": "eligible",
        "comment": "Which ECCP profile?",
    }
    assert details[Action.CONSORTIUM_WITHDRAWN] == {"submission": submission.pk}


def test_a_refused_review_or_submission_adds_nothing_to_the_record(client, call, applicant):
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    client.force_login(applicant)
    consortium = create(client, call)
    client.post(reverse("consortia:submit", args=[consortium.pk]))
    client.post(reverse("consortia:submit", args=[consortium.pk]))  # already submitted
    submission = consortium.submissions.get()
    client.force_login(ncp)
    client.post(reverse("reviews:detail", args=[submission.pk]),
                {"status": "confirmed_ineligible", "comment": ""})  # needs a comment

    assert actions_of(consortium) == [Action.CONSORTIUM_CREATED, Action.CONSORTIUM_SUBMITTED]


def test_the_history_shows_on_the_applicant_s_page_and_on_the_ncp_s_review_page(
    client, call, applicant
):
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    client.force_login(applicant)
    consortium = create(client, call)
    edit(client, consortium, call, {"title": "Second title"}, ELIGIBLE_MEMBERS)
    client.post(reverse("consortia:submit", args=[consortium.pk]))
    submission = consortium.submissions.get()

    applicant_page = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    client.force_login(ncp)
    review_page = client.get(reverse("reviews:detail", args=[submission.pk])).content.decode()

    for page in (applicant_page, review_page):
        history = page[page.index('id="record-heading"'):]
        assert history.index("Consortium created") < history.index("Consortium edited") \
            < history.index("Consortium submitted")
        assert "Project data changed: project title" in history
        assert "applicant@example.org" in history
