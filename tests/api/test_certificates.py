from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.storage import default_storage
from django.utils import timezone

import pytest

from lms.models import Enrolment
from lms.services.certificates import certificate_issue
from tests.api.conftest import token_client
from tests.factories.lms import CourseIndexPageFactory, CoursePageFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _issue(user, course):
    now = timezone.now()
    enrolment = EnrolmentFactory(
        user=user,
        course=course,
        status=Enrolment.Status.COMPLETED,
        enrolled_at=now - datetime.timedelta(days=3),
        completed_at=now,
        jp_earned=Decimal("4"),
        progress_percent=100,
    )
    return certificate_issue(enrolment_id=enrolment.pk)


@pytest.fixture
def course(home_page):
    index = CourseIndexPageFactory(parent=home_page)
    return CoursePageFactory(parent=index, title="Pelayanan Prima")


@pytest.fixture
def certificate(employee, course):
    return _issue(employee.user, course)


@pytest.fixture
def outsider_certificate(outsider, course):
    return _issue(outsider.user, course)


def test_certificates_list_shows_status_urls_and_snapshot(api, certificate):
    rows = api.get("/api/v1/certificates/").json()["results"]

    assert len(rows) == 1
    row = rows[0]
    assert row["number"] == certificate.number
    assert row["status"] == "issued"
    assert row["verification_status"] == "valid"
    assert row["holder_name"] == "Rina Lestari, S.Kep."
    assert row["course_title"] == "Pelayanan Prima"
    assert row["jp"] == "4.0"
    assert row["verify_url"] == f"http://testserver/verify/{certificate.code}/"
    assert row["pdf_url"] == f"http://testserver/api/v1/certificates/{certificate.pk}/pdf/"


def test_the_same_token_downloads_the_stored_pdf(api, certificate):
    pdf_url = api.get("/api/v1/certificates/").json()["results"][0]["pdf_url"]

    response = api.get(pdf_url)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        assert response.content == handle.read()


def test_pdf_download_answers_accept_application_pdf(api, certificate):
    response = api.get(f"/api/v1/certificates/{certificate.pk}/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF-")


def test_pdf_needs_a_token(certificate, client):
    assert client.get(f"/api/v1/certificates/{certificate.pk}/pdf/").status_code == 401


def test_a_scoped_account_cannot_download_a_certificate_outside_its_scope(
    scoped_service_user, certificate, outsider_certificate
):
    api = token_client(scoped_service_user)

    assert api.get(f"/api/v1/certificates/{certificate.pk}/pdf/").status_code == 200
    assert api.get(f"/api/v1/certificates/{outsider_certificate.pk}/pdf/").status_code == 404
    listed = [r["id"] for r in api.get("/api/v1/certificates/").json()["results"]]
    assert listed == [certificate.pk]


def test_certificate_list_query_count_does_not_grow_with_rows(api, course, division):
    from tests.factories.competencies import EmployeeFactory
    from tests.perf.queries import assert_constant_queries, page_get

    def issue_three_more():
        for _ in range(3):
            _issue(EmployeeFactory(unit=division).user, course)

    _issue(EmployeeFactory(unit=division).user, course)
    certificates = page_get(api, "/api/v1/certificates/")
    assert_constant_queries(certificates, grow=issue_three_more)
    assert len(certificates().json()["results"]) == 4


def test_errors_of_the_pdf_endpoint_are_json(api):
    response = api.get("/api/v1/certificates/999999/pdf/", HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert "detail" in response.json()


def test_revoked_certificate_shows_the_public_category_not_hrs_reason(api, certificate, settings):
    from accounts.roles import Role
    from lms.models import Certificate
    from lms.services.certificates import certificate_revoke
    from tests.factories.accounts import UserFactory

    certificate_revoke(
        certificate=certificate,
        actor=UserFactory(roles=[Role.ADMINISTRATOR]),
        reason="Pemalsuan daftar hadir oleh peserta; lihat nota dinas 12/2026",
        category=Certificate.RevocationCategory.DATA_ERROR,
    )

    response = api.get("/api/v1/certificates/")
    row = response.json()["results"][0]

    assert row["status"] == "revoked"
    assert row["revocation_category"] == "data_error"
    assert "revocation_reason" not in row
    assert "Pemalsuan" not in response.content.decode()
