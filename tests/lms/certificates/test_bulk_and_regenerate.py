"""HR's ZIP of many certificates (Celery job with progress, private file for the
requester only) and re-rendering PDFs after a template change (issued data unchanged)."""

from __future__ import annotations

import io
import zipfile

from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.models import HRScope
from lms.models import Certificate, CertificateBulkJob
from lms.services.certificate_pdfs import certificate_pdf_name
from lms.services.certificates import certificate_issue
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.lms.certificates.conftest import complete

pytestmark = pytest.mark.django_db


@pytest.fixture
def three(course, holder, unit):
    others = [EmployeeFactory(unit=unit).user for _ in range(2)]
    return [certificate_issue(enrolment_id=complete(u, course).pk) for u in (holder, *others)]


def _zip_names(response) -> list[str]:
    data = b"".join(response.streaming_content)
    return sorted(zipfile.ZipFile(io.BytesIO(data)).namelist())


def test_hr_builds_a_zip_of_a_course_and_downloads_it(
    client, three, course, hr_manager, django_capture_on_commit_callbacks
):
    client.force_login(hr_manager)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("lms_certificates:bulk_create"), {"course": course.pk})
    job = CertificateBulkJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("lms_certificates:bulk_detail", args=[job.pk])

    status = client.get(reverse("lms_certificates:bulk_status", args=[job.pk])).json()
    assert status["status"] == "done"
    assert (status["progress"], status["total"], status["percent"]) == (3, 3, 100)

    page = client.get(reverse("lms_certificates:bulk_detail", args=[job.pk])).content.decode()
    assert "lms/certificates/bulk-progress.js" in page
    assert "<script>" not in page.replace("<script src", "")  # no inline script (CSP)

    download = client.get(status["download_url"])
    assert download["Content-Type"] == "application/zip"
    names = _zip_names(download)
    assert len(names) == 3 and all(n.endswith(".pdf") for n in names)
    assert not job.file.name.startswith("certificates/") and str(job.pk) in job.file.name


def test_the_zip_is_served_only_to_the_requester(
    client, three, course, hr_manager, administrator, django_capture_on_commit_callbacks
):
    client.force_login(hr_manager)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lms_certificates:bulk_create"), {"course": course.pk})
    job = CertificateBulkJob.objects.get()

    for other in (administrator, UserFactory(roles=[Role.PENGELOLA_SDM])):
        client.force_login(other)
        for name in ("bulk_detail", "bulk_status", "bulk_download"):
            assert client.get(reverse(f"lms_certificates:{name}", args=[job.pk])).status_code in (
                403,
                404,
            )


def test_a_unit_zip_holds_only_the_scope_and_an_empty_choice_says_so(
    client, three, unit, django_capture_on_commit_callbacks
):
    elsewhere = OrgUnitFactory(name="Dinas Lain")
    scoped = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=scoped, unit=elsewhere)
    client.force_login(scoped)

    # The holder's unit is outside this manager's scope: not even offered.
    refused = client.post(reverse("lms_certificates:bulk_create"), {"unit": unit.pk})
    assert refused.status_code == 200 and not CertificateBulkJob.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("lms_certificates:bulk_create"), {"unit": elsewhere.pk})
    job = CertificateBulkJob.objects.get()
    assert job.status == CertificateBulkJob.Status.DONE and job.total == 0
    page = client.get(reverse("lms_certificates:bulk_detail", args=[job.pk])).content.decode()
    assert "no issued certificates" in page or "Tidak ada sertifikat" in page


def test_choose_a_course_or_a_unit(client, hr_manager, course, unit):
    client.force_login(hr_manager)
    response = client.post(
        reverse("lms_certificates:bulk_create"), {"course": course.pk, "unit": unit.pk}
    )
    assert response.status_code == 200
    assert not CertificateBulkJob.objects.exists()
    assert client.get(reverse("lms_certificates:bulk_create")).status_code == 200


def test_learners_cannot_request_zips(client, holder):
    client.force_login(holder)
    response = client.get(reverse("lms_certificates:bulk_create"))
    assert response.status_code in (302, 403)


SNAPSHOT = [
    "number", "code", "year", "sequence", "holder_name", "holder_nip", "course_title", "jp",
    "started_on", "completed_on", "issued_on", "valid_until", "competencies", "signer_name",
    "signer_nip", "signer_title", "place", "agency_name", "government_name", "language",
    "status", "issued_at",
]  # fmt: skip


def _snapshot(certificate):
    certificate.refresh_from_db()
    return {field: getattr(certificate, field) for field in SNAPSHOT}


def test_regenerating_rewrites_the_file_and_keeps_the_issued_data(three, holder):
    certificate = three[0]
    before = _snapshot(certificate)
    name = certificate_pdf_name(certificate=certificate)
    with default_storage.open(name, "wb") as handle:
        handle.write(b"old template")
    holder.first_name = "Nama Baru"  # later edits must not leak into the re-rendering
    holder.save()

    call_command("certificate_pdfs_regenerate", "--batch-size", "2")  # eager Celery

    assert _snapshot(certificate) == before
    assert Certificate.objects.count() == 3
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF") and b"Nama Baru" not in data
    assert certificate.pdf.name == name

    call_command("certificate_pdfs_regenerate", "--now")  # idempotent
    assert _snapshot(certificate) == before


def test_admin_action_regenerates_for_administrators_only(client, three, administrator, hr_manager):
    url = reverse("lms_certificates:regenerate")
    client.force_login(hr_manager)
    assert client.get(url).status_code in (302, 403)

    client.force_login(administrator)
    assert "3" in client.get(url).content.decode()
    name = certificate_pdf_name(certificate=three[1])
    with default_storage.open(name, "wb") as handle:
        handle.write(b"old")
    response = client.post(url)
    assert response.status_code == 302
    with default_storage.open(name, "rb") as handle:
        assert handle.read().startswith(b"%PDF")


def test_certificate_listing_offers_zip_and_regenerate(client, three, administrator):
    client.force_login(administrator)
    html = client.get(reverse("lms_certificates:index")).content.decode()
    assert reverse("lms_certificates:bulk_create") in html
    assert reverse("lms_certificates:regenerate") in html
