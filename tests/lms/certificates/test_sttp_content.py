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


def test_a_classroom_participants_subjects_are_the_batchs_sessions(holder, course):
    """A participant selected into a batch: the subjects are the batch's sessions (its
    timetable's topics and each session's JP), after the course's own lessons for a
    blended programme."""
    from lms.models import Nomination
    from tests.factories.lms import BatchFactory, SessionFactory

    LessonPageFactory(parent=course, title="Modul daring: Pengantar", estimated_minutes=90)
    batch = BatchFactory(course=course)
    SessionFactory(batch=batch, topic="Etika Pelayanan", jp=3, date=datetime.date(2026, 3, 2))
    SessionFactory(batch=batch, topic="Praktik Lapangan", jp=None, date=datetime.date(2026, 3, 3))
    enrolment = complete(holder, course)
    Nomination.objects.create(
        batch=batch, employee=holder.employee, unit=holder.employee.unit,
        status=Nomination.Status.SELECTED, enrolment=enrolment,
    )  # fmt: skip

    certificate = certificate_issue(enrolment_id=enrolment.pk)

    # The session without its own JP counts 90 minutes / 45 = 2 JP (session_jp).
    assert certificate.subjects == [
        ["Modul daring: Pengantar", "2.0"],
        ["Etika Pelayanan", "3.0"],
        ["Praktik Lapangan", "2.0"],
    ]


def _overlapping(chars: list[dict]) -> list[tuple[str, str]]:
    """The pairs of printed characters (pdfplumber's) whose boxes overlap."""
    boxes = [
        (c["x0"], c["top"], c["x1"], c["bottom"], c["text"]) for c in chars if c["text"].strip()
    ]
    return [
        (a[4], b[4])
        for i, a in enumerate(boxes)
        for b in boxes[i + 1 :]
        if a[0] < b[2] - 0.5 and b[0] < a[2] - 0.5 and a[1] < b[3] - 0.5 and b[1] < a[3] - 0.5
    ]


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
    assert name in " ".join(first.split())  # in full, on one line or wrapped onto two
    # The long subject wrapped onto several lines rather than running past the JP column.
    assert "Antikorupsi" in second and second.count("Penguatan Integritas") == 4


def test_names_and_titles_of_any_length_wrap_inside_the_frame():
    """The longest a name, a course title and the rank/position/unit line can be (255
    characters each) wrap onto several lines instead of shrinking past legibility or
    running off the page: every character lies inside the page frame, at 12 pt or more
    for the name and title, and every word is printed."""
    import pdfplumber

    from lms.pdf import PAGE_WIDTH

    words = "Raden Ajeng Siti Nurhaliza Kusumawardhani Putri Ayu Diningrat Sosrodiningrat"
    name = (f"Prof. Dr. Ir. {words} {words} {words}")[:240] + ", S.H., M.Hum."
    title = ("Pelatihan Teknis Peningkatan Kualitas Pelayanan Publik Berbasis Standar "
             "Pelayanan Minimal dan Survei Kepuasan Masyarakat ") * 3  # fmt: skip
    title = title[:255].strip()
    unit = "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia Kota Bontang " * 3
    pdf = render_certificate(
        _data(
            holder_name=name,
            course_title=title,
            holder_rank="Pembina Utama Muda (IV/c)",
            holder_position="Analis Kebijakan Ahli Madya pada Sekretariat Daerah " * 2,
            holder_unit=unit.strip(),
            holder_birth_place="Bontang",
            holder_birth_date=datetime.date(1992, 1, 1),
            qualification="Sangat Memuaskan",
            competencies=(("Pelayanan Publik", 3), ("Integritas", 2), ("Komunikasi", 3)),
            valid_until=datetime.date(2029, 1, 1),
            signature_state="signed",
            signed_on=datetime.date(2026, 1, 3),
            signer_name="Drs. H. Muhammad Abdurrahman, M.Si.",
            signer_title="Kepala BKPSDM",
        )
    )
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        page = document.pages[0]
        chars = page.chars
        text = page.extract_text()
    assert chars
    outside = [c["text"] for c in chars if c["x0"] < 30 or c["x1"] > PAGE_WIDTH - 30]
    assert outside == []
    flat = " ".join(text.split())
    for word in [*name.split(), *title.split()]:
        assert word in flat
    big = {round(c["size"]) for c in chars if c["fontname"].endswith("DejaVuSans-Bold")}
    assert min(big) >= 9
    # Nothing is printed over anything else (the signer block, the QR code's caption).
    assert _overlapping(chars) == []


def _set_nip(employee, nip: str) -> None:
    employee.user.nip = nip
    employee.user.save(update_fields=["nip"])


