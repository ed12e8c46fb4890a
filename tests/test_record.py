"""The record is append-only: entries can be added, never changed or deleted."""
from django.db import DatabaseError, connection, transaction
import pytest

from audit.models import Action, Event
from audit.services import event_record
from calls.models import Call

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry():
    return event_record(action=Action.CALL_UPDATED, call=Call.objects.first(), details={"n": 1})


def test_an_entry_cannot_be_changed_through_the_application(entry):
    entry.details = {"n": 2}
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=entry.pk).update(details={})


def test_an_entry_cannot_be_deleted_through_the_application(entry):
    with pytest.raises(PermissionError):
        entry.delete()
    with pytest.raises(PermissionError):
        Event.objects.filter(pk=entry.pk).delete()
    assert Event.objects.filter(pk=entry.pk).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the trigger exists on PostgreSQL only"
)
def test_postgresql_itself_refuses_to_change_or_delete_an_entry(entry):
    for statement in ("UPDATE audit_event SET details = '{}'", "DELETE FROM audit_event"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute(statement)


def test_an_anonymous_actor_is_recorded_as_nobody(entry):
    from django.contrib.auth.models import AnonymousUser

    event = event_record(action=Action.CALL_LOADED, actor=AnonymousUser())
    assert event.actor is None
