from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import TrainingRecord
from competencies.selectors.jp import jp_by_employee
from competencies.services.records import (
    training_record_approve,
    training_record_from_course,
    training_record_reject,
    training_record_submit,
    training_record_withdraw,
)
from competencies.siasn import DevelopmentType

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _external(employee, *, actor=None, jp="8", finished=datetime.date(2026, 3, 10), **kwargs):
    return training_record_submit(
        actor=actor or employee.user, employee=employee, title="Bimtek Standar Pelayanan",
        organiser="BPSDM Provinsi Kalimantan Timur",
        development_type=DevelopmentType.BIMBINGAN_TEKNIS,
        started_on=finished - datetime.timedelta(days=2), finished_on=finished, jp=Decimal(jp),
        **kwargs,
    )  # fmt: skip


def test_external_record_counts_only_once_hr_approves(org):
    employee = org.employee()
    record = _external(employee, proof=SimpleUploadedFile("sertifikat.pdf", PDF))
    assert record.status == TrainingRecord.Status.SUBMITTED
    assert record.proof.name.startswith("records/") and "sertifikat" not in record.proof.name
    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {}

    training_record_approve(actor=org.hr, record=record)

    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal("8.0")}


def test_jp_is_summed_per_calendar_year(org):
    employee = org.employee()
    for jp, finished in (
        ("8", datetime.date(2026, 1, 5)),
        ("4.5", datetime.date(2026, 12, 31)),
        ("20", datetime.date(2025, 12, 31)),
    ):
        training_record_approve(actor=org.hr, record=_external(employee, jp=jp, finished=finished))

    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal("12.5")}
    assert jp_by_employee(year=2025, employee_ids=[employee.pk]) == {employee.pk: Decimal("20.0")}


def test_rejection_needs_a_reason_and_only_hr_in_scope_decides(org):
    employee = org.employee(unit=org.unit_b)
    record = _external(employee)
    with pytest.raises(ValidationError):
        training_record_reject(actor=org.hr, record=record, note="")
    with pytest.raises(PermissionDenied):
        training_record_approve(actor=org.scoped_hr, record=record)
    with pytest.raises(PermissionDenied):
        training_record_approve(actor=employee.user, record=record)

    training_record_reject(actor=org.hr, record=record, note="Sertifikat tidak terbaca.")

    record.refresh_from_db()
    assert (record.status, record.decision_note) == ("rejected", "Sertifikat tidak terbaca.")


def test_employee_cannot_submit_for_someone_else(org):
    me, other = org.employee(), org.employee()
    with pytest.raises(PermissionDenied):
        _external(other, actor=me.user)


def test_end_before_start_is_refused(org):
    employee = org.employee()
    with pytest.raises(ValidationError):
        training_record_submit(
            actor=employee.user, employee=employee, title="X", organiser="Y",
            development_type=DevelopmentType.SEMINAR, started_on=datetime.date(2026, 5, 2),
            finished_on=datetime.date(2026, 5, 1), jp=Decimal(2),
        )  # fmt: skip


def test_course_record_is_created_once_whatever_the_number_of_calls(org):
    employee = org.employee()
    kwargs = dict(
        employee=employee, source_key="enrolment:1", title="Pelayanan Prima", organiser="BKPSDM",
        development_type=DevelopmentType.E_LEARNING, started_on=datetime.date(2026, 2, 1),
        finished_on=datetime.date(2026, 2, 3), jp=Decimal(12),
    )  # fmt: skip

    first = training_record_from_course(**kwargs)
    second = training_record_from_course(**kwargs, certificate_number="00001/BKPSDM-BTG/2026")

    assert first.pk == second.pk
    assert TrainingRecord.objects.count() == 1
    assert second.certificate_number == "00001/BKPSDM-BTG/2026"
    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal("12.0")}


def test_withdrawn_course_record_stops_counting_and_a_new_number_restores_it(org):
    employee = org.employee()
    kwargs = dict(
        employee=employee, source_key="enrolment:7", title="Pelayanan Prima", organiser="BKPSDM",
        development_type=DevelopmentType.E_LEARNING, started_on=datetime.date(2026, 2, 1),
        finished_on=datetime.date(2026, 2, 3), jp=Decimal(12),
    )  # fmt: skip
    record = training_record_from_course(**kwargs, certificate_number="00001/BKPSDM-BTG/2026")

    withdrawn = training_record_withdraw(record=record, reason="Sertifikat dicabut.")
    again = training_record_withdraw(record=record, reason="Lagi.")  # idempotent

    assert withdrawn.status == again.status == TrainingRecord.Status.REJECTED
    assert again.decision_note == "Sertifikat dicabut."
    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {}
    # The same number (a late retry of the revoked certificate) does not restore it...
    training_record_from_course(**kwargs, certificate_number="00001/BKPSDM-BTG/2026")
    assert TrainingRecord.objects.get().status == TrainingRecord.Status.REJECTED
    # ...a new certificate (reissue) does.
    restored = training_record_from_course(**kwargs, certificate_number="00002/BKPSDM-BTG/2026")
    assert restored.status == TrainingRecord.Status.APPROVED
    assert restored.decision_note == ""
    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal("12.0")}


