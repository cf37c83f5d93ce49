"""Revoking a certificate takes its training record (riwayat diklat) out of the approved
set: the JP stops counting, the SIASN export leaves it out and the change hook (webhook)
fires; a reissue approves it again with the new number."""

from __future__ import annotations

import pytest

from accounts.roles import Role
from competencies.models import TrainingRecord
from competencies.selectors.jp import jp_by_employee
from lms.models import Certificate
from lms.services.certificates import certificate_issue, certificate_reissue, certificate_revoke
from tests.api.conftest import token_client
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

CHANGED: list[int] = []


def record_changed(*, record_id: int) -> None:
    CHANGED.append(record_id)


@pytest.fixture(autouse=True)
def _record_hook(settings, monkeypatch):
    monkeypatch.setattr("competencies.webhooks.record_changed", record_changed)
    settings.API_THROTTLE_RATE = "10000/minute"
    settings.API_WEBHOOK_URL = ""
    CHANGED.clear()


def _jp(holder, certificate):
    return jp_by_employee(year=certificate.completed_on.year, employee_ids=[holder.employee.pk])


def _siasn_numbers() -> list[str]:
    api = token_client(UserFactory(roles=[Role.LAYANAN_API]))
    response = api.get("/api/v1/siasn/kursus/")
    assert response.status_code == 200
    return [row["nomorSertipikat"] for row in response.json()["results"]]


def test_revoking_withdraws_the_training_record(
    certificate, holder, hr_manager, django_capture_on_commit_callbacks
):
    record = TrainingRecord.objects.get(source_key=f"enrolment:{certificate.enrolment_id}")
    assert record.status == TrainingRecord.Status.APPROVED
    assert _jp(holder, certificate) == {holder.employee.pk: certificate.jp}
    assert _siasn_numbers() == [certificate.number]

    with django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(
            certificate=certificate,
            actor=hr_manager,
            reason="Daftar hadir dipalsukan (nota internal)",
            category=Certificate.RevocationCategory.WITHDRAWN,
        )

    record.refresh_from_db()
    assert record.status == TrainingRecord.Status.REJECTED
    assert record.decided_by == hr_manager
    assert certificate.number in record.decision_note
    assert "nota internal" not in record.decision_note  # the public category only
    assert _jp(holder, certificate) == {}
    assert _siasn_numbers() == []
    assert record.pk in CHANGED  # the webhook hook fired after commit


def test_a_late_issue_retry_does_not_approve_a_revoked_record_again(
    certificate, completed, hr_manager
):
    certificate_revoke(certificate=certificate, actor=hr_manager, reason="Salah data")

    assert certificate_issue(enrolment_id=completed.pk).status == Certificate.Status.REVOKED

    record = TrainingRecord.objects.get(source_key=f"enrolment:{completed.pk}")
    assert record.status == TrainingRecord.Status.REJECTED


def test_reissuing_a_revoked_certificate_approves_one_record_with_the_new_number(
    certificate, holder, hr_manager
):
    certificate_revoke(certificate=certificate, actor=hr_manager, reason="Salah data")

    new = certificate_reissue(certificate=certificate, actor=hr_manager, reason="Diperbaiki")

    records = TrainingRecord.objects.filter(employee=holder.employee)
    assert list(records.values_list("status", "certificate_number")) == [
        (TrainingRecord.Status.APPROVED, new.number)
    ]
    assert _jp(holder, new) == {holder.employee.pk: new.jp}
    assert _siasn_numbers() == [new.number]


def test_reissuing_a_valid_certificate_keeps_one_approved_record(certificate, holder, hr_manager):
    new = certificate_reissue(certificate=certificate, actor=hr_manager, reason="Nama salah")

    records = TrainingRecord.objects.filter(employee=holder.employee)
    assert list(records.values_list("status", "certificate_number")) == [
        (TrainingRecord.Status.APPROVED, new.number)
    ]
    assert _siasn_numbers() == [new.number]
