"""Reading .xlsx files safely: formulas without a value and oversized workbooks."""

from __future__ import annotations

import datetime
import io
import re

from django.utils import translation

import pytest
from openpyxl import Workbook

from competencies.imports.employees import employees_import
from competencies.models import Employee
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db

NIP = "199203152019032001"


def _workbook_bytes(workbook: Workbook) -> bytes:
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def _employee_file(golongan, joined_on) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nip", "name", "email", "golongan", "tmt"])
    sheet.append([NIP, "Rina", "rina@bontang.example", golongan, joined_on])
    return _workbook_bytes(workbook)


def test_formula_cell_without_a_saved_value_is_an_error_naming_the_cell():
    employee = EmployeeFactory(user__nip=NIP, golongan=32, joined_on=datetime.date(2015, 1, 1))
    # openpyxl writes formulas without a cached value, like a file made by a script.
    data = _employee_file("=C1", "=DATE(2015,1,1)")

    with translation.override("en"):
        report = employees_import(data=data, filename="pegawai.xlsx", actor=None, dry_run=False)

    messages = [(e.row, e.column, e.message) for e in report.errors]
    assert (
        2,
        "golongan",
        "Cell D2 holds a formula without a saved value; enter the value itself.",
    ) in messages
    assert (
        2,
        "tmt",
        "Cell E2 holds a formula without a saved value; enter the value itself.",
    ) in messages
    employee.refresh_from_db()
    assert (employee.golongan, employee.joined_on) == (32, datetime.date(2015, 1, 1))


def test_formula_error_is_in_indonesian_for_indonesian_users():
    data = _employee_file("=C1", "2015-01-01")

    with translation.override("id"):
        report = employees_import(data=data, filename="pegawai.xlsx", actor=None, dry_run=True)

    assert not report.ok
    assert any("D2" in e.message for e in report.errors)


def test_formula_cell_with_a_saved_value_uses_that_value():
    # A spreadsheet program saves the computed value next to the formula; openpyxl cannot,
    # so write the cached value into the sheet XML by hand.
    import zipfile

    data = _employee_file("=C1", "2015-01-01")
    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w") as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                # An empty <v />, or <v/> when openpyxl writes through lxml (installed
                # alongside, e.g. by pyHanko).
                formula = re.compile(rb'<c r="D2"><f>C1</f>(<v ?/>|<v></v>)</c>')
                assert formula.search(content), content
                content = formula.sub(b'<c r="D2" t="str"><f>C1</f><v>III/b</v></c>', content)
            archive.writestr(info, content)

    report = employees_import(
        data=target.getvalue(), filename="pegawai.xlsx", actor=None, dry_run=False
    )

    assert report.ok, report.errors
    assert Employee.objects.get(user__nip=NIP).golongan == 32


def _with_sheet_xml(data: bytes, change) -> bytes:
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = change(content)
            archive.writestr(info.filename, content)
    return target.getvalue()


def _assert_too_large(report) -> None:
    assert [(e.row, e.message.split(" (")[0]) for e in report.errors] == [
        (0, "This file is too large to check at once")
    ]


def test_a_sheet_declaring_more_cells_than_the_bound_is_refused_before_reading():
    employee = EmployeeFactory(user__nip=NIP, golongan=32)
    data = _with_sheet_xml(
        _employee_file("III/c", "2015-01-01"),
        lambda xml: xml.replace(b'<dimension ref="A1:E2"', b'<dimension ref="A1:XFD1048576"'),
    )

    with translation.override("en"):
        report = employees_import(data=data, filename="pegawai.xlsx", actor=None, dry_run=False)

    _assert_too_large(report)
    assert report.rows == 0
    employee.refresh_from_db()
    assert employee.golongan == 32


def test_cells_beyond_the_bound_are_refused_even_when_the_sheet_declares_less(monkeypatch):
    from competencies.imports import reading

    monkeypatch.setattr(reading, "MAX_CELLS", 500)
    employee = EmployeeFactory(user__nip=NIP, golongan=32)
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["nip", "name", "email", "golongan"])
    sheet.append([NIP, "Rina", "rina@bontang.example", "III/c"])
    sheet.cell(row=3, column=600, value="x")  # a stray cell far to the right
    data = _with_sheet_xml(
        _workbook_bytes(workbook),
        lambda xml: xml.replace(b'<dimension ref="A1:WB3"', b'<dimension ref="A1"'),
    )

    with translation.override("en"):
        report = employees_import(data=data, filename="pegawai.xlsx", actor=None, dry_run=False)

    _assert_too_large(report)
    employee.refresh_from_db()
    assert employee.golongan == 32


def test_a_csv_with_more_cells_than_the_bound_is_refused(monkeypatch):
    from competencies.imports import reading
    from tests.competencies.imports.files import csv_bytes

    monkeypatch.setattr(reading, "MAX_CELLS", 100)
    rows = [[NIP, "Rina", "rina@bontang.example"]] + [["", "", ""]] * 200

    with translation.override("en"):
        report = employees_import(
            data=csv_bytes(["nip", "name", "email"], rows),
            filename="pegawai.csv",
            actor=None,
            dry_run=False,
        )

    _assert_too_large(report)
    assert not Employee.objects.exists()


def test_reading_stops_at_the_time_budget(monkeypatch):
    from competencies.imports import reading

    monkeypatch.setattr(reading, "MAX_READ_SECONDS", -1.0)

    with translation.override("en"):
        report = employees_import(
            data=_employee_file("III/c", "2015-01-01"),
            filename="pegawai.xlsx",
            actor=None,
            dry_run=True,
        )

    _assert_too_large(report)


def test_a_huge_shared_text_table_is_refused_before_openpyxl_loads_it(monkeypatch):
    import zipfile

    from competencies.imports import reading

    monkeypatch.setattr(reading, "MAX_XLSX_SHARED_STRINGS", 1000)
    source = zipfile.ZipFile(io.BytesIO(_employee_file("III/c", "2015-01-01")))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            archive.writestr(info.filename, source.read(info.filename))
        archive.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>x</t></si>" * 100 + b"</sst>")

    with translation.override("en"):
        report = employees_import(
            data=target.getvalue(), filename="pegawai.xlsx", actor=None, dry_run=True
        )

    _assert_too_large(report)
