from __future__ import annotations

import io

from wagtail.models import ModelLogEntry

import pytest
from openpyxl import load_workbook

from competencies.imports.columns import (
    COLUMNS,
    EMPLOYEE_COLUMNS,
    EMPLOYEES,
    KINDS,
    POSITIONS,
    UNITS,
)
from competencies.imports.exports import (
    employees_export,
    import_template,
    positions_export,
    units_export,
)
from competencies.imports.importers import IMPORTERS
from competencies.imports.reading import read_table
from competencies.imports.report import ImportReport
from competencies.models import Employee, OrgUnit, Position
from tests.factories.competencies import (
    CompetencyFactory,
    EmployeeFactory,
    OrgUnitFactory,
    PositionFactory,
    PositionRequirementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation():
    dinas = OrgUnitFactory(code="DINAS", name="Dinas")
    bidang = OrgUnitFactory(code="BIDANG", name="Bidang", parent=dinas, kind=OrgUnit.Kind.BIDANG)
    position = PositionFactory(
        code="PRANATA", kind=Position.Kind.FUNGSIONAL, jenjang="PT", unit=bidang
    )
    PositionRequirementFactory(
        position=position, competency=CompetencyFactory(code="M.01"), required_level=3
    )
    boss = EmployeeFactory(unit=dinas, full_name="Kepala", golongan=41, birth_place="Bontang")
    EmployeeFactory(
        unit=bidang,
        position=position,
        supervisor=boss,
        full_name='=HYPERLINK("x")',
        title_prefix="Dr.",
        golongan=32,
        joined_on="2019-03-01",
    )
    EmployeeFactory(unit=bidang, full_name="Kontrak", employment_type="PPPK", is_active=False)
    return dinas


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_every_export_reimports_as_a_no_op(organisation, file_format):
    files = {
        UNITS: units_export(queryset=OrgUnit.objects.all(), file_format=file_format),
        POSITIONS: positions_export(queryset=Position.objects.all(), file_format=file_format),
        EMPLOYEES: employees_export(queryset=Employee.objects.all(), file_format=file_format),
    }

    for kind, data in files.items():
        report = IMPORTERS[kind](
            data=data, filename=f"{kind}.{file_format}", actor=None, dry_run=False
        )
        assert report.ok, (kind, report.errors)
        assert report.created == report.updated == 0, kind
    assert not ModelLogEntry.objects.exists()


def test_the_employee_export_has_the_canonical_columns_and_neutralises_formulas(organisation):
    data = employees_export(queryset=Employee.objects.all(), file_format="xlsx")

    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == [c.key for c in EMPLOYEE_COLUMNS]
    names = [row[1] for row in rows[1:]]
    assert '\'=HYPERLINK("x")' in names
    assert all(isinstance(row[0], str) and len(row[0]) == 18 for row in rows[1:])
    place = [c.key for c in EMPLOYEE_COLUMNS].index("birth_place")
    assert sorted(row[place] or "" for row in rows[1:]) == ["", "", "Bontang"]


def test_the_csv_export_starts_with_a_byte_order_mark_for_excel(organisation):
    data = units_export(queryset=OrgUnit.objects.all(), file_format="csv")

    assert data.startswith(b"\xef\xbb\xbf")
    assert data.decode("utf-8-sig").splitlines()[:3] == [
        "code,name,kind,parent_code,is_active",
        "DINAS,Dinas,perangkat_daerah,,yes",
        "BIDANG,Bidang,bidang,DINAS,yes",
    ]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_templates_have_the_header_and_one_example_row_that_reads_cleanly(kind, file_format):
    data = import_template(kind=kind, file_format=file_format)

    report = ImportReport(kind=kind, dry_run=True)
    table = read_table(
        data=data, filename=f"template.{file_format}", columns=COLUMNS[kind], report=report
    )
    assert report.ok, report.errors
    assert table is not None and len(table.rows) == 1
    assert set(table.index) == {c.key for c in COLUMNS[kind]}


def test_the_xlsx_template_describes_each_column_on_a_second_sheet():
    workbook = load_workbook(io.BytesIO(import_template(kind=EMPLOYEES, file_format="xlsx")))

    assert len(workbook.worksheets) == 2
    described = [row[0] for row in workbook.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert described == [c.key for c in EMPLOYEE_COLUMNS]
