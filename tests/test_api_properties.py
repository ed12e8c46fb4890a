"""Whatever the body, the API answers 200 or 400, never 500 (hypothesis)."""
from datetime import timedelta, timezone
import json

from django.test import Client
from hypothesis import HealthCheck, given, settings, strategies as st
import pytest

pytestmark = pytest.mark.django_db

URL = "/api/v1/eligibility-checks"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
offsets = st.timedeltas(min_value=timedelta(hours=-23, minutes=-59),
                        max_value=timedelta(hours=23, minutes=59)).map(timezone)
instants = st.datetimes(timezones=offsets).map(lambda instant: instant.isoformat())
days = st.dates().map(lambda day: day.isoformat())
field_values = (
    instants | days | st.none() | st.booleans() | st.integers(min_value=-10**20, max_value=10**20)
    | st.floats() .map(lambda value: value if value == value else 0.5)
    | st.text(max_size=30)
    | st.sampled_from(["RO", "ro", "EL", "UK", "XK", "ZZ", "RO21", "EL11", "UA11", "GR11",
                       "cluster_organisation", "registered", "coordinator", "partner",
                       "2018-03-08T17:00:00+01:00", "2018-11-01", "350000.00", "-1", "1e400",
                       "COS-CLUSTPARTNS-2017-3-02", "COS-CLUSTER-2018-03-02"])
    | st.lists(st.integers(), max_size=2)
)
member_fields = ["name", "country", "region", "organisation_type", "eccp_status",
                 "eccp_profile_url", "role", "extra"]
project_fields = ["acronym", "duration_months", "start_date", "total_eligible_costs",
                  "requested_grant"]
near_valid = st.fixed_dictionaries(
    {"call": st.sampled_from(["COS-CLUSTPARTNS-2017-3-02", "cos-cluster-2018-03-02", "X"])
     | field_values,
     "members": st.lists(st.dictionaries(st.sampled_from(member_fields), field_values,
                                         max_size=8), max_size=5) | field_values},
    optional={"as_of": field_values,
              "project": st.dictionaries(st.sampled_from(project_fields), field_values)
              | field_values},
)


def post(body: bytes):
    return Client().post(URL, data=body, content_type="application/json")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_value_gets_200_or_400(value):
    response = post(json.dumps(value).encode())
    assert response.status_code in (200, 400)
    assert "errors" in response.json() or "verdict" in response.json()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(near_valid)
def test_nearly_valid_requests_get_200_or_400(document):
    response = post(json.dumps(document).encode())
    assert response.status_code in (200, 400), response.content


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=200))
def test_any_bytes_get_200_or_400(body):
    assert post(body).status_code in (200, 400)