def test_issue_snapshots_place_of_birth_and_the_birth_date_from_the_nip(holder, course):
    employee = holder.employee
    _set_nip(employee, "199003122015032001")
    employee.birth_place = "Bontang"
    employee.save()

    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)

    assert certificate.holder_birth_place == "Bontang"
    assert certificate.holder_birth_date == datetime.date(1990, 3, 12)
    # A snapshot: a later change of the record does not change the certificate.
    employee.birth_place = "Samarinda"
    employee.save()
    certificate.refresh_from_db()
    assert certificate.holder_birth_place == "Bontang"
    text = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0].extract_text()
    assert "Tempat/tanggal lahir: Bontang, 12 Maret 1990" in text


def test_a_pppk_holder_gets_the_birth_date_hr_recorded(holder, course):
    employee = holder.employee
    employee.employment_type = employee.EmploymentType.PPPK
    employee.birth_place = "Bontang"
    employee.date_of_birth = datetime.date(1988, 6, 12)
    employee.save()

    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)

    assert certificate.holder_birth_date == datetime.date(1988, 6, 12)
    text = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0].extract_text()
    assert "Tempat/tanggal lahir: Bontang, 12 Juni 1988" in text


def test_pppk_holder_without_a_place_gets_no_birth_line(holder, course):
    employee = holder.employee
    employee.employment_type = employee.EmploymentType.PPPK
    employee.save()  # the NI PPPK layout is unverified: no date is read from it

    certificate = certificate_issue(enrolment_id=complete(holder, course).pk)

    assert (certificate.holder_birth_place, certificate.holder_birth_date) == ("", None)
    text = PdfReader(io.BytesIO(certificate.pdf.read())).pages[0].extract_text()
    assert "lahir" not in text


def test_birth_line_shows_only_the_date_without_a_place_and_wraps_a_long_place():
    only_date = render_certificate(_data(holder_birth_date=datetime.date(1990, 3, 12)))
    text = PdfReader(io.BytesIO(only_date)).pages[0].extract_text()
    assert "Tempat/tanggal lahir: 12 Maret 1990" in text
    assert "lahir" not in PdfReader(io.BytesIO(render_certificate(_data()))).pages[0].extract_text()

    place = "Desa Sangkima Lama Kecamatan Sangatta Selatan Kabupaten Kutai Timur " * 2
    pdf = render_certificate(
        _data(holder_birth_place=place.strip()[:100], holder_birth_date=datetime.date(1990, 3, 12))
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "12 Maret 1990" in text and "Sangkima" in text


def test_english_certificate_prints_the_birth_line_in_english():
    pdf = render_certificate(
        _data(
            language="en",
            holder_birth_place="Bontang",
            holder_birth_date=datetime.date(1990, 3, 12),
        )
    )
    text = PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
    assert "Place/date of birth: Bontang, 12 March 1990" in text


def test_a_signer_name_and_title_of_the_longest_allowed_wrap_inside_the_signer_block():
    """The agency settings allow a signer's name and title of 200 characters each: they
    wrap in the signer block (title upwards, name downwards, the NIP below it) at 7 pt or
    more, every word printed, inside the page frame and over nothing else."""
    import pdfplumber

    from lms.pdf import PAGE_HEIGHT, PAGE_WIDTH

    title = ("Kepala Badan Kepegawaian dan Pengembangan Sumber Daya Manusia selaku Pejabat "
             "Pembina Kepegawaian Pemerintah Kota Bontang Provinsi Kalimantan Timur ") * 2  # fmt: skip
    name = ("Prof. Dr. Drs. H. Muhammad Abdurrahman Wahid Hasyim Asy'ari Al-Banjari "
            "Sosrodiningrat Kusumawardhana Adiningrat ") * 2  # fmt: skip
    title, name = title[:200].strip(), name[:200].strip()
    for state in ("signed", "", "pending"):
        pdf = render_certificate(
            _data(
                signer_name=name,
                signer_title=title,
                signer_nip="197001011995031001",
                signature_state=state,
                signed_on=datetime.date(2026, 1, 3),
                place="Bontang",
            )
        )
        with pdfplumber.open(io.BytesIO(pdf)) as document:
            page = document.pages[0]
            chars = page.chars
            text = " ".join(page.extract_text().split())
        outside = [
            c["text"]
            for c in chars
            if c["x0"] < 30 or c["x1"] > PAGE_WIDTH - 30 or c["top"] < 30
            or c["bottom"] > PAGE_HEIGHT - 30
        ]  # fmt: skip
        assert outside == [], state
        for word in [*name.split(), *title.split(), "197001011995031001"]:
            assert word in text, (state, word)
        assert min(round(c["size"], 1) for c in chars) >= 7
        assert _overlapping(chars) == [], state
