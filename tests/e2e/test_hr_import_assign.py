"""HR manager's journey in the Wagtail admin: import employees from an XLSX with one bad
row (the row error is shown and nothing is imported), fix the file and import it, assign
a course to their unit, and see the assignment in the JP compliance report.
The XLSX is built here with openpyxl from the columns in docs/imports.md."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest

from tests.e2e.helpers import expect, sign_in, t
from tests.factories.competencies import valid_nip

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

UNIT_CODE = "KEL.APIAPI"  # a demo unit (Kelurahan Api-Api, under Kecamatan Bontang Utara)
COURSE_SLUG = "keterbukaan-informasi-publik"


def _xlsx(path, rows) -> str:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["nip", "nama", "email", "jenis_pegawai", "kode_unit"])
    for row in rows:
        sheet.append(row)
    for cell in sheet["A"]:
        cell.number_format = "@"  # NIP as text, as docs/imports.md asks
    book.save(path)
    return str(path)


def _upload(page, file_path: str) -> None:
    page.goto(reverse("competencies_imports:index"))
    page.locator("select[name=kind]").select_option("employees")
    page.locator("input[name=file]").set_input_files(file_path)
    page.get_by_role("button", name=t("Check the file")).click()
    page.wait_for_url(re.compile(r"/preview/"))


def test_hr_imports_employees_assigns_a_course_and_sees_it_in_compliance(
    page, demo_logins, shot, check_a11y, tmp_path
):
    from competencies.models import Employee
    from lms.models import Assignment, CoursePage

    new_people = [
        (valid_nip(901), "Sari Wulandari", "sari.wulandari@e2e.example", "PNS", UNIT_CODE),
        (valid_nip(902), "Andi Pratama", "andi.pratama@e2e.example", "PNS", UNIT_CODE),
    ]
    bad_row = ("12345", "Nip Salah", "nip.salah@e2e.example", "PNS", UNIT_CODE)
    nips = [row[0] for row in new_people] + [bad_row[0]]

    hr = demo_logins["Pengelola SDM"]
    sign_in(page, hr.email, hr.password)

    _upload(page, _xlsx(tmp_path / "pegawai-salah.xlsx", [*new_people, bad_row]))
    errors = page.get_by_role("table", name=t("Errors in the file"))
    expect(errors).to_be_visible()
    expect(errors.get_by_role("row").nth(1)).to_contain_text("4")  # spreadsheet row 4
    expect(errors).to_contain_text("nip")
    expect(page.get_by_role("button", name=t("Import now"))).to_have_count(0)
    shot(page, "import-with-error")
    check_a11y(page)
    assert not Employee.objects.filter(user__nip__in=nips).exists()

    _upload(page, _xlsx(tmp_path / "pegawai.xlsx", new_people))
    expect(page.get_by_text(t("Every row is valid. Nothing has been written yet."))).to_be_visible()
    shot(page, "import-checked")
    check_a11y(page)
    page.get_by_role("button", name=t("Import now")).click()
    page.wait_for_url(lambda url: "/preview/" not in url)
    shot(page, "imported")
    check_a11y(page)
    imported = Employee.objects.filter(user__nip__in=nips)
    assert sorted(imported.values_list("unit__code", flat=True)) == [UNIT_CODE, UNIT_CODE]

    course = CoursePage.objects.get(slug=COURSE_SLUG)
    unit = imported.first().unit
    page.goto(reverse("lms_assignment_create"))
    # The course field is Wagtail's page chooser (a modal); its value is the hidden input.
    page.locator("input[name=course]").evaluate("(el, pk) => { el.value = pk; }", str(course.pk))
    page.locator("select[name=target_type]").select_option("units")
    page.locator("select[name=units]").select_option(str(unit.pk))
    due = timezone.localdate() + datetime.timedelta(days=30)
    page.locator("input[name=due_on]").fill(due.isoformat())
    page.locator("input[name=reason]").fill("Wajib bagi pegawai kelurahan (uji e2e)")
    page.get_by_role("button", name=t("Preview")).click()
    expect(page.locator("main p[role=status]")).to_be_visible()
    shot(page, "assignment-preview")
    check_a11y(page)
    page.get_by_role("button", name=t("Confirm and assign")).click()
    page.wait_for_load_state()
    assignment = Assignment.objects.get(course=course, units=unit)
    recipients = assignment.recipients.count()
    assert recipients >= 2
    shot(page, "assigned")
    check_a11y(page)

    page.goto("/admin/kompetensi/kepatuhan-jp/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("JP compliance"))
    # The summary counts per unit (or its top-level unit): completed/assigned.
    summary_row = page.locator("tbody tr").filter(
        has_text=re.compile("Kelurahan Api-Api|Kecamatan Bontang Utara")
    )
    expect(summary_row.first).to_contain_text(f"/{recipients}")
    shot(page, "compliance-report")
    check_a11y(page)
