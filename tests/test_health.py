from unittest import mock

from django.db import DatabaseError
import pytest

pytestmark = pytest.mark.django_db


def test_the_health_endpoint_answers_ok_when_the_database_answers(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_the_health_endpoint_answers_503_when_the_database_does_not(client):
    with mock.patch("config.views.connection.cursor", side_effect=DatabaseError("down")):
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"
