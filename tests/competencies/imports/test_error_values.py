"""The import error report repeats the offending cell value next to the message, in the
preview and after a background check."""

from __future__ import annotations

import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.imports.employees import employees_import
from competencies.imports.report import import_report_from_json, import_report_to_json
from tests.competencies.imports.files import csv_bytes
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

GOOD = ["199203152019032001", "Rina", "rina@bontang.example"]
BAD = ["199203152019033001", "Sari", "sari@bontang.example"]  # 13th digit: not a sex code


def _dry_run(data: bytes):
    return employees_import(data=data, filename="pegawai.csv", dry_run=True, actor=None)


def test_a_row_error_records_the_bad_value():
    report = _dry_run(csv_bytes(["nip", "nama", "email"], [GOOD, BAD]))

    [error] = report.errors
    assert (error.row, error.column, error.value) == (3, "nip", "199203152019033001")


def test_the_bad_value_survives_the_background_check_and_old_reports_still_load():
    report = _dry_run(csv_bytes(["nip", "nama", "email"], [GOOD, BAD]))

    again = import_report_from_json(data=import_report_to_json(report=report))
    old = import_report_to_json(report=report)
    old["errors"] = [error[:3] for error in old["errors"]]  # stored before values were kept

    assert again.errors[0].value == "199203152019033001"
    assert import_report_from_json(data=old).errors[0].value == ""


def test_the_preview_shows_the_bad_value_in_the_error_row(client):
    client.force_login(UserFactory(roles=[Role.PENGELOLA_SDM]))

    response = client.post(
        reverse("competencies_imports:index"),
        {
            "kind": "employees",
            "file": SimpleUploadedFile(
                "pegawai.csv", csv_bytes(["nip", "nama", "email"], [GOOD, BAD])
            ),
        },
        follow=True,
    )

    html = response.content.decode()
    row = re.search(r"<tr>\s*<td>3</td>.*?</tr>", html, re.S)
    assert row, html
    assert "199203152019033001" in row.group(0)
