"""Property-based contract test of /api/v1/ (issue 9, item 4): schemathesis generates
requests from the OpenAPI schema the app serves and checks that none ends in a server
error and that every documented response matches the schema. Bounded (25 derandomised
examples per operation) so it runs in `make test`."""

from __future__ import annotations

import datetime

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
)

from competencies.models import Assessment
from tests.api.conftest import make_record
from tests.factories.competencies import CompetencyFactory

pytestmark = pytest.mark.django_db


# Loaded from the app itself, through WSGI (the schema view needs no database). Not
# schemathesis.pytest.from_fixture: it breaks on pytest 9 (Node._nodeid is gone).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """Django's WSGI handler closes the database connection after each request, which
    would end the test's transaction on PostgreSQL; Django's test Client disconnects it in the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(service_user, employee, outsider, home_page):
    make_record(employee)
    make_record(outsider, status="submitted")
    Assessment.objects.create(
        employee=employee,
        competency=CompetencyFactory(),
        level=3,
        method=Assessment.Method.SUPERVISOR,
        assessed_on=datetime.date(2026, 2, 1),
    )
    return Token.objects.create(user=service_user).key


@schema.parametrize()
@settings(
    max_examples=25,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_schema(case, api_data):
    case.call_and_validate(
        headers={"Authorization": f"Token {api_data}"},
        checks=[not_a_server_error, response_schema_conformance, content_type_conformance],
    )
