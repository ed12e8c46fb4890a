"""The migration that gives members a role keeps who coordinates: run backwards and forwards
on committed rows (PostgreSQL)."""
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
import pytest

from tests.committed_data import postgresql_only, transactional_db  # noqa: F401 (fixture)
from tests.consortium_factories import make_user

pytestmark = [pytest.mark.django_db, postgresql_only, pytest.mark.usefixtures("transactional_db")]

BEFORE = [("consortia", "0010_consortium_strand")]
AFTER = [("consortia", "0011_member_role_declarations_cost_categories")]


def test_coordinators_become_coordinators_and_partners_beneficiaries():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        # The accounts tables are not rolled back: today's model writes them.
        owner = make_user("migrated@example.org")
        call = old.get_model("calls", "Call").objects.get(reference="COS-CLUSTPARTNS-2017-3-02")
        consortium = old.get_model("consortia", "Consortium").objects.create(
            owner_id=owner.pk, call=call, acronym="OLD"
        )
        Member = old.get_model("consortia", "Member")
        Member.objects.create(consortium=consortium, name="Leader", is_coordinator=True)
        Member.objects.create(consortium=consortium, name="Partner", is_coordinator=False)

        MigrationExecutor(connection).migrate(AFTER)

        new = MigrationExecutor(connection).loader.project_state(AFTER).apps
        rows = new.get_model("consortia", "Member").objects.filter(consortium_id=consortium.pk)
        assert dict(rows.values_list("name", "role")) == {
            "Leader": "coordinator", "Partner": "beneficiary",
        }
        assert list(rows.values_list("declarations", flat=True)) == [[], []]
    finally:
        MigrationExecutor(connection).migrate(
            MigrationExecutor(connection).loader.graph.leaf_nodes()
        )
