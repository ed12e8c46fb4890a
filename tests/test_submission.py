"""Submitting and withdrawing: checked on the server at the moment of writing, kept as history."""
from django.db import IntegrityError, transaction
from django.urls import reverse
import pytest
import time_machine

from consortia.models import Consortium, Submission, SubmissionIsImmutable
from consortia.services import (
    AlreadySubmitted,
    DeadlinePassed,
    NotEligible,
    NothingToWithdraw,
    consortium_submit,
    consortium_withdraw,
)
from tests.consortium_factories import (
    A_MONTH_BEFORE_ESCP_DEADLINE,
    AT_ESCP_DEADLINE,
    BEFORE_ESCP_DEADLINE,
    ELIGIBLE_MEMBERS,
    form_data,
    make_consortium,
    make_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def applicant(client):
    user = make_user()
    client.force_login(user)
    return user


def submit_url(consortium):
    return reverse("consortia:submit", args=[consortium.pk])


def test_submitting_one_second_before_the_deadline_is_accepted(client, applicant):
    consortium = make_consortium(applicant)

    with time_machine.travel(BEFORE_ESCP_DEADLINE, tick=False):
        response = client.post(submit_url(consortium))

    submission = Submission.objects.get()
    assert response["Location"] == reverse("consortia:report", args=[consortium.pk, submission.pk])
    assert submission.submitted_at == BEFORE_ESCP_DEADLINE
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.SUBMITTED


def test_submitting_at_17_00_brussels_time_is_refused(client, applicant):
    consortium = make_consortium(applicant)

    with time_machine.travel(AT_ESCP_DEADLINE, tick=False):
        response = client.post(submit_url(consortium), follow=True)

    assert not Submission.objects.exists()
    assert "deadline has passed" in response.content.decode()
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT


def test_the_service_checks_the_deadline_at_the_instant_it_is_given(applicant):
    consortium = make_consortium(applicant)

    with pytest.raises(DeadlinePassed):
        consortium_submit(consortium=consortium, user=applicant, now=AT_ESCP_DEADLINE)
    submission = consortium_submit(consortium=consortium, user=applicant, now=BEFORE_ESCP_DEADLINE)

    assert submission.verdict == "eligible"


def test_a_consortium_that_is_not_eligible_is_refused(client, applicant):
    consortium = make_consortium(applicant, members=ELIGIBLE_MEMBERS[:2])

    with time_machine.travel(A_MONTH_BEFORE_ESCP_DEADLINE, tick=False):
        response = client.post(submit_url(consortium), follow=True)
        with pytest.raises(NotEligible) as refusal:
            consortium_submit(consortium=consortium, user=applicant)

    assert "Only an eligible consortium can be submitted" in response.content.decode()
    assert refusal.value.report.verdict == "not_eligible"
    assert not Submission.objects.exists()


def test_an_incomplete_consortium_is_refused(applicant):
    consortium = make_consortium(applicant, duration_months=None)

    with pytest.raises(NotEligible):
        consortium_submit(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)


def test_a_submission_keeps_the_consortium_the_outcomes_and_the_call_parameters(applicant):
    consortium = make_consortium(applicant)

    submission = consortium_submit(
        consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE
    )

    assert submission.submitted_by == applicant
    assert submission.snapshot["acronym"] == "TEXS3"
    assert submission.snapshot["total_eligible_costs"] == "466666.67"
    assert [member["name"] for member in submission.snapshot["members"]] == [
        member["name"] for member in ELIGIBLE_MEMBERS
    ]
    coordinator = submission.snapshot["members"][0]
    assert coordinator | {"role": "coordinator", "country": "RO", "region": "RO11"} == coordinator
    rules = [outcome["rule"] for outcome in submission.outcomes]
    assert "min_countries" in rules and "deadline" in rules
    assert all(outcome["status"] in ("pass", "fail", "missing") for outcome in submission.outcomes)
    assert submission.outcomes[0]["wording"]["ro"]["message"]
    assert submission.call_parameters == consortium.call.parameters()
    assert submission.call_parameters_hash == consortium.call.parameters_hash()


def test_after_submission_the_consortium_is_read_only(client, applicant):
    consortium = make_consortium(applicant)
    consortium_submit(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)
    edit_url = reverse("consortia:edit", args=[consortium.pk])

    page = client.get(edit_url)
    posted = client.post(
        edit_url, form_data({"acronym": "CHANGED"}, [], existing=list(consortium.members.all()))
    )

    assert page.status_code == 302 and posted.status_code == 302
    consortium.refresh_from_db()
    assert consortium.acronym == "TEXS3"
    assert consortium.members.count() == 3
    detail = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    assert edit_url not in detail


def test_submitting_twice_is_refused(applicant):
    consortium = make_consortium(applicant)
    consortium_submit(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)

    with pytest.raises(AlreadySubmitted):
        consortium_submit(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)
    assert Submission.objects.count() == 1


def test_withdrawing_before_the_deadline_keeps_the_submission_and_reopens_the_draft(
    client, applicant
):
    consortium = make_consortium(applicant)
    with time_machine.travel(A_MONTH_BEFORE_ESCP_DEADLINE, tick=False):
        client.post(submit_url(consortium))
        response = client.post(reverse("consortia:withdraw", args=[consortium.pk]))

    assert response.status_code == 302
    submission = Submission.objects.get()
    assert submission.withdrawn_at == A_MONTH_BEFORE_ESCP_DEADLINE
    assert submission.withdrawn_by == applicant
    consortium.refresh_from_db()
    assert consortium.status == Consortium.Status.DRAFT
    assert client.get(reverse("consortia:edit", args=[consortium.pk])).status_code == 200


def test_a_withdrawn_consortium_can_be_submitted_again_and_the_history_keeps_both(
    client, applicant
):
    consortium = make_consortium(applicant)
    consortium_submit(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)
    consortium_withdraw(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)

    again = consortium_submit(consortium=consortium, user=applicant, now=BEFORE_ESCP_DEADLINE)

    assert Submission.objects.count() == 2
    assert list(Submission.objects.active()) == [again]
    with time_machine.travel(BEFORE_ESCP_DEADLINE, tick=False):
        detail = client.get(reverse("consortia:detail", args=[consortium.pk])).content.decode()
    assert detail.count(reverse("consortia:report", args=[consortium.pk, again.pk])) >= 1
    assert "withdrawn on" in detail


def test_withdrawing_after_the_deadline_is_refused(applicant):
    consortium = make_consortium(applicant)
    consortium_submit(consortium=consortium, user=applicant, now=BEFORE_ESCP_DEADLINE)

    with pytest.raises(DeadlinePassed):
        consortium_withdraw(consortium=consortium, user=applicant, now=AT_ESCP_DEADLINE)
    assert Submission.objects.active().count() == 1


def test_withdrawing_a_draft_is_refused(applicant):
    with pytest.raises(NothingToWithdraw):
        consortium_withdraw(consortium=make_consortium(applicant), user=applicant,
                            now=A_MONTH_BEFORE_ESCP_DEADLINE)


def test_a_submission_cannot_be_changed_or_deleted(applicant):
    consortium = make_consortium(applicant)
    submission = consortium_submit(
        consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE
    )

    submission.verdict = "not_eligible"
    with pytest.raises(SubmissionIsImmutable):
        submission.save()
    with pytest.raises(SubmissionIsImmutable):
        submission.save(update_fields=["snapshot"])
    with pytest.raises(SubmissionIsImmutable):
        submission.delete()


def test_the_database_allows_one_standing_submission_per_consortium(applicant):
    consortium = make_consortium(applicant)
    submission = consortium_submit(
        consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE
    )

    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            consortium=consortium, submitted_by=applicant, submitted_at=submission.submitted_at,
            snapshot={}, outcomes=[], verdict="eligible", call_parameters={},
            call_parameters_hash="",
        )


