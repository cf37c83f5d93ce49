from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from competencies.models import Position
from competencies.selectors.compliance import ComplianceFilters, jp_compliance_list, jp_unit_summary
from competencies.services.records import training_record_from_course
from competencies.siasn import DevelopmentType
from tests.perf.queries import assert_constant_queries, page_get

pytestmark = pytest.mark.django_db
YEAR = 2026


def _jp(employee, jp, *, year=YEAR, key=None):
    training_record_from_course(
        employee=employee, source_key=key or f"t:{employee.pk}:{jp}:{year}", title="Pelatihan",
        organiser="BKPSDM", development_type=DevelopmentType.E_LEARNING,
        started_on=datetime.date(year, 6, 1), finished_on=datetime.date(year, 6, 2), jp=Decimal(jp),
    )  # fmt: skip


@pytest.fixture
def people(org):
    low = org.employee(full_name="Ani Kurang", unit=org.unit_a)
    enough = org.employee(full_name="Budi Cukup", unit=org.unit_a)
    other = org.employee(full_name="Cici Lain", unit=org.unit_b, position=org.head)
    _jp(low, 8)
    _jp(enough, 12)
    _jp(enough, 9)
    _jp(other, 30, year=YEAR - 1)  # last year's hours do not count
    return low, enough, other


def test_compliance_lists_employees_below_target_lowest_first(org, people):
    low, enough, other = people
    listing = jp_compliance_list(
        employees=type(low).objects.all(), filters=ComplianceFilters(year=YEAR), target=20
    )

    assert [(e.full_name, e.jp) for e in listing] == [
        ("Cici Lain", 0),
        ("Ani Kurang", Decimal("8.0")),
    ]


def test_compliance_filters_by_unit_subtree_position_kind_and_golongan(org, people):
    employees = type(people[0]).objects.all()

    def names(**kwargs):
        filters = ComplianceFilters(year=YEAR, below_target_only=False, **kwargs)
        return {
            e.full_name for e in jp_compliance_list(employees=employees, filters=filters, target=20)
        }

    assert names(unit=org.unit_a) == {"Ani Kurang", "Budi Cukup"}
    assert names(unit=org.dinas) == {"Ani Kurang", "Budi Cukup", "Cici Lain"}
    assert names(position_kind=Position.Kind.ADMINISTRATOR) == {"Cici Lain"}
    assert names(golongan=31) == set()


def test_unit_summary_counts_who_meets_the_target(org, people, django_assert_num_queries):
    employees = type(people[0]).objects.all()
    with django_assert_num_queries(1):
        summary = jp_unit_summary(
            units=[org.unit_a, org.unit_b], employees=employees, year=YEAR, target=20
        )

    a, b = summary
    assert (a.employees, a.meeting_target, a.average_jp) == (2, 1, Decimal("14.5"))
    assert (b.employees, b.meeting_target, b.share_meeting) == (1, 0, 0.0)


def test_compliance_page_query_count_does_not_grow(org, people, client):
    client.force_login(org.hr)
    url = f"{reverse('competencies_compliance_report')}?year={YEAR}"

    def fifteen_more_employees_with_jp():
        for i in range(15):
            _jp(org.employee(unit=org.unit_b), i)

    # 17: today's count on SQLite (the JP table; the HR scope read once per request).
    assert_constant_queries(page_get(client, url), grow=fifteen_more_employees_with_jp, limit=17)


def test_compliance_page_respects_the_hr_scope(org, people, client):
    client.force_login(org.scoped_hr)

    html = client.get(reverse("competencies_compliance_report"), {"year": YEAR}).content.decode()

    assert "Ani Kurang" in html
    assert "Cici Lain" not in html


def test_csv_export_streams_every_row_of_the_filtered_list(org, people, client):
    client.force_login(org.hr)

    response = client.get(
        reverse("competencies_compliance_report"),
        {"year": YEAR, "all_employees": "on", "export": "csv"},
    )

    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:2] == ["nip", "name"]
    assert {r[1] for r in rows[1:]} == {"Ani Kurang", "Budi Cukup", "Cici Lain"}
    assert [r for r in rows if r[1] == "Budi Cukup"][0][5:8] == ["21.0", "20", "ya"]


