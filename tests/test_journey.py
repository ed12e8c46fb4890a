"""The applicant's journey through the browser pages, with Django's test client."""
import re

from django.core import mail
from django.urls import reverse
import pytest

from consortia.models import Consortium, Member, Submission
from tests.consortium_factories import (
    ELIGIBLE_MEMBERS,
    ELIGIBLE_PROJECT,
    PASSWORD,
    form_data,
    make_consortium,
    make_user,
    practice_call,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def call():
    return practice_call()


@pytest.fixture
def applicant(client):
    user = make_user("applicant@example.org")
    client.force_login(user)
    return user


def practice_project(call, **changes):
    start = call.rule_options("start_window")["earliest"]
    return {**ELIGIBLE_PROJECT, "start_date": start, **changes}


def html_of(response) -> str:
    return response.content.decode()


def test_the_journey_from_sign_up_to_a_submitted_report(client, call):
    signed_up = client.post(reverse("accounts:signup"), {
        "email": "maria@cluster.example.ro", "password1": PASSWORD, "password2": PASSWORD,
    }, follow=True)
    assert signed_up.status_code == 200
    link = re.search(r"https?://[^/\s]+(/\S+)", mail.outbox[0].body).group(1)
    assert client.post(link)["Location"] == reverse("consortia:dashboard")

    picker = client.get(reverse("consortia:create"))
    assert call.reference in html_of(picker)

    created = client.post(
        reverse("consortia:create") + f"?call={call.reference}",
        form_data(practice_project(call), ELIGIBLE_MEMBERS, call=call),
    )
    consortium = Consortium.objects.get()
    assert created["Location"] == reverse("consortia:detail", args=[consortium.pk])
    assert consortium.members.count() == 3

    detail = client.get(created["Location"])
    assert "Eligible" in html_of(detail)
    assert detail.context["submission_refusal"] is None

    submitted = client.post(reverse("consortia:submit", args=[consortium.pk]))
    submission = Submission.objects.get()
    assert submitted["Location"] == reverse("consortia:report", args=[consortium.pk, submission.pk])

    report = client.get(submitted["Location"])
    assert report.status_code == 200
    assert "Print or save as PDF" in html_of(report)


def test_the_create_page_without_a_call_lets_the_applicant_choose_one(client, applicant, call):
    response = client.get(reverse("consortia:create"))

    assert response.status_code == 200
    assert reverse("consortia:create", args=[call.reference]) in html_of(response)


def test_the_create_page_of_an_unknown_call_is_not_found(client, applicant):
    assert client.get(reverse("consortia:create", args=["NO-SUCH-CALL"])).status_code == 404


def test_the_create_page_offers_as_many_empty_member_rows_as_the_call_needs_members(
    client, applicant, call
):
    response = client.get(reverse("consortia:create", args=[call.reference]))

    assert len(response.context["members"].forms) == call.rule_options("min_entities")["minimum"]
    assert "Practice call" in html_of(response)


def test_the_call_can_be_given_in_the_query_string_too(client, applicant, call):
    response = client.get(reverse("consortia:create") + "?call=practice-escp-s3")

    assert response.status_code == 200
    assert response.context["call"] == call


def test_an_invalid_save_keeps_everything_typed_and_lists_every_error_with_a_link(
    client, applicant, call
):
    rows = [
        {**ELIGIBLE_MEMBERS[0], "name": "Clusterul Textil Nord-Vest"},
        {**ELIGIBLE_MEMBERS[1], "region": "RO11", "is_coordinator": True},
        {**ELIGIBLE_MEMBERS[2], "eccp_profile_url": "https://example.com/profile"},
    ]
    project = practice_project(call, acronym="ȚESĂTURI", duration_months=0,
                               total_eligible_costs="1000.005")

    response = client.post(
        reverse("consortia:create", args=[call.reference]), form_data(project, rows, call=call)
    )

    html = html_of(response)
    assert response.status_code == 200
    assert not Consortium.objects.exists()
    # What was typed is still there, valid or not.
    assert 'value="ȚESĂTURI"' in html
    assert 'value="0"' in html
    assert 'value="1000.005"' in html
    assert 'value="Clusterul Textil Nord-Vest"' in html
    assert 'value="https://example.com/profile"' in html
    assert re.search(r'<option value="PT" selected>', html)
    # The summary is focused and links to each field in error.
    summary = re.search(r'<div class="alert alert-danger error-summary"[^>]*>', html).group(0)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    for anchor in ("#id_duration_months", "#id_total_eligible_costs", "#id_members-1-region",
                   "#id_members-0-is_coordinator", "#id_members-1-is_coordinator",
                   "#id_members-2-eccp_profile_url"):
        assert f'href="{anchor}"' in html
    # And each error also sits next to its field.
    assert 'id="id_members-1-region"' in html
    assert html.count("is-invalid") >= 6


def test_a_draft_that_breaks_call_rules_saves_and_the_panel_says_why(client, applicant, call):
    rows = [ELIGIBLE_MEMBERS[0], {**ELIGIBLE_MEMBERS[1], "country": "RO", "region": "RO21"}]
    project = practice_project(call, duration_months="")

    response = client.post(
        reverse("consortia:create", args=[call.reference]),
        form_data(project, rows, call=call), follow=True,
    )

    html = html_of(response)
    assert response.context["report"].verdict == "not_eligible"
    assert "Not eligible" in html
    outcomes = response.context["report"].outcomes
    statuses = {outcome.rule: str(outcome.status) for outcome in outcomes}
    assert statuses["min_countries"] == "fail"
    assert statuses["duration"] == "missing"
    assert statuses["max_grant"] == "pass"
    for label in ("Pass", "Fail", "Missing"):
        assert f">{label}</span>" in html
    assert "Advisory: does not change the verdict" in html
    assert "Call text §6.2" in html
    assert reverse("eligibility:call_rules", args=[call.reference]) in html


def test_the_panel_reflects_the_last_saved_state(client, applicant, call):
    consortium = make_consortium(applicant, call, members=ELIGIBLE_MEMBERS[:2])
    page = client.get(reverse("consortia:detail", args=[consortium.pk]))
    assert page.context["report"].verdict == "not_eligible"

    client.post(
        reverse("consortia:edit", args=[consortium.pk]),
        form_data(practice_project(call), ELIGIBLE_MEMBERS, call=call,
                  existing=list(consortium.members.all())),
    )

    detail = client.get(reverse("consortia:detail", args=[consortium.pk]))
    assert detail.context["report"].verdict == "eligible"


def test_add_member_saves_and_comes_back_with_one_more_empty_row(client, applicant, call):
    consortium = make_consortium(applicant, call, members=ELIGIBLE_MEMBERS[:2])
    data = form_data(practice_project(call), [*ELIGIBLE_MEMBERS[:2], {"name": ""}], call=call,
                     existing=list(consortium.members.all()))
    data["add_member"] = "1"

    response = client.post(reverse("consortia:edit", args=[consortium.pk]), data)

    assert response.status_code == 302
    assert "blank=2" in response["Location"]
    page = client.get(response["Location"])
    assert len(page.context["members"].forms) == 4


def test_a_member_is_removed_by_ticking_remove_and_saving(client, applicant, call):
    consortium = make_consortium(applicant, call)
    rows = [ELIGIBLE_MEMBERS[0], ELIGIBLE_MEMBERS[1], {**ELIGIBLE_MEMBERS[2], "DELETE": True}]

    client.post(reverse("consortia:edit", args=[consortium.pk]),
                form_data(practice_project(call), rows, call=call,
                          existing=list(consortium.members.all())))

    assert list(consortium.members.values_list("name", flat=True)) == [
        ELIGIBLE_MEMBERS[0]["name"], ELIGIBLE_MEMBERS[1]["name"]
    ]


def test_the_coordinator_can_move_to_another_member_in_one_save(client, applicant, call):
    consortium = make_consortium(applicant, call)
    rows = [
        {**ELIGIBLE_MEMBERS[0], "is_coordinator": False},
        ELIGIBLE_MEMBERS[1],
        {**ELIGIBLE_MEMBERS[2], "is_coordinator": True},
    ]

    response = client.post(reverse("consortia:edit", args=[consortium.pk]),
                           form_data(practice_project(call), rows, call=call,
                                     existing=list(consortium.members.all())))

    assert response.status_code == 302
    coordinator = Member.objects.get(consortium=consortium, is_coordinator=True)
    assert coordinator.name == ELIGIBLE_MEMBERS[2]["name"]


def test_a_closed_call_can_be_checked_but_offers_no_submission(client, applicant):
    consortium = make_consortium(applicant)  # ESCP-S3, closed since 2018

    edit = client.get(reverse("consortia:edit", args=[consortium.pk]))
    detail = client.get(reverse("consortia:detail", args=[consortium.pk]))

    assert edit.status_code == 200
    assert "This call is closed" in html_of(detail)
    assert detail.context["submission_refusal"] is not None
    assert reverse("consortia:submit", args=[consortium.pk]) not in html_of(detail)


def test_my_consortia_lists_each_with_its_call_verdict_and_status(client, applicant, call):
    eligible = make_consortium(applicant, call, acronym="GOOD")
    make_consortium(applicant, call, members=ELIGIBLE_MEMBERS[:2], acronym="SHORT")
    make_consortium(make_user(), call, acronym="NOT-MINE")

    response = client.get(reverse("consortia:dashboard"))

    html = html_of(response)
    assert "GOOD" in html and "SHORT" in html and "NOT-MINE" not in html
    rows = response.context["rows"]
    verdicts = {row["consortium"].acronym: row["report"].verdict for row in rows}
    assert verdicts == {"GOOD": "eligible", "SHORT": "not_eligible"}
    assert reverse("consortia:detail", args=[eligible.pk]) in html


def dashboard_queries(client, count: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("consortia:dashboard")).status_code == 200
    return len(queries)


def test_my_consortia_reads_each_call_s_parameters_once_whatever_the_number_of_consortia(
    client, applicant, call
):
    make_consortium(applicant, call, acronym="FIRST")
    make_consortium(applicant, acronym="CLOSED")
    with_two = dashboard_queries(client, 2)
    for number in range(4):
        make_consortium(applicant, call, acronym=f"MORE{number}")

    # At most one more query per consortium: its members, read by the eligibility facts.
    assert dashboard_queries(client, 6) - with_two <= 4


def test_my_consortia_is_read_in_a_fixed_number_of_queries(client, applicant, call):
    make_consortium(applicant, call, acronym="FIRST")
    make_consortium(applicant, acronym="CLOSED")
    dashboard_queries(client, 2)  # the process builds what the rules read about each call once
    with_two = dashboard_queries(client, 2)
    for number in range(4):
        make_consortium(applicant, call, acronym=f"MORE{number}")

    assert dashboard_queries(client, 6) == with_two


def test_pages_show_the_deadline_in_brussels_time_and_the_readers_time_with_time_left(
    client, applicant, call
):
    consortium = make_consortium(applicant, call)

    html = html_of(client.get(reverse("consortia:detail", args=[consortium.pk])))

    assert "Brussels time" in html
    assert "data-localtime" in html
    assert 'data-countdown="' in html
    assert "data-countdown-days>27<" in html or "data-countdown-days>28<" in html


def test_the_consortium_pages_work_in_romanian(client, applicant, call):
    from django.utils import translation

    consortium = make_consortium(applicant, call)
    with translation.override("ro"):  # restores the language the requests switch to
        urls = [reverse("consortia:dashboard"), reverse("consortia:detail", args=[consortium.pk]),
                reverse("consortia:edit", args=[consortium.pk])]
        responses = [client.get(url) for url in urls]
    for response in responses:
        assert response.status_code == 200
        assert '<html lang="ro">' in html_of(response)
    assert "România" in html_of(responses[2])
