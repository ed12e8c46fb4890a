"""The migration that moves the calls' rule columns into their rules' options keeps every value,
and its reverse puts them back (run backwards and forwards on committed data)."""
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
import pytest

from calls.fixtures import call_fixtures_load, read_fixture_files, reference_fixture_paths
from calls.models import Call
from tests.committed_data import postgresql_only, transactional_db  # noqa: F401

pytestmark = [pytest.mark.django_db, postgresql_only, pytest.mark.usefixtures("transactional_db")]

BEFORE = [("calls", "0002_field_validators"), ("consortia", "0009_recheck_run")]
COLUMNS = [
    "max_grant", "cofinancing_rate", "min_duration_months", "max_duration_months",
    "start_window_from", "start_window_to", "min_entities", "min_countries",
    "allowed_organisation_types", "accepted_eccp_statuses", "qualifying_region_categories",
]


# The calls whose rules the old shape (one column per parameter on the call) can hold; the
# later calls of the family have strands and values not known, which it cannot.
OLD_SHAPE = ["COS-CLUSTPARTNS-2017-3-02", "COS-CLUSTER-2018-03-02"]


def options_of_every_call() -> dict:
    return {call.reference: call.options_by_code() for call in Call.objects.all()}


def test_the_rule_columns_go_back_to_the_call_and_return_to_the_rules_unchanged():
    before = options_of_every_call()
    after = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        executor = MigrationExecutor(connection)
        executor.migrate(BEFORE)
        OldCall = executor.loader.project_state(BEFORE).apps.get_model("calls", "Call")
        old = {
            row["reference"]: row
            for row in OldCall.objects.values("reference", *COLUMNS)
        }
        escp = old["COS-CLUSTPARTNS-2017-3-02"]
        assert (str(escp["max_grant"]), str(escp["cofinancing_rate"])) == ("350000.00", "0.7500")
        assert (escp["min_duration_months"], escp["max_duration_months"]) == (12, 24)
        assert escp["start_window_from"].isoformat() == "2018-11-01"
        assert escp["allowed_organisation_types"] == [
            "cluster_organisation", "business_network", "science_park", "technology_centre"
        ]
        assert old["COS-CLUSTER-2018-03-02"]["start_window_from"] is None

        MigrationExecutor(connection).migrate(after)

        returned = options_of_every_call()
        assert {reference: returned[reference] for reference in OLD_SHAPE} == {
            reference: before[reference] for reference in OLD_SHAPE
        }
    finally:
        MigrationExecutor(connection).migrate(after)
        # What the old shape cannot hold (provenance, Romanian references, strands, values
        # not known) comes back from the fixtures, as the next load_reference_data brings it.
        sources, _unreadable = read_fixture_files(reference_fixture_paths())
        assert call_fixtures_load(sources=sources).ok
    assert options_of_every_call() == before
