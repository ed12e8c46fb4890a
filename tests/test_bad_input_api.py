"""Whatever body the API receives, it never answers 500: schemathesis generates requests from
the API's own OpenAPI description (/api/openapi.json), valid ones and ones that break it in
every way the description allows (wrong types, missing and extra fields, out-of-range
values), sends them through the application, and checks each answer against the description.

tests/test_api_properties.py adds arbitrary JSON values and arbitrary bytes (hypothesis).
"""
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
import pytest
import schemathesis
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

pytestmark = pytest.mark.django_db

EXAMPLES_PER_MODE = 150


# Read through the application, as a client reads it (no database is needed for it).
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
schema.config.generation.update(
    modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE], max_examples=EXAMPLES_PER_MODE,
)


@pytest.fixture(autouse=True)
def connection_kept_open_between_requests():
    """As Django's test client does: requests sent straight to the WSGI handler must not close
    the test's database connection, which holds the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
def test_no_request_the_description_allows_or_forbids_gets_a_server_error(case):
    # Every check schemathesis knows: no 5xx, only documented status codes and content
    # types, answers that match their described schema, requests that break the description
    # refused with 400. Not the check that every request the description allows is accepted:
    # the description gives the shape; the call, the regions and the members as a whole
    # (one coordinator, no organisation twice) are checked after it, with a 400 naming
    # every problem.
    case.call_and_validate(excluded_checks=[positive_data_acceptance])


@pytest.mark.parametrize("field, value", [
    (("project", "start_date"), 20181101), (("project", "start_date"), "20181101"),
    (("as_of",), 1520524800), (("as_of",), "1520524800.5"),
])
def test_a_date_or_instant_written_as_a_number_is_refused_not_read_as_seconds_since_1970(
    client, field, value
):
    body = {"call": "COS-CLUSTPARTNS-2017-3-02", "members": [{"name": "Cluster A"}],
            "project": {"acronym": "TEXS3"}}
    target = body
    for name in field[:-1]:
        target = target[name]
    target[field[-1]] = value

    response = client.post("/api/v1/eligibility-checks", body, content_type="application/json")

    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error.startswith(".".join(field) + ": must be a date")
