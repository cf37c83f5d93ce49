from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.models import HRScope, TrainingRecord
from competencies.siasn import SIASN_KURSUS_FIELDS
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
    assert rows[0]["jumlahJam"] == 2  # an integer, rounded half up (competencies.siasn)


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


# The SIASN course rows -----------------------------------------------------------------
# Sources: jenisKursusSertipikat and jumlahJam [C black-coffee04/ws-siasn-php
# src/Data/Referensi/jenisDiklat.json.gz, examples/kursus.php]; instansiId/satuanKerjaId
# on every push [C kanekescom/laravel-siasn-simpeg src/Services/PostKursusSaveService.php];
# Bontang's ids [C ws-siasn-php instansi.json.gz, satuanKerja.json.gz] (DOMAIN.md §4, §7).
BONTANG_INSTANSI = "A5EB03E23C6CF6A0E040640A040252AD"
BONTANG_SATKER = "A5EB03E24273F6A0E040640A040252AD"


@pytest.fixture
def bontang_ids(home_page):
    from competencies.models import AgencySettings

    agency = AgencySettings.for_site(home_page.get_site())
    agency.siasn_instansi_id = BONTANG_INSTANSI
    agency.siasn_satuan_kerja_id = BONTANG_SATKER
    agency.save()
    return agency


@pytest.mark.parametrize(
    ("jenis", "letter"), [(2, "F"), (4, "P"), (7, "P"), (9, "P"), (3, "T"), (8, "T"), (16, "T")]
)
def test_kursus_row_is_faithful(api, employee, bontang_ids, jenis, letter):
    make_record(employee, development_type=jenis, jp=Decimal("2.5"))
    row = api.get("/api/v1/siasn/kursus/").json()["results"][0]
    assert row["jenisKursusSertipikat"] == letter
    assert row["jumlahJam"] == 3 and isinstance(row["jumlahJam"], int)  # 2.5 → 3, half up
    assert row["instansiId"] == BONTANG_INSTANSI
    assert row["satuanKerjaId"] == BONTANG_SATKER


def test_jp_rounding_rule():
    from competencies.siasn import siasn_jp

    assert [siasn_jp(Decimal(v)) for v in ("1.4", "1.5", "2.0", "24.5", "0.4")] == [1, 2, 2, 25, 0]


@pytest.mark.parametrize(
    ("title", "latihan"),
    [("Pelatihan Kepemimpinan Pengawas (PKP) Angkatan II", 2),
     ("PKA Angkatan 5", 3), ("Pelatihan Kepemimpinan Nasional Tingkat II", 4)],
)  # fmt: skip
def test_leadership_programmes_are_diklat_records(employee, bontang_ids, title, latihan):
    from competencies.siasn import SIASN_DIKLAT_FIELDS, siasn_export_plan

    record = make_record(employee, title=title, development_type=1, jp=Decimal("6.5"))
    kursus = make_record(employee, title="Bimtek SAKIP", development_type=8)
    plan = siasn_export_plan(TrainingRecord.objects.all(), agency=bontang_ids)

    by_id = {line.record.pk: line for line in plan}
    assert by_id[kursus.pk].kind == "kursus"
    line = by_id[record.pk]
    assert line.kind == "diklat" and line.problems == []
    assert set(line.row) >= set(SIASN_DIKLAT_FIELDS)
    assert line.row["latihanStrukturalId"] == latihan  # mapping UNVERIFIED (DOMAIN.md §7)
    assert line.row["jumlahJam"] == 7
    assert line.row["tanggal"] == "03-03-2026" and line.row["tahun"] == 2026
    assert line.row["instansiId"] == BONTANG_INSTANSI
    assert "namaKursus" not in line.row


def test_plan_says_why_a_row_is_incomplete(employee, home_page):
    from competencies.models import AgencySettings
    from competencies.siasn import siasn_export_plan

    make_record(employee, title="Diklat struktural tanpa jenjang", development_type=1,
                jp=Decimal("1.5"), certificate_number="")  # fmt: skip
    line = siasn_export_plan(
        TrainingRecord.objects.all(), agency=AgencySettings.for_site(home_page.get_site())
    )[0]
    text = " ".join(str(p) for p in line.problems)
    assert "instansiId" in text and "satuanKerjaId" in text
    assert "latihanStrukturalId" in text
    assert "nomor" in text
    assert line.jp_rounded  # 1.5 JP becomes 2: shown to HR before export


def test_admin_export_screen_says_where_rows_go_and_what_is_missing_before_download(
    client, employee, agency
):
    make_record(employee, title="Bimtek SAKIP", jp=Decimal("1.5"))
    make_record(employee, title="PKA Angkatan 5", development_type=1, certificate_number="")
    manager = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=manager, unit=agency)
    client.force_login(manager)

    index = client.get(reverse("competencies_record:index")).content.decode()
    assert reverse("competencies_record:siasn_check") in index

    page = client.get(reverse("competencies_record:siasn_check"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Bimtek SAKIP" in html and "PKA Angkatan 5" in html
    assert "kursus" in html and "diklat" in html
    assert "instansiId" in html  # not set in the agency settings yet
    assert "nomor" in html  # the leadership record has no certificate number
    assert (
        "1,5" in html and "2" in html
    )  # the JP rounding, shown before export (Indonesian decimal comma)
    assert "record=diklat" in html  # the diklat download

    diklat = client.get(
        reverse("competencies_record:export_siasn"), {"format": "csv", "record": "diklat"}
    )
    rows = _csv_rows(diklat.content)
    assert [r["latihanStrukturalId"] for r in rows] == ["3"]
    kursus = _csv_rows(client.get(reverse("competencies_record:export_siasn")).content)
    assert [r["namaKursus"] for r in kursus] == ["Bimtek SAKIP"]
    assert kursus[0]["jumlahJam"] == "2"
