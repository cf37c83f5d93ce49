"""An external-record form that fails validation keeps the proof file the employee chose:
browsers cannot refill a file input, so the server holds the upload and the form says so."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import TrainingRecord
from competencies.siasn import DevelopmentType

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _data(**overrides):
    data = {
        "title": "Seminar Keterbukaan Informasi", "organiser": "Komisi Informasi Kaltim",
        "kind": f"{DevelopmentType.SEMINAR}:seminar", "started_on": "2026-04-02",
        "finished_on": "2026-04-01",
    }  # fmt: skip
    data.update(overrides)
    return data


def _held_token(html: str) -> str:
    match = re.search(r'name="proof_held"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="proof_held"', html
    )
    assert match, html[html.find("<form") :][:3000]
    return match.group(1)


def test_proof_survives_a_validation_error_and_is_saved_with_the_record(org, client, home_page):
    employee = org.employee()
    client.force_login(employee.user)
    url = reverse("competencies:record_add")

    first = client.post(
        url, _data(proof=SimpleUploadedFile("sertifikat-ki.pdf", PDF, "application/pdf"))
    )
    assert first.status_code == 200
    html = first.content.decode()
    assert "sertifikat-ki.pdf" in html  # the form names the kept file
    token = _held_token(html)

    second = client.post(url, _data(finished_on="2026-04-03", proof_held=token))
    assert second.status_code == 302
    record = TrainingRecord.objects.get(employee=employee)
    with record.proof.open("rb") as stored:
        assert stored.read() == PDF


def test_a_held_proof_cannot_be_used_by_someone_else(org, client, home_page):
    owner, other = org.employee(), org.employee()
    client.force_login(owner.user)
    url = reverse("competencies:record_add")
    token = _held_token(
        client.post(
            url, _data(proof=SimpleUploadedFile("s.pdf", PDF, "application/pdf"))
        ).content.decode()
    )

    client.force_login(other.user)
    response = client.post(url, _data(finished_on="2026-04-03", proof_held=token))
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()


def test_a_new_file_replaces_the_held_one(org, client, home_page):
    employee = org.employee()
    client.force_login(employee.user)
    url = reverse("competencies:record_add")
    token = _held_token(
        client.post(
            url, _data(proof=SimpleUploadedFile("a.pdf", PDF, "application/pdf"))
        ).content.decode()
    )
    newer = PDF + b"% newer\n"

    response = client.post(
        url,
        _data(finished_on="2026-04-03", proof_held=token,
              proof=SimpleUploadedFile("b.pdf", newer, "application/pdf")),
    )  # fmt: skip
    assert response.status_code == 302
    with TrainingRecord.objects.get(employee=employee).proof.open("rb") as stored:
        assert stored.read() == newer


def test_held_proofs_older_than_a_day_are_deleted(org):
    import datetime

    from django.core.files.storage import default_storage
    from django.utils import timezone

    from competencies.services.proofs import proof_hold
    from competencies.tasks import held_proofs_delete_expired

    held = proof_hold(employee=org.employee(), upload=SimpleUploadedFile("s.pdf", PDF))
    assert held_proofs_delete_expired() == 0
    assert default_storage.exists(held.path)

    from competencies.services import proofs

    assert proofs.held_proofs_delete_expired(now=timezone.now() + datetime.timedelta(days=2)) == 1
    assert not default_storage.exists(held.path)
