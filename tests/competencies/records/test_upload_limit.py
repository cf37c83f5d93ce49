"""A multipart body larger than UPLOAD_MAX_REQUEST_SIZE is refused before it is spooled: by
its Content-Length up front, and while reading when the length was missing or false."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import TrainingRecord
from competencies.siasn import DevelopmentType
from config.uploads import RequestSizeLimitUploadHandler

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 8000


@pytest.mark.parametrize(
    ("limit", "status", "records"),
    [(4 * 1024, 400, 0), (64 * 1024, 302, 1)],
    ids=["over-the-limit-refused-before-the-view", "under-the-limit-uploads"],
)
def test_the_upload_limit_applies_to_the_whole_body(
    org, client, home_page, settings, limit, status, records
):
    settings.UPLOAD_MAX_REQUEST_SIZE = limit
    employee = org.employee()
    client.force_login(employee.user)

    response = client.post(
        reverse("competencies:record_add"),
        {
            "title": "X", "organiser": "Y", "kind": f"{DevelopmentType.SEMINAR}:seminar",
            "started_on": "2026-04-01", "finished_on": "2026-04-01",
            "proof": SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf"),
        },
    )  # fmt: skip

    assert response.status_code == status
    assert TrainingRecord.objects.count() == records


def test_reading_stops_once_the_received_bytes_pass_the_limit(settings):
    settings.UPLOAD_MAX_REQUEST_SIZE = 1000
    handler = RequestSizeLimitUploadHandler()
    handler.handle_raw_input(None, {}, 10, b"boundary")  # a false Content-Length

    assert handler.receive_data_chunk(b"x" * 600, 0) == b"x" * 600
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"x" * 600, 600)
