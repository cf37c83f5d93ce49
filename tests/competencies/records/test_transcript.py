"""An employee's transcript (page and PDF): approved training records, JP per year
against the target; the employee, their supervisor, HR in scope and administrators only.
Also: the external-record upload rejects a wrong type and an oversized file."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.forms import PROOF_MAX_BYTES
from competencies.models import TrainingRecord
from competencies.services.records import training_record_from_course, training_record_submit
from competencies.siasn import DevelopmentType
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def people(org):
    boss = org.employee(full_name="Atasan Uji")
    employee = org.employee(full_name="Siti Rahmawati")
    employee.supervisor = boss
    employee.save()
    for year, jp in ((2025, "12"), (2026, "8")):
        training_record_from_course(
            employee=employee, source_key=f"enrolment:{year}", title=f"Pelatihan {year}",
            organiser="BKPSDM", development_type=DevelopmentType.KURSUS,
            started_on=datetime.date(year, 3, 1), finished_on=datetime.date(year, 3, 2),
            jp=Decimal(jp), certificate_number=f"00001/BKPSDM-BTG/{year}",
        )  # fmt: skip
    training_record_submit(
        actor=employee.user, employee=employee, title="Seminar Menunggu",
        organiser="Lain", development_type=DevelopmentType.SEMINAR,
        started_on=datetime.date(2026, 4, 1), finished_on=datetime.date(2026, 4, 1),
        jp=Decimal("3"),
    )  # fmt: skip
    return employee, boss


def test_own_transcript_lists_approved_records_per_year(client, people, home_page):
    employee, _boss = people
    client.force_login(employee.user)

    html = client.get(reverse("competencies:transcript")).content.decode()

    assert "Pelatihan 2025" in html and "Pelatihan 2026" in html
    assert "Seminar Menunggu" not in html  # not approved yet
    assert html.index("2026") < html.index("Pelatihan 2025")  # newest year first
    assert "00001/BKPSDM-BTG/2025" in html


def test_transcript_pdf(client, people, home_page):
    employee, _boss = people
    client.force_login(employee.user)

    response = client.get(reverse("competencies:transcript_pdf"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # Signed electronically (PAdES, the agency's local key), the visible block last and
    # the signature field over it; pyHanko finds it intact and chained to the root.
    import io

    from pypdf import PdfReader

    from lms.signing.validation import pdf_signature_check

    check = pdf_signature_check(response.content)
    assert check.valid and check.reason
    pages = PdfReader(io.BytesIO(response.content)).pages
    assert "Ditandatangani secara elektronik" in pages[-1].extract_text()
    # and stays within the PDF/A-3b rules tests/pdfa.py checks (issue 19, "Archival").
    from tests.pdfa import pdfa_problems

    assert pdfa_problems(response.content) == []


def test_transcript_pdf_unsigned_when_signing_is_off(client, people, home_page, settings):
    from lms.signing.validation import pdf_signature_check

    settings.LMS_PDF_SIGNER = ""
    employee, _boss = people
    client.force_login(employee.user)

    response = client.get(reverse("competencies:transcript_pdf"))

    assert pdf_signature_check(response.content).problem == "unsigned"
    assert b"Ditandatangani" not in response.content


@pytest.mark.parametrize("who", ["self", "supervisor", "hr", "scoped_hr", "admin"])
def test_who_may_see_someone_elses_transcript(client, org, people, home_page, who):
    employee, boss = people
    viewer = {
        "self": employee.user,
        "supervisor": boss.user,
        "hr": org.hr,
        "scoped_hr": org.scoped_hr,
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
    }[who]
    client.force_login(viewer)
    for name in ("competencies:transcript_for", "competencies:transcript_pdf_for"):
        assert client.get(reverse(name, args=[employee.pk])).status_code == 200


def test_others_get_404(client, org, people, home_page):
    employee, _boss = people
    colleague = org.employee()
    outside_hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    from competencies.models import HRScope

    HRScope.objects.create(user=outside_hr, unit=org.other)
    for viewer in (colleague.user, outside_hr, UserFactory(roles=[Role.PELATIH])):
        client.force_login(viewer)
        for name in ("competencies:transcript_for", "competencies:transcript_pdf_for"):
            assert client.get(reverse(name, args=[employee.pk])).status_code == 404


def test_records_page_links_the_transcript(client, people, home_page):
    employee, _boss = people
    client.force_login(employee.user)
    html = client.get(reverse("competencies:records")).content.decode()
    assert reverse("competencies:transcript") in html


def _post_record(client, upload):
    return client.post(
        reverse("competencies:record_add"),
        {
            "title": "X", "organiser": "Y", "kind": f"{DevelopmentType.SEMINAR}:seminar",
            "started_on": "2026-04-01", "finished_on": "2026-04-01",
            "proof": upload,
        },
    )  # fmt: skip


def test_external_record_upload_rejects_a_wrong_type(client, org, home_page):
    employee = org.employee()
    client.force_login(employee.user)
    response = _post_record(
        client, SimpleUploadedFile("bukti.exe", b"MZ\x90\x00", content_type="application/pdf")
    )
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()


def test_external_record_upload_rejects_an_oversized_file(client, org, home_page):
    employee = org.employee()
    client.force_login(employee.user)
    big = PDF + b"0" * (PROOF_MAX_BYTES + 1 - len(PDF))
    response = _post_record(
        client, SimpleUploadedFile("bukti.pdf", big, content_type="application/pdf")
    )
    assert response.status_code == 200
    assert not TrainingRecord.objects.exists()
    assert "5 MB" in response.content.decode()


def test_without_an_employee_record_page_and_pdf_answer_alike(client, home_page):
    client.force_login(UserFactory())

    page = client.get(reverse("competencies:transcript"))
    pdf = client.get(reverse("competencies:transcript_pdf"))

    assert page.status_code == pdf.status_code == 200
    assert [t.name for t in pdf.templates][0] == "competencies/no_employee_record.html"
    assert pdf["Content-Type"].startswith("text/html")


def test_the_team_page_links_a_direct_reports_transcript(client, people, home_page):
    employee, boss = people
    client.force_login(boss.user)

    html = client.get(reverse("lms:team")).content.decode()

    assert reverse("competencies:transcript_for", args=[employee.pk]) in html
    assert reverse("competencies:transcript_pdf_for", args=[employee.pk]) in html


def test_the_team_page_links_no_indirect_reports_transcript(client, org, people, home_page):
    employee, boss = people
    below = org.employee(full_name="Bawahan Tidak Langsung")
    below.supervisor = employee
    below.save()
    client.force_login(boss.user)

    html = client.get(reverse("lms:team")).content.decode()

    assert below.display_name in html
    assert reverse("competencies:transcript_for", args=[below.pk]) not in html


def test_the_hr_employee_listing_has_a_transcript_button(client, org, people, home_page):
    employee, _boss = people
    client.force_login(org.scoped_hr)

    html = client.get("/admin/kepegawaian/pegawai/").content.decode()

    assert reverse("competencies:transcript_for", args=[employee.pk]) in html
    assert client.get(reverse("competencies:transcript_for", args=[employee.pk])).status_code == 200
