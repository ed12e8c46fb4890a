"""Finding 6 of the security review: submissions are append-only in PostgreSQL itself, as
reviews and the record are, through django-pgtrigger (docs/SECURITY.md, section 7)."""
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
import pytest

from consortia.models import Submission, SubmissionIsImmutable
from consortia.services import consortium_submit
from tests.consortium_factories import A_MONTH_BEFORE_ESCP_DEADLINE, make_consortium, make_user

pytestmark = pytest.mark.django_db
postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: the append-only triggers are PostgreSQL's. Run with "
           "DATABASE_URL=postgres://postgres@127.0.0.1:5432/<name>.",
)


@pytest.fixture
def submission():
    applicant = make_user()
    return consortium_submit(consortium=make_consortium(applicant), user=applicant,
                             now=A_MONTH_BEFORE_ESCP_DEADLINE)


def execute(statement: str, *parameters) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement, parameters)


@postgresql_only
@pytest.mark.parametrize("statement, refused", [
    ("UPDATE consortia_submission SET snapshot = '{\"acronym\": \"FORGED\"}'", True),
    ("UPDATE consortia_submission SET submitted_at = now() - interval '1 year'", True),
    ("UPDATE consortia_submission SET verdict = 'eligible', outcomes = '[]'", True),
    ("DELETE FROM consortia_submission", True),
    # Writing the same values back changes nothing, and is let through.
    ("UPDATE consortia_submission SET snapshot = snapshot, withdrawn_at = NULL", False),
])
def test_postgresql_refuses_to_change_a_submission_or_delete_it(submission, statement, refused):
    before = Submission.objects.values().get(pk=submission.pk)
    if refused:
        with pytest.raises(DatabaseError, match="submissions are append-only"):
            execute(statement)
    else:
        execute(statement)

    assert Submission.objects.values().get(pk=submission.pk) == before


@postgresql_only
def test_postgresql_lets_the_withdrawal_be_recorded_once_and_never_changed(submission):
    applicant = submission.submitted_by
    execute("UPDATE consortia_submission SET withdrawn_at = %s, withdrawn_by_id = %s",
            timezone.now(), applicant.pk)

    with pytest.raises(DatabaseError, match="a withdrawal is recorded once"):
        execute("UPDATE consortia_submission SET withdrawn_at = now() + interval '1 day'")
    with pytest.raises(DatabaseError, match="a withdrawal is recorded once"):
        execute("UPDATE consortia_submission SET withdrawn_at = NULL, withdrawn_by_id = NULL")


@postgresql_only
def test_the_guards_are_django_pgtrigger_triggers_and_the_hand_written_ones_are_gone():
    with connection.cursor() as cursor:
        cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        names = {row[0] for row in cursor.fetchall()}

    for guard in ["submission_kept_as_submitted", "submission_withdrawal_is_final",
                  "submission_never_deleted", "review_append_only", "record_append_only"]:
        assert any(name.startswith(f"pgtrigger_{guard}_") for name in names), guard
    assert not {"reviews_review_append_only", "audit_event_append_only"} & names


def test_a_queryset_update_of_anything_but_the_withdrawal_is_refused_in_python(submission):
    with pytest.raises(SubmissionIsImmutable):
        Submission.objects.update(snapshot={"acronym": "FORGED"})
    with pytest.raises(SubmissionIsImmutable):
        Submission.objects.filter(pk=submission.pk).update(
            withdrawn_at=timezone.now(), submitted_at=timezone.now()
        )
    with pytest.raises(SubmissionIsImmutable):
        Submission.objects.all().delete()

    submission.refresh_from_db()
    assert submission.snapshot["acronym"] != "FORGED"


def test_a_queryset_update_of_the_withdrawal_alone_is_allowed(submission):
    changed = Submission.objects.filter(pk=submission.pk).update(
        withdrawn_at=timezone.now(), withdrawn_by=submission.submitted_by
    )

    assert changed == 1
