"""A consortium of a closed call is checked as of a day before the deadline on its page, as
the CLI and the API do with "as_of"."""
from django.urls import reverse
import pytest

from calls.models import Call
from tests.consortium_factories import make_consortium, make_user

pytestmark = pytest.mark.django_db

EUROCLUSTERS_2024 = "SMP-COSME-2024-CLUSTER-01"


def page(client, consortium, **query) -> str:
    client.force_login(consortium.owner)
    response = client.get(reverse("consortia:detail", args=[consortium.pk]), query)
    assert response.status_code == 200
    return response.content.decode()


def closed_call_consortium():
    call = Call.objects.get(reference="COS-CLUSTER-2018-03-02")
    return make_consortium(make_user(), call, duration_months=24, requested_grant="360000.00",
                           total_eligible_costs="480000.00")


def test_the_page_of_a_closed_call_offers_to_check_as_of_another_day(client):
    html = page(client, closed_call_consortium())

    assert "Check as of another day" in html
    assert "The deadline of 4 April 2019 17:00" in html  # checked now: closed


def test_checked_as_of_a_day_before_the_deadline_the_deadline_passes(client):
    html = page(client, closed_call_consortium(), as_of="2019-04-01")

    assert "The check below is made as of 1 April 2019" in html
    assert "before the deadline of 4 April 2019" in html
    assert "Check as of now" in html


def test_checking_as_of_a_past_day_never_offers_to_submit(client):
    html = page(client, closed_call_consortium(), as_of="2019-04-01")

    assert "Submit the consortium" not in html


def test_a_day_that_cannot_be_read_is_said_and_the_check_is_made_now(client):
    html = page(client, closed_call_consortium(), as_of="2019-02-30")

    assert "The deadline of 4 April 2019 17:00" in html
    assert "The check below is made as of" not in html


def test_a_family_call_with_strands_is_checked_as_of_a_day_before_its_deadline(client):
    call = Call.objects.get(reference=EUROCLUSTERS_2024)
    consortium = make_consortium(
        make_user(), call, strand=call.strands.get(code="1"), duration_months=36,
        requested_grant="2600000.00", total_eligible_costs="2800000.00",
        fstp_costs="2000000.00", other_costs="800000.00",
        members=[
            {"name": "Cluster Nord-Vest", "country": "RO", "organisation_type":
             "cluster_organisation", "is_coordinator": True},
            {"name": "Cluster Norte", "country": "PT", "organisation_type":
             "cluster_organisation"},
            {"name": "Netzwerk Dresden", "country": "DE", "organisation_type":
             "business_network"},
        ],
    )

    html = page(client, consortium, as_of="2025-01-15")

    assert "before the deadline of 5 February 2025 17:00" in html
    assert "Provisional: from zabala.eu" in html
