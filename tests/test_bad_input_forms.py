"""Junk in every form never breaks anything: a clear error, or a stored value that renders
escaped wherever it is shown.

The junk: 100,000 characters, control characters, right-to-left text, HTML and SQL
fragments, numbers a database cannot hold, several values for one field. Each kind goes into
each field of the sign-up, login, password-reset, consortium (project and members) and
review forms, the review queue's filters and the admin's fixture upload; hypothesis then
mixes junk and arbitrary text over several fields at once.
"""
import csv
import io
import json

from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings, strategies as st
from openpyxl import load_workbook
import pytest

from accounts.models import User
from audit.models import Event
from calls.models import Call, CallRule
from consortia.forms import MAX_MEMBERS, ConsortiumForm, MemberChoices, MemberFormSet
from consortia.models import Consortium, Member
from reviews.models import Review
from tests.consortium_factories import (
    ESCP_S3,
    PASSWORD,
    escp_call,
    form_data,
    make_consortium,
    make_user,
)
from tests.review_factories import make_ncp, make_submission, member

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("junk")</script>'
JUNK = {
    "100,000 characters": (SCRIPT + "Ținutul ") * (100_000 // len(SCRIPT + "Ținutul ")),
    "control characters": "".join(map(chr, range(32))) + "\x7f\x85\u2028\u2029",
    "right-to-left text": "\u202eTXET\u202c تجمع صناعي אשכול\u200f",
    "HTML": SCRIPT + '<img src=x onerror=alert(1)>"><svg onload=alert(1)>',
    "SQL": "Robert'); DROP TABLE consortia_consortium;-- ' OR '1'='1",
    "number too large": "9" * 40,
    "number as exponent": "1e400",
    "negative number": "-1",
    "not a number": "NaN",
    "impossible date": "2018-02-30",
    "only spaces": " \t\n ",
    "emoji and combining marks": "🧵 T\u0326 ß ﬁ \ufeff",
}
SEVERAL_VALUES = ["first", "second"]
# What must never reach a page as markup.
RAW_MARKUP = ["<script>alert(", "<img src=x onerror", "<svg onload"]


def assert_shown_escaped(response) -> str:
    page = response.content.decode()
    for markup in RAW_MARKUP:
        assert markup not in page, f"{markup!r} reached the page unescaped"
    return page


def form_errors(response) -> bool:
    """Whether the page shows an error of one of its forms."""
    context = response.context
    for name in ("form", "members"):
        form = context.get(name) if context else None
        if form is None:
            continue
        if getattr(form, "errors", None) and any(form.errors):
            return True
        if hasattr(form, "non_form_errors") and form.non_form_errors():
            return True
    return False


JUNK_CASES = [pytest.param(value, id=name) for name, value in JUNK.items()] + [
    pytest.param(SEVERAL_VALUES, id="several values")
]


# Sign-up, login, password reset: every field, every junk.

@pytest.mark.parametrize("junk", JUNK_CASES)
@pytest.mark.parametrize("field", ["email", "password1", "password2"])
def test_junk_at_sign_up_gets_an_error_and_creates_no_account(client, field, junk):
    data = {"email": "new@example.org", "password1": "A-long-new-password-42",
            "password2": "A-long-new-password-42", field: junk}
    accounts = User.objects.count()

    response = client.post(reverse("accounts:signup"), data)

    assert response.status_code == 200
    assert form_errors(response)
    assert_shown_escaped(response)
    assert User.objects.count() == accounts


@pytest.mark.parametrize("junk", JUNK_CASES)
@pytest.mark.parametrize("field", ["username", "password"])
def test_junk_at_login_gets_an_error(client, field, junk):
    make_user("known@example.org")
    data = {"username": "known@example.org", "password": PASSWORD, field: junk}

    response = client.post(reverse("login"), data)

    assert response.status_code == 200
    assert form_errors(response)
    assert_shown_escaped(response)
    assert "_auth_user_id" not in client.session


@pytest.mark.parametrize("junk", JUNK_CASES)
def test_junk_as_the_password_reset_address_gets_an_error(client, junk):
    response = client.post(reverse("password_reset"), {"email": junk})

    assert response.status_code == 200
    assert form_errors(response)
    assert_shown_escaped(response)


# The consortium page: project fields, member rows, the formset's management fields.

PROJECT_FIELDS = ["acronym", "title", "duration_months", "start_date", "total_eligible_costs",
                  "requested_grant"]
MEMBER_FIELDS = ["name", "country", "region", "organisation_type", "eccp_status",
                 "eccp_profile_url", "is_coordinator"]
FREE_TEXT = {"acronym", "title", "members-1-name"}
CONSORTIUM_FIELDS = (
    PROJECT_FIELDS
    + [f"members-1-{name}" for name in MEMBER_FIELDS]
    + ["members-TOTAL_FORMS", "members-INITIAL_FORMS"]
)
EDIT_ONLY_FIELDS = ["members-1-id", "members-1-DELETE"]


def posted(data: dict) -> QueryDict:
    """``data`` as a POST body arrives: a list gives a field several values."""
    body = QueryDict(mutable=True)
    for name, value in data.items():
        body.setlist(name, value if isinstance(value, list) else [value])
    return body


def as_typed(junk) -> str:
    """The value a form reads from the junk: the last of several values, less spaces around."""
    return (junk[-1] if isinstance(junk, list) else junk).strip()


def error_on(field: str, form: ConsortiumForm, members: MemberFormSet) -> bool:
    """Whether the forms report an error on ``field``: on the project field, on the member
    row it belongs to, or, for the formset's own fields, on the formset."""
    if field in form.fields:
        return field in form.errors
    if field.startswith("members-1-") and len(members.forms) > 1:
        return bool(members.forms[1].errors)
    # The formset's own fields: the formset, or the rows it now reads differently.
    return bool(members.non_form_errors() or any(members.errors))


def echoed_fields_escaped(form: ConsortiumForm, members: MemberFormSet) -> None:
    """The bound fields that show back what was typed (not the lists of choices, which only
    mark an option of their own) carry no markup."""
    bound = [form[name] for name in form.fields]
    for row in members.forms:
        bound += [row[name] for name in row.fields]
    for field in bound:
        if isinstance(field.field.widget, forms.Select):
            continue
        html = str(field)
        for markup in RAW_MARKUP:
            assert markup not in html


@pytest.mark.parametrize("junk", JUNK_CASES)
def test_junk_in_any_field_of_the_consortium_forms_is_refused_there_or_kept_as_typed(junk):
    """Each field of the project and of a member row, new and edited: an error on that very
    field, or a value kept exactly as typed; the forms show it back escaped."""
    owner = make_user()
    draft = make_consortium(owner)
    existing = list(draft.members.order_by("-is_coordinator", "id"))
    choices = MemberChoices.for_call(draft.call)
    # An edit reads the same fields as a creation, and the saved rows' ids besides.
    cases = [(Consortium(call=draft.call, owner=owner), (), CONSORTIUM_FIELDS),
             (draft, existing,
              [*EDIT_ONLY_FIELDS, "title", "members-1-name", "members-TOTAL_FORMS"])]
    for instance, rows, fields in cases:
        for field in fields:
            data = posted({**form_data(existing=rows), field: junk})
            form = ConsortiumForm(data, instance=instance)
            members = MemberFormSet(data, instance=instance, prefix="members",
                                    form_kwargs={"choices": choices})
            valid = form.is_valid() & members.is_valid()

            assert valid or error_on(field, form, members), (field, form.errors, members.errors)
            if valid and field in FREE_TEXT:
                cleaned = (form.cleaned_data.get(field) if field in form.fields
                           else members.forms[1].cleaned_data["name"])
                assert cleaned == as_typed(junk), field
            echoed_fields_escaped(form, members)


@pytest.fixture
def applicant_client(client):
    applicant = make_user("applicant@example.org")
    client.force_login(applicant)
    client.applicant = applicant
    return client


def stored(consortium: Consortium) -> dict:
    consortium = Consortium.objects.get(pk=consortium.pk)
    return {**consortium.snapshot(), "status": consortium.status}


@pytest.mark.parametrize("junk", JUNK_CASES)
def test_junk_typed_as_names_on_the_consortium_page_is_refused_or_stored_and_shown_escaped(
    applicant_client, junk
):
    counts = (Consortium.objects.count(), Member.objects.count(), Event.objects.count())

    response = applicant_client.post(reverse("consortia:create", args=[ESCP_S3]),
                                     {**form_data(), "title": junk, "members-1-name": junk})

    assert response.status_code in (200, 302)
    assert_shown_escaped(response)
    if response.status_code == 200:
        assert form_errors(response)
        assert (Consortium.objects.count(), Member.objects.count(), Event.objects.count()) == counts
        return
    consortium = Consortium.objects.owned_by(applicant_client.applicant).get()
    assert consortium.title == as_typed(junk)
    assert as_typed(junk) in {member.name for member in consortium.members.all()}
    page = assert_shown_escaped(
        applicant_client.get(reverse("consortia:detail", args=[consortium.pk]))
    )
    if junk == JUNK["HTML"]:
        assert "&lt;script&gt;alert(" in page


@pytest.mark.parametrize("junk", JUNK_CASES)
def test_junk_typed_as_a_number_on_the_edit_page_gets_an_error_and_changes_nothing(
    applicant_client, junk
):
    consortium = make_consortium(applicant_client.applicant)
    existing = list(consortium.members.order_by("-is_coordinator", "id"))
    before = stored(consortium)

    response = applicant_client.post(
        reverse("consortia:edit", args=[consortium.pk]),
        {**form_data(existing=existing), "duration_months": junk, "title": SCRIPT},
    )

    assert response.status_code == 200
    assert form_errors(response)
    assert_shown_escaped(response)
    assert stored(consortium) == before


def test_more_member_rows_than_the_page_allows_are_refused_with_an_error():
    consortium = Consortium(call=escp_call(), owner=make_user())
    rows = [member(f"Cluster {number}", "RO", "RO11", coordinator=number == 0)
            for number in range(MAX_MEMBERS + 1)]
    data = form_data(members=rows)

    members = MemberFormSet(data, instance=consortium, prefix="members",
                            form_kwargs={"choices": MemberChoices.for_call(consortium.call)})

    assert not members.is_valid()
    assert members.non_form_errors() == [f"Please submit at most {MAX_MEMBERS} forms."]


def test_a_form_with_more_fields_than_django_accepts_is_refused_with_400(applicant_client):
    data = {**form_data(), **{f"junk-{number}": "x" for number in range(1100)}}

    response = applicant_client.post(reverse("consortia:create", args=[ESCP_S3]), data)

    assert response.status_code == 400
    assert not Consortium.objects.exists()


def test_a_form_body_above_the_upload_limit_is_refused_with_400(applicant_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 50_000

    response = applicant_client.post(reverse("consortia:create", args=[ESCP_S3]),
                                     {**form_data(), "title": JUNK["100,000 characters"]})

    assert response.status_code == 400
    assert not Consortium.objects.exists()


project_or_member_field = st.sampled_from(CONSORTIUM_FIELDS)
junk_or_any_text = st.sampled_from(list(JUNK.values())) | st.text(max_size=300)


@settings(max_examples=20, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(changes=st.dictionaries(project_or_member_field, junk_or_any_text, min_size=1, max_size=6))
def test_any_mixture_of_junk_and_text_on_the_consortium_page_never_breaks_it(
    applicant_client, changes
):
    response = applicant_client.post(reverse("consortia:create", args=[ESCP_S3]),
                                     {**form_data(), **changes})

    assert response.status_code in (200, 302)
    assert_shown_escaped(response)
    if response.status_code == 200:
        assert form_errors(response)
    else:
        detail = applicant_client.get(response["Location"])
        assert detail.status_code == 200
        assert_shown_escaped(detail)


# The review form, and what the applicant then reads.

@pytest.fixture
def review_setting(client):
    submission = make_submission(make_user("applicant@example.org"))
    client.force_login(make_ncp("ncp-ro@example.org", ["RO"]))
    return client, submission


@pytest.mark.parametrize("junk", JUNK_CASES)
@pytest.mark.parametrize("field", ["status", "comment"])
def test_junk_in_a_review_gets_an_error_or_is_recorded_and_shown_escaped(
    review_setting, field, junk
):
    client, submission = review_setting
    data = {"status": "clarification_requested", "comment": "Which ECCP profile?", field: junk}
    reviews = Review.objects.count()

    response = client.post(reverse("reviews:detail", args=[submission.pk]), data)

    assert response.status_code in (200, 302)
    assert_shown_escaped(response)
    if response.status_code == 200:
        assert form_errors(response)
        assert Review.objects.count() == reviews
        return
    review = Review.objects.get(submission=submission)
    assert review.comment == (junk[-1] if isinstance(junk, list) else junk).strip()
    assert_shown_escaped(client.get(reverse("reviews:detail", args=[submission.pk])))
    applicant = Client()
    applicant.force_login(submission.consortium.owner)
    report = applicant.get(
        reverse("consortia:report", args=[submission.consortium_id, submission.pk])
    )
    assert report.status_code == 200
    assert_shown_escaped(report)


@pytest.mark.parametrize("junk", JUNK_CASES)
@pytest.mark.parametrize("field", ["q", "call", "country", "verdict", "review_status", "sort",
                                   "per_page", "page"])
def test_junk_in_the_review_queue_filters_is_ignored_or_reported_never_an_error_page(
    review_setting, field, junk
):
    client, _submission = review_setting

    for url in (reverse("reviews:queue"), reverse("reviews:export_csv"),
                reverse("reviews:export_xlsx")):
        response = client.get(url, {field: junk})
        assert response.status_code == 200
        if url == reverse("reviews:queue"):
            assert_shown_escaped(response)


@pytest.mark.parametrize(
    "junk", [value for name, value in JUNK.items() if name != "100,000 characters"],
    ids=[name for name in JUNK if name != "100,000 characters"],
)
def test_junk_in_a_submission_is_exported_as_inert_text(client, junk):
    """Values the consortium page accepts reach the exports; a spreadsheet opens them."""
    # The page refuses NUL (Django's forms do, and PostgreSQL cannot store it): leave it out.
    junk = junk.replace("\x00", "")
    applicant = make_user()
    make_submission(applicant, [
        member(("Cluster " + junk)[:200], "RO", "RO11", coordinator=True),
        member("Cluster Norte", "PT", "PT11"), member("Netzwerk Dresden", "DE", "DED2"),
    ], acronym=junk.strip()[:40] or "BLANK", title=junk[:300])
    client.force_login(make_ncp("ncp-ro@example.org", ["RO"]))

    csv_response = client.get(reverse("reviews:export_csv"))
    xlsx_response = client.get(reverse("reviews:export_xlsx"))

    assert csv_response.status_code == xlsx_response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(
        b"".join(csv_response.streaming_content).decode("utf-8-sig"), newline=""
    )))
    assert len(rows) == 1
    workbook = load_workbook(io.BytesIO(b"".join(xlsx_response.streaming_content)))
    assert len(list(workbook.active.iter_rows(min_row=2))) == 1


# The admin's fixture upload: junk file names and contents.

def call_state() -> tuple:
    return (list(Call.objects.order_by("pk").values()),
            list(CallRule.objects.order_by("pk").values()),
            Event.objects.count())


@pytest.mark.parametrize("junk", [value for name, value in JUNK.items()],
                         ids=list(JUNK))
def test_junk_uploaded_as_a_call_fixture_is_reported_and_loads_nothing(admin_client, junk):
    before = call_state()
    files = [
        SimpleUploadedFile(f"{junk[:80]}.json", junk.encode("utf-8"), "application/json"),
        SimpleUploadedFile("object.json",
                           json.dumps([{"model": junk[:200], "fields": {}}]).encode(),
                           "application/json"),
        SimpleUploadedFile("call.json", json.dumps([{
            "model": "calls.call", "fields": {"reference": junk[:200], "title": junk},
        }]).encode(), "application/json"),
    ]

    response = admin_client.post(reverse("admin:calls_call_load_fixture"), {"files": files})

    assert response.status_code == 200
    page = assert_shown_escaped(response)
    assert "Nothing was loaded" in page
    assert call_state() == before
