"""A certificate keeps the logo and signature it was issued with: re-rendering its PDF
after the agency changed them prints the originals (the snapshot), not today's."""

from __future__ import annotations

from django.core.files.storage import default_storage
from django.core.management import call_command

from wagtail.images.models import Image
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

import pytest

from competencies.models import AgencySettings
from lms.models import Certificate
from lms.selectors.certificates import certificate_ids_for_regeneration
from lms.services.certificate_pdfs import certificate_pdf_regenerate, certificate_pdfs_regenerate
from lms.services.certificates import certificate_issue
from tests.factories.accounts import UserFactory
from tests.lms.certificates.conftest import complete


@pytest.fixture(autouse=True)
def _signing_off(settings):
    """The scanned signature image is printed only when PDFs are not signed
    electronically (LMS_PDF_SIGNER empty); with a PAdES signature its place is the
    visible signature block (tests/lms/certificates/test_pades.py)."""
    settings.LMS_PDF_SIGNER = ""


pytestmark = pytest.mark.django_db


def _image(title: str, colour: str) -> Image:
    return Image.objects.create(
        title=title, file=get_test_image_file(filename=f"{title}.png", colour=colour)
    )


def _agency_images(*, signature: Image, logo: Image | None = None) -> None:
    agency = AgencySettings.for_site(Site.objects.get(is_default_site=True))
    agency.signature = signature
    agency.logo = logo
    agency.save()


def _read(name: str) -> bytes:
    with default_storage.open(name, "rb") as handle:
        return handle.read()


@pytest.fixture
def original_signature(course):
    signature = _image("ttd-lama", "white")
    _agency_images(signature=signature, logo=_image("logo", "blue"))
    return signature


def test_regenerating_after_a_signature_change_prints_the_original(
    original_signature, holder, course
):
    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)
    signature_name = certificate.image_files["signature"]
    assert signature_name.startswith("certificate-images/")
    with original_signature.file.open("rb") as handle:
        assert _read(signature_name) == handle.read()
    issued_pdf = _read(certificate.pdf.name)

    new_signature = _image("ttd-baru", "red")
    _agency_images(signature=new_signature)  # and no logo any more
    original_signature.delete()  # the old image may even be deleted from Wagtail

    assert certificate_pdfs_regenerate(certificate_ids=[certificate.pk]) == 1

    # The renderer is deterministic: the same snapshot and images give the same bytes.
    assert _read(certificate.pdf.name) == issued_pdf
    # A certificate issued now carries the new signature, and prints differently.
    later = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)
    assert later.image_files["signature"] != signature_name
    assert later.image_files["logo"] == ""
    with new_signature.file.open("rb") as handle:
        assert _read(later.image_files["signature"]) == handle.read()


def test_the_image_is_stored_once_for_many_certificates(original_signature, course):
    first = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)
    second = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)

    assert first.image_files == second.image_files
    _dirs, files = default_storage.listdir("certificate-images")
    assert len(files) == 2  # the logo and the signature


def test_certificates_without_recorded_images_are_not_rerendered(original_signature, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(image_files=None)  # issued earlier
    certificate.refresh_from_db()
    stored = _read(certificate.pdf.name)

    assert certificate_ids_for_regeneration() == []
    assert certificate_pdf_regenerate(certificate=certificate) is None
    assert _read(certificate.pdf.name) == stored

    call_command("certificate_pdfs_regenerate", "--now", "--adopt-current-images")
    certificate.refresh_from_db()
    assert certificate.image_files["signature"].startswith("certificate-images/")
    assert certificate_ids_for_regeneration() == [certificate.pk]


def test_a_lost_image_file_keeps_the_stored_pdf(original_signature, certificate):
    stored = _read(certificate.pdf.name)
    default_storage.delete(certificate.image_files["signature"])

    assert certificate_pdfs_regenerate(certificate_ids=[certificate.pk]) == 0
    assert _read(certificate.pdf.name) == stored
