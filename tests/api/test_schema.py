from __future__ import annotations

import re

from django.conf import settings
from django.contrib.staticfiles import finders

import pytest
from drf_spectacular.validation import validate_schema

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/employees/",
    "/api/v1/training-records/",
    "/api/v1/certificates/",
    "/api/v1/certificates/{id}/pdf/",
    "/api/v1/assessments/",
    "/api/v1/compliance/",
    "/api/v1/siasn/kursus/",
    "/api/v1/classroom/batches/",
    "/api/v1/classroom/sessions/",
    "/api/v1/classroom/participants/",
    "/api/v1/classroom/attendance/",
}


def test_the_schema_is_valid_openapi_3_and_lists_only_the_portal_api(client):
    response = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")

    assert response.status_code == 200
    document = response.json()
    validate_schema(document)  # against the OpenAPI 3.0 JSON schema
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) >= ENDPOINTS
    assert all(path.startswith("/api/v1/") for path in document["paths"])
    assert document["components"]["securitySchemes"]["tokenAuth"]["name"] == "Authorization"


def test_docs_page_loads_everything_from_the_portal_under_the_strict_csp(client):
    response = client.get("/api/v1/docs/")

    assert response.status_code == 200
    html = response.content.decode()
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "<style" not in html
    assert re.search(r"<script>", html) is None  # no inline script
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources)  # nothing from a CDN
    for source in sources:
        if source.startswith(settings.STATIC_URL):  # shipped by drf-spectacular-sidecar
            assert finders.find(source.removeprefix(settings.STATIC_URL)), source
    script = client.get("/api/v1/docs/", {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "/api/v1/schema/" in script.content.decode()


def test_operations_with_query_parameters_document_400_and_its_body(client, api):
    document = client.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    listing = document["paths"]["/api/v1/assessments/"]["get"]["responses"]
    shape = document["components"]["schemas"]["ValidationError"]

    assert listing["400"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ValidationError"
    }
    response = api.get("/api/v1/assessments/", {"year": "3000"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"year"}
    assert all(isinstance(m, str) for m in body["year"])
    assert shape["additionalProperties"] == {"type": "array", "items": {"type": "string"}}


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/employees/", {"updated_since": ""}),
        ("/api/v1/training-records/", {"year": ""}),
        ("/api/v1/compliance/", {"year": "0"}),
    ],
)
def test_values_the_schema_refuses_are_refused_with_400(api, url, query):
    response = api.get(url, query)

    assert response.status_code == 400
    assert set(response.json()) == set(query)


def test_a_page_size_that_is_not_an_integer_is_refused(api):
    response = api.get("/api/v1/employees/", {"page_size": "null"})

    assert response.status_code == 400
    assert set(response.json()) == {"page_size"}


@pytest.mark.parametrize(("value", "count"), [("true", 1), ("false", 0), ("1", 1)])
def test_is_active_takes_booleans_and_refuses_anything_else(api, employee, value, count):
    assert api.get("/api/v1/employees/", {"is_active": "null"}).status_code == 400

    response = api.get("/api/v1/employees/", {"is_active": value})

    assert response.status_code == 200
    assert len(response.json()["results"]) == count
