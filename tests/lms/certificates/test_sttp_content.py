"""STTP content (Perka LAN 24/2016; DOMAIN.md §7) snapshotted at issue: rank, position,
unit, the final score's classification (thresholds a setting), the subjects with their JP
on a second page; long Indonesian names and titles wrap or shrink instead of running off."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from django.utils import timezone

from pypdf import PdfReader

from competencies.models.employees import Golongan
from lms.models import QuizAttempt
from lms.pdf import render_certificate
from lms.services.certificates import certificate_issue, qualification_for
from tests.factories.competencies import PositionFactory
from tests.factories.lms import LessonPageFactory

from .conftest import complete
from .test_pdf import _data


def test_qualification_follows_the_thresholds_setting(settings):
    assert qualification_for(Decimal("95")) == "Sangat Memuaskan"
    assert qualification_for(Decimal("81")) == "Memuaskan"
    assert qualification_for(Decimal("10")) == "Kurang"
    assert qualification_for(None) == ""
    settings.LMS_CERTIFICATE_QUALIFICATIONS = [(75, "Lulus"), (0, "Tidak lulus")]
    assert qualification_for(Decimal("80")) == "Lulus"


def test_issue_snapshots_rank_position_unit_score_and_subjects(holder, course):
    employee = holder.employee
    employee.golongan = Golongan.III_C
    employee.position = PositionFactory(name="Analis Sumber Daya Manusia Aparatur")
    employee.save()
    for title, minutes in (("Etika Pelayanan Publik", 90), ("Komunikasi Efektif", 135)):
        LessonPageFactory(parent=course, title=title, estimated_minutes=minutes)
    enrolment = complete(holder, course)
    QuizAttempt.objects.create(
        user=holder, enrolment=enrolment, quiz_title="Ujian akhir", quiz_role="final",
        number=1, status="graded", started_at=timezone.now(), pass_mark_percent=70,
        score=Decimal("92"), max_score=Decimal("100"), score_percent=Decimal("92.00"),
    )  # fmt: skip

    certificate = certificate_issue(enrolment_id=enrolment.pk)

    assert certificate.holder_rank == "Penata, III/c"
    assert certificate.holder_position == "Analis Sumber Daya Manusia Aparatur"
    assert certificate.holder_unit == "Dinas Kesehatan"
    assert (certificate.final_score, certificate.qualification) == (
        Decimal("92.00"),
        "Sangat Memuaskan",
    )
    assert certificate.subjects == [
        ["Etika Pelayanan Publik", "2.0"],
        ["Komunikasi Efektif", "3.0"],
    ]
    certificate.refresh_from_db()
    reader = PdfReader(io.BytesIO(certificate.pdf.read()))
    assert len(reader.pages) == 2
    first, second = (page.extract_text() for page in reader.pages)
    assert "Penata, III/c" in first and "dengan kualifikasi: Sangat Memuaskan" in first
    assert "Daftar mata pelatihan" in second and "Komunikasi Efektif" in second


def test_long_names_and_subject_titles_stay_on_the_page():
    name = "Prof. Dr. Ir. Raden Ajeng Siti Nurhaliza Kusumawardhani Putri Ayu Diningrat, S.H., M.Hum., M.Kn."
    subject = "Penguatan Integritas dan Budaya Antikorupsi " * 4
    pdf = render_certificate(
        _data(
            holder_name=name,
            signer_name="Drs. H. Muhammad Abdurrahman Wahid Hasyim Asy'ari Al-Banjari, M.Si.",
            subjects=((subject.strip(), "4"), ("Etika", "2")),
            completed_on=datetime.date(2026, 11, 20),
        )
    )
    reader = PdfReader(io.BytesIO(pdf))
    first, second = (page.extract_text() for page in reader.pages)
    assert name in first
    # The long subject wrapped onto several lines rather than running past the JP column.
    assert "Antikorupsi" in second and second.count("Penguatan Integritas") == 4
