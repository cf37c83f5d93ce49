from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.api import SIASN_KURSUS_FIELDS
from competencies.models import HRScope
from tests.api.conftest import make_record, token_client
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

KURSUS_FIELDS = {
    "id", "instansiId", "institusiPenyelenggara", "jenisDiklatId", "jenisKursus",
    "jenisKursusSertipikat", "jumlahJam", "lokasiId", "namaKursus", "nomorSertipikat",
    "path", "pnsOrangId", "tahunKursus", "tanggalKursus", "tanggalSelesaiKursus",
}  # fmt: skip


@pytest.fixture
def record(employee):
    return make_record(
        employee,
        started_on=datetime.date(2026, 3, 2),
        finished_on=datetime.date(2026, 3, 5),
        jp=Decimal("24.0"),
    )


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_json_export_uses_siasn_kursus_field_names_and_dd_mm_yyyy(api, record, employee):
    rows = api.get("/api/v1/siasn/kursus/").json()["results"]

    assert len(rows) == 1
    row = rows[0]
    assert set(SIASN_KURSUS_FIELDS) == KURSUS_FIELDS
    assert set(row) >= KURSUS_FIELDS
    assert row["nomorSertipikat"] == "123/LKPP/2026"  # SIASN's spelling
    assert row["tanggalKursus"] == "02-03-2026"
    assert row["tanggalSelesaiKursus"] == "05-03-2026"
    assert row["tahunKursus"] == 2026
    assert row["jumlahJam"] == 24
    assert row["jenisDiklatId"] == 8
    assert row["institusiPenyelenggara"] == "LKPP"
    assert row["namaKursus"] == "Bimtek Pengadaan Barang/Jasa"
    assert row["nipBaru"] == employee.user.nip


def test_csv_export_has_the_same_columns_and_dates(api, record):
    response = api.get("/api/v1/siasn/kursus/", {"format": "csv"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "siasn-kursus.csv" in response["Content-Disposition"]
    rows = _csv_rows(response.content)
    assert list(rows[0])[: len(SIASN_KURSUS_FIELDS)] == list(SIASN_KURSUS_FIELDS)
    assert rows[0]["tanggalKursus"] == "02-03-2026"
    assert rows[0]["tanggalSelesaiKursus"] == "05-03-2026"
    assert rows[0]["jumlahJam"] == "24"


def test_export_has_approved_records_only_unless_asked(api, employee):
    make_record(employee, status="submitted", jp=Decimal("1.5"))
    assert api.get("/api/v1/siasn/kursus/").json()["results"] == []
    rows = api.get("/api/v1/siasn/kursus/", {"status": "submitted"}).json()["results"]
    assert rows[0]["jumlahJam"] == 1.5


def test_csv_export_with_no_rows_still_has_the_header(api):
    rows = api.get("/api/v1/siasn/kursus/", {"format": "csv"}).content.decode()
    assert rows.strip("\ufeff").startswith("id,instansiId,institusiPenyelenggara")


def test_csv_cells_that_would_run_as_formulas_are_neutralised(api, employee):
    make_record(employee, title='=HYPERLINK("http://x")')
    rows = _csv_rows(api.get("/api/v1/siasn/kursus/", {"format": "csv"}).content)
    assert rows[0]["namaKursus"].startswith("'=")


def test_csv_cells_starting_with_a_minus_are_neutralised_too(api, employee):
    make_record(employee, title="-2+3+cmd|' /C calc'!A0")
    rows = _csv_rows(api.get("/api/v1/siasn/kursus/", {"format": "csv"}).content)
    assert rows[0]["namaKursus"].startswith("'-")


def test_scoped_account_exports_only_its_scope(scoped_service_user, record, outsider):
    make_record(outsider)
    rows = token_client(scoped_service_user).get("/api/v1/siasn/kursus/").json()["results"]
    assert [r["portalRecordId"] for r in rows] == [record.pk]


def test_hr_manager_downloads_the_siasn_csv_from_the_admin_for_their_scope(
    client, record, outsider, agency
):
    make_record(outsider, title="Di luar cakupan")
    manager = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=manager, unit=agency)
    client.force_login(manager)

    index = client.get(reverse("competencies_record:index"))
    assert index.status_code == 200
    assert reverse("competencies_record:export_siasn") in index.content.decode()

    response = client.get(reverse("competencies_record:export_siasn"), {"format": "csv"})
    assert response.status_code == 200
    rows = _csv_rows(response.content)
    assert [r["portalRecordId"] for r in rows] == [str(record.pk)]
    assert rows[0]["tanggalSelesaiKursus"] == "05-03-2026"

    response = client.get(reverse("competencies_record:export_siasn"), {"format": "json"})
    assert [r["portalRecordId"] for r in response.json()] == [record.pk]


def test_trainers_cannot_export(client, record):
    client.force_login(UserFactory(roles=[Role.PELATIH]))
    response = client.get(reverse("competencies_record:export_siasn"))
    assert response.status_code in (302, 403)


def test_csv_errors_are_json(db):
    from rest_framework.test import APIClient

    response = APIClient().get("/api/v1/siasn/kursus/", {"format": "csv"})
    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
