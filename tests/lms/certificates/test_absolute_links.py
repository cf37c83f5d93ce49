"""Certificate QR codes and Open Badges ids carry the portal's address (the setting and
`make run` are tested in tests/config/test_base_url.py)."""

from __future__ import annotations

import pytest

from lms.services.certificate_pdfs import certificate_data
from lms.services.certificates import certificate_issue
from lms.services.credentials import credential_ob3
from tests.lms.certificates.conftest import complete

BASE = "https://diklat.example.go.id:8443"


@pytest.fixture
def portal_address(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE + "/"
    settings.LMS_CERTIFICATE_BASE_URL = ""
    return BASE


@pytest.mark.django_db
def test_certificate_qr_code_and_credential_ids_use_the_portal_address(
    portal_address, course, holder
):
    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)

    data = certificate_data(certificate=certificate)
    credential = credential_ob3(certificate=certificate)

    assert data.verify_url == f"{BASE}/verify/{certificate.code}/"
    assert credential["id"].startswith(f"{BASE}/verify/{certificate.code}/")
    assert "127.0.0.1:8000" not in str(credential)