def test_the_database_refuses_a_submission_that_is_not_eligible(applicant):
    with pytest.raises(IntegrityError), transaction.atomic():
        Submission.objects.create(
            consortium=make_consortium(applicant), submitted_by=applicant,
            submitted_at=A_MONTH_BEFORE_ESCP_DEADLINE, snapshot={}, outcomes=[],
            verdict="not_eligible", call_parameters={}, call_parameters_hash="",
        )


def test_the_report_shows_the_call_the_members_every_outcome_and_the_instant(client, applicant):
    consortium = make_consortium(applicant)
    submission = consortium_submit(consortium=consortium, user=applicant, now=BEFORE_ESCP_DEADLINE)

    response = client.get(reverse("consortia:report", args=[consortium.pk, submission.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "COS-CLUSTPARTNS-2017-3-02" in html
    for member in ELIGIBLE_MEMBERS:
        assert member["name"] in html
    for outcome in submission.outcomes:
        assert outcome["reference"] in html
    assert "8 March 2018, 16:59" in html
    assert "1 November 2018" in html  # the planned start, as submitted
    assert "This is a pre-check, not a decision." in html
    assert "The call text prevails" in html
    assert 'href="/static/css/print.css" media="print"' in html
    assert "data-print" in html and "js/print-button.js" in html


def test_the_report_reads_in_romanian_whatever_the_language_at_submission(client, applicant):
    from django.utils import translation

    consortium = make_consortium(applicant)
    submission = consortium_submit(consortium=consortium, user=applicant, now=BEFORE_ESCP_DEADLINE)
    with translation.override("ro"):
        url = reverse("consortia:report", args=[consortium.pk, submission.pk])
        shown = [outcome["message"] for outcome in
                 client.get(url).context["outcomes"]]

    assert shown == [outcome["wording"]["ro"]["message"] for outcome in submission.outcomes]


def test_the_consortium_row_is_locked_before_the_checks_where_the_database_can_lock(applicant):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consortium = make_consortium(applicant)
    with CaptureQueriesContext(connection) as queries:
        consortium_submit(consortium=consortium, user=applicant, now=A_MONTH_BEFORE_ESCP_DEADLINE)

    statements = [query["sql"] for query in queries]
    if connection.features.has_select_for_update:
        first_lock = next(i for i, sql in enumerate(statements) if "FOR UPDATE" in sql)
        first_insert = next(i for i, sql in enumerate(statements) if sql.startswith("INSERT"))
        assert first_lock < first_insert
    else:
        assert not any("FOR UPDATE" in sql for sql in statements)
