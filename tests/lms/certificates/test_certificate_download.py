from __future__ import annotations

from django.core.files.storage import default_storage
from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.models import HRScope
from lms.services.certificates import certificate_issue
from tests.factories.accounts import UserFactory
from tests.factories.competencies import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(completed):
    return certificate_issue(enrolment_id=completed.pk)


def _download(client, user, certificate, **params):
    if user is not None:
        client.force_login(user)
    return client.get(reverse("lms:certificate_download", args=[certificate.code]), params)


def test_pdf_is_generated_once_and_stored_under_certificates_year_code(certificate):
    name = certificate.pdf.name
    assert name.startswith(f"certificates/{certificate.year}/{certificate.code}-")
    # The public code alone does not give the file name (the PDF shows the full NIP).
    assert name != f"certificates/{certificate.year}/{certificate.code}.pdf"
    assert len(name.rsplit("-", 1)[1]) == len("0123456789abcdef0123.pdf")
    assert default_storage.exists(name)
    with default_storage.open(name, "rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    assert b"/FontFile2" in data  # the TrueType font is embedded


def test_holder_downloads_the_stored_pdf_as_an_attachment(client, certificate, holder):
    response = _download(client, holder, certificate)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    body = b"".join(response.streaming_content)
    with default_storage.open(certificate.pdf.name, "rb") as handle:
        assert body == handle.read()


def test_english_rendering_on_request(client, certificate, holder):
    response = _download(client, holder, certificate, lang="en")
    body = b"".join(response.streaming_content)
    assert response.status_code == 200
    assert body.startswith(b"%PDF-")
    assert "-en.pdf" in response["Content-Disposition"]


def test_a_copy_that_cannot_be_signed_now_says_so_instead_of_failing(
    client, certificate, holder, settings
):
    """A signed certificate's English copy is rendered and signed on request: when the
    signature cannot be made now (a TSA that does not answer; a BSrE gateway, which needs
    the signer's passphrase), the learner gets a clear message, not a server error, and
    the stored original still downloads."""
    from lms import signing

    assert certificate.signed_at is not None
    settings.LMS_PDF_SIGNING_TSA_URL = "http://127.0.0.1:9/tsa"  # discard port: refused
    settings.LMS_PDF_SIGNING_TSA_TIMEOUT = 1
    signing.reset()
    try:
        response = _download(client, holder, certificate, lang="en")
        assert response.status_code == 302
        assert response["Location"] == reverse("lms:dashboard")
        page = client.get(response["Location"]).content.decode()
        assert "belum dapat ditandatangani saat ini" in page
        assert _download(client, None, certificate).status_code == 200
    finally:
        signing.reset()


@pytest.mark.parametrize("who", ["supervisor", "hr_manager", "administrator"])
def test_supervisor_hr_and_administrators_may_download(client, certificate, request, who):
    user = request.getfixturevalue(who)
    if who == "supervisor":
        user = user.user
    assert _download(client, user, certificate).status_code == 200


@pytest.mark.parametrize("roles", [[Role.PESERTA], [Role.ATASAN], [Role.PELATIH]])
def test_others_get_404(client, certificate, roles):
    assert _download(client, UserFactory(roles=roles), certificate).status_code == 404


def test_hr_manager_outside_the_holders_unit_gets_404(client, certificate):
    scoped = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=scoped, unit=OrgUnitFactory(name="Dinas Lain"))
    assert _download(client, scoped, certificate).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, certificate):
    response = _download(client, None, certificate)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_a_lost_pdf_is_regenerated_from_the_snapshot(client, certificate, holder):
    default_storage.delete(certificate.pdf.name)
    assert not default_storage.exists(certificate.pdf.name)

    response = _download(client, holder, certificate)

    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert default_storage.exists(certificate.pdf.name)


def test_dashboard_links_the_certificate_of_a_completed_course(client, certificate, holder):
    client.force_login(holder)
    response = client.get(reverse("lms:dashboard"))
    url = reverse("lms:certificate_download", args=[certificate.code])
    assert f'href="{url}"' in response.content.decode()
