"""A name typed with its academic titles is accepted with a warning, not an error: the
titles belong in gelar_depan / gelar_belakang."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.imports.employees import employees_import
from competencies.imports.report import import_report_from_json, import_report_to_json
from tests.competencies.imports.files import csv_bytes
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

HEADERS = ["nip", "nama", "email", "gelar_depan", "gelar_belakang"]


def _dry_run(rows):
    return employees_import(
        data=csv_bytes(HEADERS, rows), filename="pegawai.csv", dry_run=True, actor=None
    )


@pytest.mark.parametrize(
    "name",
    ["Rina Lestari, S.Kom.", "Dr. Budi Santoso", "Ir. Sari Dewi, M.M.", "Andi S.E.", "Tono M.Si."],
)
def test_titles_in_the_name_are_a_warning_not_an_error(name):
    report = _dry_run([["199203152019032001", name, "rina@bontang.example", "", ""]])

    assert report.ok, report.errors
    [warning] = report.warnings
    assert (warning.row, warning.column, warning.value) == (2, "nama", name)


@pytest.mark.parametrize("name", ["M. Rizki Pratama", "Sri Wahyuni", "Drajat Ismail"])
def test_plain_names_get_no_warning(name):
    report = _dry_run([["199203152019032001", name, "rina@bontang.example", "", ""]])

    assert report.ok and not report.warnings


def test_warnings_survive_the_background_check():
    report = _dry_run([["199203152019032001", "Dr. Budi Santoso", "budi@bontang.example", "", ""]])

    again = import_report_from_json(data=import_report_to_json(report=report))
    stored_before = import_report_to_json(report=report)
    del stored_before["warnings"]

    assert again.warnings == report.warnings
    assert import_report_from_json(data=stored_before).warnings == []


def test_the_preview_shows_the_warning_and_still_offers_the_import(client):
    client.force_login(UserFactory(roles=[Role.PENGELOLA_SDM]))
    data = csv_bytes(
        HEADERS, [["199203152019032001", "Rina Lestari, S.Kom.", "rina@bontang.example", "", ""]]
    )

    response = client.post(
        reverse("competencies_imports:index"),
        {"kind": "employees", "file": SimpleUploadedFile("pegawai.csv", data)},
        follow=True,
    )

    html = response.content.decode()
    assert 'name="token"' in html
    assert "Rina Lestari, S.Kom." in html
    assert "gelar_belakang" in html
