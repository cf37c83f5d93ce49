"""Property-based contract test of /api/v1/: schemathesis generates requests from the
OpenAPI schema the app serves, in-process through WSGI with a service account's token, and
runs every one of its checks on each answer: no server error, every status code documented
(400 for refused query parameters too), every body and header as documented. All phases it
runs under pytest (examples, coverage with its invalid values, fuzzing), derandomised, and
bounded (10 fuzzing examples per operation) so it runs in `make test` in under two minutes,
offline."""

from __future__ import annotations

import datetime

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from competencies.models import Assessment
from tests.api.conftest import api_token_for, make_record
from tests.factories.competencies import CompetencyFactory

pytestmark = pytest.mark.django_db


# Loaded from the app itself, through WSGI (the schema view needs no database). Not
# schemathesis.pytest.from_fixture: it breaks on pytest 9 (Node._nodeid is gone).
schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", get_wsgi_application())
# Unknown query parameters are ignored, as DRF does and docs/api.md says, so a request
# that only adds one is not a negative case.
schema.config.generation.update(allow_extra_parameters=False)


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
    return api_token_for(service_user)


@schema.parametrize()
@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_honours_its_schema(case, api_data):
    # Every check schemathesis has (no `checks=`: all of them, including that each status
    # code is documented, e.g. 400 for an invalid query parameter), in every phase it runs
    # under pytest (examples, coverage, fuzzing; positive and negative data).
    case.call_and_validate(headers={"Authorization": f"Token {api_data}"})
