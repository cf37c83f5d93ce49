"""Uploads: Wagtail documents refuse extensions outside WAGTAILDOCS_EXTENSIONS, and
/documents/ never serves HTML or SVG inline (WAGTAILDOCS_INLINE_CONTENT_TYPES: PDF
only), so an uploaded file cannot run script in the portal's origin."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.documents.models import Document
from wagtail.models import Collection

import pytest

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

HTML = b"<!DOCTYPE html><script>alert(document.cookie)</script>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.mark.parametrize("filename", ["serangan.html", "gambar.svg", "skrip.js", "program.exe"])
def test_document_upload_refuses_a_disallowed_extension(client, filename):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Berkas",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile(filename, HTML),
        },
    )

    assert response.status_code == 200  # the form again, with its error
    assert response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_document_upload_accepts_an_allowed_extension(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))

    response = client.post(
        "/admin/documents/add/",
        {
            "title": "Panduan",
            "collection": Collection.get_first_root_node().pk,
            "file": SimpleUploadedFile("panduan.pdf", b"%PDF-1.4\n%%EOF\n"),
        },
    )

    assert response.status_code == 302
    assert Document.objects.get().title == "Panduan"


def _stored(filename: str, content: bytes) -> Document:
    """A document saved without the upload form, as an import or an older rule might."""
    return Document.objects.create(title=filename, file=ContentFile(content, name=filename))


@pytest.mark.parametrize(
    ("filename", "content", "content_type"),
    [
        ("halaman.html", HTML, "text/html"),
        ("gambar.svg", SVG, "image/svg+xml"),
        ("catatan.txt", b"teks biasa", "text/plain"),
    ],
)
def test_served_documents_other_than_pdf_are_attachments(client, filename, content, content_type):
    document = _stored(filename, content)

    response = client.get(document.url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'"


def test_served_pdf_may_open_inline(client):
    document = _stored("panduan.pdf", b"%PDF-1.4\n%%EOF\n")

    response = client.get(document.url)

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
