"""Reviewing a submission: the review page shows the submission as submitted; reviews are
recorded by ``review_record``, append-only, with a comment where the view differs."""
from datetime import timedelta
import io

from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
import pytest

from accounts.models import User
from consortia.management.commands.seed_demo import NCP_ROMANIA, PRACTICE_CALL
from consortia.models import Member
from consortia.services import consortium_submit, consortium_withdraw
from reviews.forms import ReviewForm
from reviews.models import Review, ReviewIsAppendOnly, ReviewStatus, review_queue
from reviews.services import CommentRequired, SubmissionWithdrawn, review_record
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_consortium, make_user
from tests.review_factories import make_admin, make_ncp, make_submission

pytestmark = pytest.mark.django_db


@pytest.fixture
def ncp():
    return make_ncp("ncp-ro@example.org", ["RO"])


@pytest.fixture
def submission():
    return make_submission(make_user("applicant@example.org"), acronym="TEXS3")


def html_of(response) -> str:
    return response.content.decode()


# When must a review explain itself? (status, automatic verdict, comment required)
COMMENT_RULES = [
    ("confirmed_eligible", "eligible", False),
    ("confirmed_eligible", "not_eligible", True),
    ("confirmed_eligible", "incomplete", True),
    ("confirmed_ineligible", "eligible", True),
    ("confirmed_ineligible", "not_eligible", False),
    ("confirmed_ineligible", "incomplete", False),
    ("clarification_requested", "eligible", True),
    ("clarification_requested", "not_eligible", True),
]


@pytest.mark.parametrize("status, verdict, required", COMMENT_RULES)
def test_a_comment_is_required_exactly_when_the_view_differs_or_asks_for_clarification(
    status, verdict, required
):
    assert ReviewStatus(status).needs_comment(verdict) is required
    form = ReviewForm({"status": status, "comment": ""}, verdict=verdict)
    assert form.is_valid() is not required


def test_a_review_that_disagrees_without_a_comment_is_refused_with_a_form_error(
    client, ncp, submission
):
    client.force_login(ncp)

    response = client.post(
        reverse("reviews:detail", args=[submission.pk]),
        {"status": "confirmed_ineligible", "comment": "   "},
    )

    assert response.status_code == 200
    assert "comment" in response.context["form"].errors
    assert "explain why" in html_of(response)
    assert not Review.objects.exists()


def test_a_review_that_disagrees_with_a_comment_is_recorded_and_shown(client, ncp, submission):
    client.force_login(ncp)
    url = reverse("reviews:detail", args=[submission.pk])

    response = client.post(url, {
        "status": "confirmed_ineligible", "comment": "Cluster Norte is a company, not a cluster.",
    }, follow=True)

    review = Review.objects.get()
    assert (review.submission, review.reviewer, review.status) == (
        submission, ncp, ReviewStatus.CONFIRMED_INELIGIBLE
    )
    assert response.redirect_chain == [(url, 302)]
    assert "Cluster Norte is a company, not a cluster." in html_of(response)
    assert "Review recorded" in html_of(response)


def test_the_service_refuses_a_disagreeing_review_without_a_comment_too(ncp, submission):
    with pytest.raises(CommentRequired):
        review_record(submission=submission, reviewer=ncp, status="confirmed_ineligible",
                      comment="")
    with pytest.raises(CommentRequired):
        review_record(submission=submission, reviewer=ncp, status="clarification_requested",
                      comment=" \n ")
    assert not Review.objects.exists()


def test_a_later_review_supersedes_an_earlier_one_which_stays_in_the_history(
    client, ncp, submission
):
    review_record(submission=submission, reviewer=ncp, status="clarification_requested",
                  comment="Is Netzwerk Dresden registered on the ECCP?")
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")

    latest = review_queue(ncp).get()
    client.force_login(ncp)
    page = html_of(client.get(reverse("reviews:detail", args=[submission.pk])))

    assert latest.review_status == ReviewStatus.CONFIRMED_ELIGIBLE
    assert Review.objects.count() == 2
    assert "Is Netzwerk Dresden registered on the ECCP?" in page
    assert page.index("Confirmed eligible") < page.index("Clarification requested")


