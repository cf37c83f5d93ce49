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
