"""The database refuses a value outside a choice field's choices, whatever writes it."""
from django.db import IntegrityError, transaction
import pytest

from audit.models import Action, Event
from calls.models import EccpStatus, OrganisationType
from consortia.models import Consortium, Member
from tests.consortium_factories import make_consortium, make_user

pytestmark = pytest.mark.django_db

CHOICE_FIELDS = [
    # (model, field, the values it may hold, a value it may not)
    (Consortium, "status", Consortium.Status.values, "archived"),
    (Member, "organisation_type", ["", *OrganisationType.values], "university"),
    (Member, "eccp_status", ["", *EccpStatus.values], "pending"),
]
CONSTRAINT_NAMES = {
    "status": "consortium_status_known",
    "organisation_type": "member_organisation_type_known",
    "eccp_status": "member_eccp_status_known",
}


def rows_of(model) -> list:
    consortium = make_consortium(make_user())
    return [consortium] if model is Consortium else list(consortium.members.all())


@pytest.mark.parametrize(("model", "field", "allowed", "refused"), CHOICE_FIELDS)
def test_the_database_refuses_a_value_that_is_not_one_of_the_choices(
    model, field, allowed, refused
):
    row = rows_of(model)[0]

    with pytest.raises(IntegrityError, match=CONSTRAINT_NAMES[field]), transaction.atomic():
        model.objects.filter(pk=row.pk).update(**{field: refused})


@pytest.mark.parametrize(("model", "field", "allowed", "refused"), CHOICE_FIELDS)
def test_the_database_takes_every_one_of_the_choices(model, field, allowed, refused):
    row = rows_of(model)[0]

    for value in allowed:
        model.objects.filter(pk=row.pk).update(**{field: value})
        assert model.objects.values_list(field, flat=True).get(pk=row.pk) == value


def test_the_record_refuses_an_entry_whose_action_is_not_one_of_the_actions():
    with pytest.raises(IntegrityError, match="event_action_known"), transaction.atomic():
        Event.objects.create(action="consortium_deleted")

    assert not Event.objects.filter(action="consortium_deleted").exists()
    assert Event.objects.create(action=Action.CONSORTIUM_CREATED).pk is not None