def test_reviews_cannot_be_edited_or_deleted_through_the_application(ncp, submission):
    review = review_record(submission=submission, reviewer=ncp, status="confirmed_eligible",
                           comment="")

    review.comment = "changed afterwards"
    with pytest.raises(ReviewIsAppendOnly):
        review.save()
    with pytest.raises(ReviewIsAppendOnly):
        review.delete()
    with pytest.raises(ReviewIsAppendOnly):
        Review.objects.filter(pk=review.pk).update(comment="changed")
    with pytest.raises(ReviewIsAppendOnly):
        Review.objects.filter(pk=review.pk).delete()
    assert Review.objects.get().comment == ""


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_itself_refuses_to_change_or_delete_a_review(ncp, submission):
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")
    for statement in ("UPDATE reviews_review SET comment = 'x'", "DELETE FROM reviews_review"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_the_database_refuses_a_clarification_request_without_a_comment(ncp, submission):
    with pytest.raises(DatabaseError), transaction.atomic():
        Review.objects.create(submission=submission, reviewer=ncp,
                              status=ReviewStatus.CLARIFICATION_REQUESTED, comment="")


def test_the_review_admin_shows_reviews_but_allows_no_change(client, ncp, submission):
    review = review_record(submission=submission, reviewer=ncp, status="confirmed_eligible",
                           comment="")
    client.force_login(make_admin())

    listing = client.get(reverse("admin:reviews_review_changelist"))
    shown = client.get(reverse("admin:reviews_review_change", args=[review.pk]))
    deleting = client.post(
        reverse("admin:reviews_review_delete", args=[review.pk]), {"post": "yes"}
    )

    assert listing.status_code == 200 and "TEXS3" in html_of(listing)
    assert shown.status_code == 200 and 'name="comment"' not in html_of(shown)
    assert deleting.status_code == 403
    assert client.get(reverse("admin:reviews_review_add")).status_code == 403
    assert Review.objects.filter(pk=review.pk).exists()


def test_national_contact_points_are_managed_in_the_admin(client):
    client.force_login(make_admin())
    user = make_user("new-ncp@example.org")

    response = client.post(reverse("admin:reviews_nationalcontactpoint_add"), {
        "user": user.pk, "countries": ["RO", "MD"],
    })
    listing = client.get(reverse("admin:reviews_nationalcontactpoint_changelist") + "?q=new-ncp")

    assert response.status_code == 302
    assert set(user.national_contact_point.countries.values_list("code", flat=True)) == {"RO", "MD"}
    assert "MD, RO" in html_of(listing)


def test_only_a_reviewer_who_sees_the_consortium_may_record_a_review(submission):
    outsider_ncp = make_ncp("ncp-fr@example.org", ["FR"])
    applicant = submission.consortium.owner

    for reviewer in (outsider_ncp, applicant, make_user()):
        with pytest.raises(PermissionDenied):
            review_record(submission=submission, reviewer=reviewer, status="confirmed_eligible",
                          comment="")
    assert not Review.objects.exists()


def test_an_ncp_does_not_review_their_own_consortium():
    ncp = make_ncp("ncp-ro@example.org", ["RO"])
    own = make_submission(ncp)

    with pytest.raises(PermissionDenied):
        review_record(submission=own, reviewer=ncp, status="confirmed_eligible", comment="")


def test_a_withdrawn_submission_is_not_reviewed(submission):
    admin = make_admin()
    consortium_withdraw(consortium=submission.consortium, user=submission.consortium.owner,
                        now=A_MONTH_BEFORE_ESCP_DEADLINE)

    with pytest.raises(SubmissionWithdrawn):
        review_record(submission=submission, reviewer=admin, status="confirmed_eligible",
                      comment="")


def test_the_review_page_shows_the_snapshot_as_submitted_not_the_consortium_now(
    client, ncp, submission
):
    Member.objects.filter(consortium=submission.consortium, name="Netzwerk Dresden").update(
        name="Renamed later"
    )
    client.force_login(ncp)

    page = html_of(client.get(reverse("reviews:detail", args=[submission.pk])))

    assert "Netzwerk Dresden" in page and "Renamed later" not in page


def test_the_review_page_lists_every_outcome_with_its_reference_and_members_by_country(
    client, ncp, submission
):
    client.force_login(ncp)

    response = client.get(reverse("reviews:detail", args=[submission.pk]))

    page = html_of(response)
    for outcome in submission.outcomes:
        assert f"<code class=\"small\">{outcome['rule']}</code>" in page
        if outcome["reference"]:
            assert outcome["reference"] in page
    groups = response.context["member_groups"]
    assert [group["country"] for group in groups] == ["RO", "PT", "DE"]
    assert [len(group["members"]) for group in groups] == [1, 1, 1]


def test_the_applicant_sees_the_reviews_on_their_consortium_page_and_report(
    client, ncp, submission
):
    review_record(submission=submission, reviewer=ncp, status="clarification_requested",
                  comment="Send the ECCP profile of Cluster Norte.")
    client.force_login(submission.consortium.owner)

    detail = html_of(client.get(reverse("consortia:detail", args=[submission.consortium_id])))
    report = html_of(client.get(
        reverse("consortia:report", args=[submission.consortium_id, submission.pk])
    ))

    for page in (detail, report):
        assert "Clarification requested" in page
        assert "Send the ECCP profile of Cluster Norte." in page


def test_the_queue_filters_by_review_status_call_country_verdict_and_search(client, ncp):
    applicant = make_user()
    reviewed = make_submission(applicant, acronym="REVIEWED")
    waiting = make_submission(applicant, acronym="WAITING", members=[
        {"name": "Cluster Mureș", "country": "RO", "region": "RO12",
         "organisation_type": "cluster_organisation", "eccp_status": "registered",
         "is_coordinator": True},
        {"name": "Distretto Campania", "country": "IT", "region": "ITF3",
         "organisation_type": "cluster_organisation", "eccp_status": "registered"},
        {"name": "Klaster Łódź", "country": "PL", "region": "PL11",
         "organisation_type": "cluster_organisation", "eccp_status": "registered"},
    ])
    review_record(submission=reviewed, reviewer=ncp, status="confirmed_eligible", comment="")
    client.force_login(ncp)

    def acronyms(**query):
        response = client.get(reverse("reviews:queue"), query)
        assert response.status_code == 200
        return sorted(row.snapshot["acronym"] for row in response.context["page"].object_list)

    assert acronyms() == ["REVIEWED", "WAITING"]
    assert acronyms(review_status="not_reviewed") == ["WAITING"]
    assert acronyms(review_status="confirmed_eligible") == ["REVIEWED"]
    assert acronyms(review_status="clarification_requested") == []
    assert acronyms(country="PL") == ["WAITING"]
    assert acronyms(country="PT") == ["REVIEWED"]
    assert acronyms(call="COS-CLUSTPARTNS-2017-3-02") == ["REVIEWED", "WAITING"]
    assert acronyms(call="COS-CLUSTER-2018-03-02") == []
    assert acronyms(verdict="eligible") == ["REVIEWED", "WAITING"]
    assert acronyms(verdict="not_eligible") == []
    assert acronyms(q="wait") == ["WAITING"]
    assert acronyms(q="campania") == ["WAITING"]
    assert acronyms(q="Norte") == ["REVIEWED"]
    assert waiting.pk != reviewed.pk


def test_the_queue_sorts_by_submission_acronym_and_verdict(client, ncp, submission):
    consortium_submit(
        consortium=make_consortium(submission.consortium.owner, acronym="AAA-LATER"),
        user=submission.consortium.owner, now=A_MONTH_BEFORE_ESCP_DEADLINE + timedelta(days=1),
    )
    client.force_login(ncp)

    def acronyms(sort):
        response = client.get(reverse("reviews:queue"), {"sort": sort})
        return [row.snapshot["acronym"] for row in response.context["page"].object_list]

    assert acronyms("acronym") == ["AAA-LATER", "TEXS3"]
    assert acronyms("-acronym") == ["TEXS3", "AAA-LATER"]
    assert acronyms("-submitted") == ["AAA-LATER", "TEXS3"]
    assert acronyms("submitted") == ["TEXS3", "AAA-LATER"]
    assert acronyms("verdict") == ["AAA-LATER", "TEXS3"]


def test_the_queue_shows_totals_by_review_status_and_an_invalid_filter_as_an_error(
    client, ncp, submission
):
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")
    make_submission(submission.consortium.owner, acronym="SECOND")
    client.force_login(ncp)

    response = client.get(reverse("reviews:queue"), {"call": "NO-SUCH-CALL"})

    totals = response.context["totals"]
    assert totals["total"] == 2
    assert {code: count for code, _label, count in totals["by_status"]} == {
        "not_reviewed": 1, "confirmed_eligible": 1, "confirmed_ineligible": 0,
        "clarification_requested": 0,
    }
    assert "call" in response.context["form"].errors
    assert "2 submissions match the filters." in html_of(response)


def test_the_queue_pages_keep_the_filters(client, ncp, submission):
    from tests.review_factories import copy_submission

    for number in range(26):
        copy_submission(submission, f"COPY{number:02d}")
    client.force_login(ncp)

    first = client.get(reverse("reviews:queue"), {"per_page": 25, "country": "RO"})
    second = client.get(reverse("reviews:queue"), {"per_page": 25, "country": "RO", "page": 2})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 2
    assert "?per_page=25&amp;country=RO&amp;page=2" in html_of(first)


@pytest.mark.parametrize("rows", [1, 30])
def test_the_queue_page_stays_within_a_fixed_query_budget(
    client, ncp, submission, django_assert_max_num_queries, rows
):
    from tests.review_factories import copy_submission

    for number in range(rows - 1):
        copy_submission(submission, f"COPY{number:02d}")
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")
    client.force_login(ncp)

    # Session, user, reviewer role, calls and countries of the filters, totals, the page.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("reviews:queue"))

    assert len(response.context["page"].object_list) == rows


def test_the_queue_makes_as_many_queries_for_30_rows_as_for_1(client, ncp, submission):
    from django.test.utils import CaptureQueriesContext

    from tests.review_factories import copy_submission

    client.force_login(ncp)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("reviews:queue"), {"per_page": 50}).status_code == 200
        return len(captured)

    with_one = queries()
    for number in range(29):
        copy_submission(submission, f"COPY{number:02d}")
    review_record(submission=submission, reviewer=ncp, status="confirmed_eligible", comment="")

    assert queries() == with_one


def test_seed_demo_makes_the_demo_ncp_the_contact_point_for_romania_who_sees_the_demo_submission(
    client, settings
):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    ncp = User.objects.get(email=NCP_ROMANIA.email)
    client.force_login(ncp)

    response = client.get(reverse("reviews:queue"))

    assert list(ncp.national_contact_point.countries.values_list("code", flat=True)) == ["RO"]
    rows = list(response.context["page"].object_list)
    assert [row.snapshot["call"] for row in rows] == [PRACTICE_CALL]
    assert "RO" in [member["country"] for member in rows[0].snapshot["members"]]
    call_command("seed_demo", stdout=io.StringIO())  # again: nothing new
    assert ncp.national_contact_point.countries.count() == 1