def test_xlsx_export_and_pdf_summary(org, people, client):
    client.force_login(org.hr)
    url = reverse("competencies_compliance_report")

    xlsx = client.get(url, {"year": YEAR, "export": "xlsx"})
    sheet = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "Cici Lain",
        "Ani Kurang",
    ]

    pdf = client.get(url, {"year": YEAR, "export": "pdf"})
    assert pdf["Content-Type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text()
    assert "Dinas Uji" in text and "Ani Kurang" in text


def test_learners_cannot_open_the_compliance_report(org, client):
    client.force_login(org.employee().user)

    response = client.get(reverse("competencies_compliance_report"))

    assert response.status_code in (302, 403)


def test_choosing_a_unit_lists_its_subtree_and_summarises_its_children(org, people, client):
    client.force_login(org.hr)
    url = reverse("competencies_compliance_report")

    html = client.get(url, {"year": YEAR, "unit": org.dinas.pk, "all_employees": "on"}).content
    page = html.decode()
    assert "Ani Kurang" in page and "Cici Lain" in page
    assert org.unit_a.name in page and org.unit_b.name in page  # the summary's rows

    page = client.get(url, {"year": YEAR, "unit": org.unit_b.pk, "all_employees": "on"}).content
    assert "Cici Lain" in page.decode() and "Ani Kurang" not in page.decode()

    # A unit outside the list is refused by the form: the whole scope is shown.
    page = client.get(url, {"year": YEAR, "unit": 999999, "all_employees": "on"}).content
    assert "Ani Kurang" in page.decode() and "Cici Lain" in page.decode()


def test_export_rows_write_what_the_models_write(org, people):
    """The exports read plain columns (`jp_compliance_export_rows`), not model instances:
    names with titles, positions with their jenjang, PNS and PPPK golongan, no unit and
    no position come out exactly as `display_name`, `str(position)` and `get_*_display`
    write them, in the listing's order."""
    from competencies.models import Employee
    from competencies.models.employees import Golongan, PppkGolongan
    from competencies.selectors.compliance import jp_compliance_export_rows
    from tests.factories.competencies import EmployeeFactory, PositionFactory

    graded = PositionFactory(name="Analis SDM", jenjang=Position.Jenjang.AHLI_MUDA)
    EmployeeFactory(
        full_name="Dewi Gelar", title_prefix="Dr.", title_suffix="S.Sos., M.Si.", unit=org.unit_a,
        position=graded, golongan=Golongan.choices[3][0],
    )  # fmt: skip
    EmployeeFactory(
        full_name="Eko Kontrak", employment_type=Employee.EmploymentType.PPPK, unit=None,
        position=None, pppk_golongan=PppkGolongan.choices[6][0],
    )  # fmt: skip
    listing = jp_compliance_list(
        employees=Employee.objects.all(),
        filters=ComplianceFilters(year=YEAR, below_target_only=False),
        target=20,
    )
    expected = [
        (
            e.user.nip or "",
            e.display_name,
            e.unit.name if e.unit else "",
            str(e.position or ""),
            e.get_golongan_display() or "",
            e.get_pppk_golongan_display() or "",
            e.jp,
            e.employment_type,
        )  # fmt: skip
        for e in listing
    ]
    rows = [
        (
            r.nip,
            r.display_name,
            r.unit_name,
            r.position,
            r.golongan,
            r.pppk_golongan,
            r.jp,
            r.employment_type,
        )  # fmt: skip
        for r in jp_compliance_export_rows(listing)
    ]
    assert rows == expected
    assert {"Dr. Dewi Gelar, S.Sos., M.Si.", "Eko Kontrak"} <= {r[1] for r in rows}
    assert "Analis SDM (Ahli Muda)" in {r[3] for r in rows}