def test_jp_selector_is_one_query(org, django_assert_num_queries):
    employees = [org.employee() for _ in range(3)]
    for e in employees:
        training_record_approve(actor=org.hr, record=_external(e))

    with django_assert_num_queries(1):
        jp_by_employee(year=2026, employee_ids=[e.pk for e in employees])


def test_employee_adds_a_record_with_proof_through_the_page(org, client, home_page):
    employee = org.employee()
    client.force_login(employee.user)

    response = client.post(
        reverse("competencies:record_add"),
        {
            "title": "Seminar Keterbukaan Informasi", "organiser": "Komisi Informasi Kaltim",
            "kind": f"{DevelopmentType.SEMINAR}:seminar", "started_on": "2026-04-01",
            "finished_on": "2026-04-01", "certificate_number": "KI/2026/17",
            "proof": SimpleUploadedFile("bukti.pdf", PDF, content_type="application/pdf"),
        },
    )  # fmt: skip

    assert response.status_code == 302
    record = TrainingRecord.objects.get(employee=employee)
    assert record.status == TrainingRecord.Status.SUBMITTED
    assert record.jp == 4  # a one-day seminar, by the JP conversion table
    html = client.get(reverse("competencies:records")).content.decode()
    assert "Seminar Keterbukaan Informasi" in html, html[html.find("<main") :][:3000]
    assert "Menunggu persetujuan" in html


def test_a_proof_that_is_not_what_its_name_says_is_refused(org, client, home_page):
    employee = org.employee()
    client.force_login(employee.user)

    response = client.post(
        reverse("competencies:record_add"),
        {
            "title": "X", "organiser": "Y", "kind": f"{DevelopmentType.SEMINAR}:seminar",
            "started_on": "2026-04-01", "finished_on": "2026-04-01",
            "proof": SimpleUploadedFile("bukti.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf"),
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()


def test_proof_is_served_to_the_owner_and_hr_but_not_to_others(org, client, home_page):
    owner, stranger = org.employee(), org.employee()
    record = _external(owner, proof=SimpleUploadedFile("s.pdf", PDF))
    url = reverse("competencies:record_proof", args=[record.pk])

    client.force_login(stranger.user)
    assert client.get(url).status_code == 404
    client.force_login(owner.user)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    client.force_login(org.hr)
    assert client.get(url).status_code == 200


def test_hr_decides_a_record_in_the_admin_and_scope_applies_by_url(org, client):
    inside, outside = org.employee(unit=org.unit_a), org.employee(unit=org.unit_b)
    record_in, record_out = _external(inside), _external(outside)

    client.force_login(org.scoped_hr)
    assert (
        client.get(reverse("competencies_record:decide", args=[record_out.pk])).status_code == 404
    )
    listing = client.get(reverse("competencies_record:index")).content.decode()
    assert reverse("competencies_record:decide", args=[record_in.pk]) in listing
    assert reverse("competencies_record:decide", args=[record_out.pk]) not in listing

    response = client.post(
        reverse("competencies_record:decide", args=[record_in.pk]), {"reject": "1", "note": ""}
    )
    assert response.status_code == 200  # a rejection needs a note
    response = client.post(
        reverse("competencies_record:decide", args=[record_in.pk]), {"approve": "1", "note": ""}
    )
    assert response.status_code == 302
    record_in.refresh_from_db()
    assert record_in.status == TrainingRecord.Status.APPROVED


def test_the_history_page_reads_the_year_s_jp_from_the_jp_table(org, client, home_page):
    """The page's JP figure is the JP table's row (competencies/models/summaries.py, kept
    by the record services in the same transaction), not the yearly sum with its
    conversion-cap subquery computed again on every view (issue 23, saturation)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    employee = org.employee()
    record = _external(employee, finished=timezone.localdate())
    training_record_approve(actor=org.hr, record=record)
    client.force_login(employee.user)
    client.get(reverse("competencies:records"))  # warm

    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("competencies:records")).content.decode()

    assert "8 dari 20 JP" in html
    sums = [q["sql"] for q in queries if "SUM(" in q["sql"].upper()]
    assert sums == [], sums
