"""SIASN (BKN) reference tables, the rules the portal's SIASN export follows, and the
export rows built from training records (for the API, the Wagtail admin's export button
and the webhooks).

The one home of these facts (lms imports them; competencies never imports lms). Each
fact names its source; DOMAIN.md §2, §4 and §7 cite the same."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from competencies.models import AgencySettings, TrainingRecord


class DevelopmentType(models.IntegerChoices):
    """SIASN `jenisDiklat` reference (id → name), the id being what SIASN stores
    [black-coffee04/ws-siasn-php src/Data/Referensi/jenisDiklat.json.gz; DOMAIN.md §2]."""

    DIKLAT_STRUKTURAL = 1, "Diklat Struktural"
    DIKLAT_FUNGSIONAL = 2, "Diklat Fungsional"
    DIKLAT_TEKNIS = 3, "Diklat Teknis"
    WORKSHOP = 4, "Workshop"
    PELATIHAN_MANAJERIAL = 5, "Pelatihan Manajerial"
    PELATIHAN_SOSIAL_KULTURAL = 6, "Pelatihan Sosial Kultural"
    SOSIALISASI = 7, "Sosialisasi"
    BIMBINGAN_TEKNIS = 8, "Bimbingan Teknis"
    SEMINAR = 9, "Seminar"
    MAGANG = 10, "Magang"
    KURSUS = 11, "Kursus"
    PENATARAN = 12, "Penataran"
    KLASIKAL_LAINNYA = 13, "Klasikal lainnya"
    COACHING = 14, "Coaching"
    MENTORING = 15, "Mentoring"
    E_LEARNING = 16, "E-Learning"
    PELATIHAN_JARAK_JAUH = 17, "Pelatihan Jarak Jauh"
    DETASERING = 18, "Detasering"
    OUTBOUND = 19, "Outbound"
    PATOK_BANDING = 20, "Patok Banding"
    PERTUKARAN = 21, "Pertukaran PNS dengan swasta/BUMN/BUMD"
    BELAJAR_MANDIRI = 22, "Belajar Mandiri"
    KOMUNITAS_BELAJAR = 23, "Komunitas Belajar"
    BIMBINGAN_DI_TEMPAT_KERJA = 24, "Bimbingan di Tempat Kerja"
    NONKLASIKAL_LAINNYA = 25, "Nonklasikal lainnya"


# `jenisKursusSertipikat` is a column of the same jenisDiklat reference: F for 2; P for
# 4, 7, 9; T for the rest. What the letters mean is UNVERIFIED (DOMAIN.md §7)
# [black-coffee04/ws-siasn-php src/Data/Referensi/jenisDiklat.json.gz].
_CERTIFICATE_KIND = {2: "F", 4: "P", 7: "P", 9: "P"}


def kursus_certificate_kind(development_type: int) -> str:
    """SIASN `jenisKursusSertipikat` for a `jenisDiklatId`."""
    return _CERTIFICATE_KIND.get(int(development_type), "T")


def siasn_jp(jp: Decimal) -> int:
    """SIASN `jumlahJam` is an integer [black-coffee04/ws-siasn-php examples/kursus.php;
    kanekescom/laravel-siasn-simpeg rw_kursus_table migration]. The portal keeps JP to
    one decimal; the export rounds half up to a whole JP (1.5 → 2, 1.4 → 1): the nearest
    whole number is what a paper certificate would show, and half up is the rounding
    Indonesian schools and offices teach and use. The export screen shows every record
    whose JP changes, before download."""
    return int(Decimal(jp).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# Leadership training (diklat struktural, jenisDiklat 1) is a different SIASN record,
# `diklat/save` with a `latihanStrukturalId` [C kanekescom/laravel-siasn-simpeg
# src/Services/PostDiklatSaveService.php; ws-siasn-php latihanStruktural.json.gz]:
# 1 SEPADA, 2 Diklatpim IV/ADUM/SEPALA, 3 Diklatpim III/SPAMA/SEPADYA, 4 Diklatpim
# II/SPAMEN/SESPA, 5 Diklatpim I/SEPATI, 6 SESPIM, 7 SESPATI, 8 other. The programmes
# that replaced the Diklatpim (Perlan LAN 15/2019) map PKP → 2, PKA → 3, PKN II → 4:
# an inference, UNVERIFIED against BKN (DOMAIN.md §7). PKN I is left to HR.
_LEADERSHIP_PATTERNS = (
    (r"\bPKN\b.*\bII\b|kepemimpinan nasional tingkat ii\b|\bdiklatpim ii\b", 4),
    (r"\bPKA\b|kepemimpinan administrator|\bdiklatpim iii\b", 3),
    (r"\bPKP\b|kepemimpinan pengawas|\bdiklatpim iv\b", 2),
)


def leadership_programme_id(title: str) -> int | None:
    """SIASN `latihanStrukturalId` read from a leadership record's title (PKP, PKA,
    PKN II, or the Diklatpim they replaced), None when the title does not say."""
    for pattern, latihan_id in _LEADERSHIP_PATTERNS:
        if re.search(pattern, title, flags=re.IGNORECASE):
            return latihan_id
    return None


# SIASN EXPORT ROWS --------------------------------------------------------------------------

# SIASN's `kursus` record (DOMAIN.md §4), in SIASN's spelling, then `satuanKerjaId` (added
# on every push with instansiId [C kanekescom/laravel-siasn-simpeg
# src/Services/PostKursusSaveService.php]) and two columns of ours that an importer needs
# to find the person and the portal row (SIASN's pnsOrangId is looked up from nipBaru
# through /pns/data-utama).
SIASN_KURSUS_FIELDS = (
    "id", "instansiId", "institusiPenyelenggara", "jenisDiklatId", "jenisKursus",
    "jenisKursusSertipikat", "jumlahJam", "lokasiId", "namaKursus", "nomorSertipikat",
    "path", "pnsOrangId", "tahunKursus", "tanggalKursus", "tanggalSelesaiKursus",
)  # fmt: skip
# SIASN's `diklat` (struktural, leadership) record [C kanekescom/laravel-siasn-simpeg
# src/Services/PostDiklatSaveService.php] (DOMAIN.md §4).
SIASN_DIKLAT_FIELDS = (
    "bobot", "id", "institusiPenyelenggara", "jenisKompetensi", "jumlahJam",
    "latihanStrukturalId", "nomor", "path", "pnsOrangId", "tahun", "tanggal",
    "tanggalSelesai", "instansiId",
)  # fmt: skip
SIASN_EXTRA_FIELDS = ("satuanKerjaId", "nipBaru", "portalRecordId")


def siasn_date(day: datetime.date) -> str:
    """SIASN dates are dd-mm-yyyy."""
    return day.strftime("%d-%m-%Y")


def _siasn_ids(agency: AgencySettings | None) -> dict[str, str]:
    return {
        "instansiId": agency.siasn_instansi_id if agency else "",
        "satuanKerjaId": agency.siasn_satuan_kerja_id if agency else "",
    }


def siasn_kursus_row(
    record: TrainingRecord, *, agency: AgencySettings | None = None
) -> dict[str, Any]:
    """One training record as a SIASN kursus record. Values SIASN keeps in reference
    lists the portal does not hold (jenisKursus, lokasiId, pnsOrangId) and the uploaded
    document path are left empty for the importer to fill."""
    ids = _siasn_ids(agency)
    return {
        "id": record.siasn_id,
        "instansiId": ids["instansiId"],
        "institusiPenyelenggara": record.organiser,
        "jenisDiklatId": record.development_type,
        "jenisKursus": "",
        "jenisKursusSertipikat": kursus_certificate_kind(record.development_type),
        "jumlahJam": siasn_jp(record.jp),
        "lokasiId": "",
        "namaKursus": record.title,
        "nomorSertipikat": record.certificate_number,
        "path": "",
        "pnsOrangId": "",
        "tahunKursus": record.finished_on.year,
        "tanggalKursus": siasn_date(record.started_on),
        "tanggalSelesaiKursus": siasn_date(record.finished_on),
        "satuanKerjaId": ids["satuanKerjaId"],
        "nipBaru": record.employee.user.nip or "",
        "portalRecordId": record.pk,
    }


def siasn_diklat_row(
    record: TrainingRecord, *, agency: AgencySettings | None = None
) -> dict[str, Any]:
    """One leadership record (jenisDiklat 1) as a SIASN diklat record. `bobot`,
    `jenisKompetensi`, `path` and `pnsOrangId` are left for the importer."""
    ids = _siasn_ids(agency)
    return {
        "bobot": "",
        "id": record.siasn_id,
        "institusiPenyelenggara": record.organiser,
        "jenisKompetensi": "",
        "jumlahJam": siasn_jp(record.jp),
        "latihanStrukturalId": leadership_programme_id(record.title) or "",
        "nomor": record.certificate_number,
        "path": "",
        "pnsOrangId": "",
        "tahun": record.finished_on.year,
        "tanggal": siasn_date(record.started_on),
        "tanggalSelesai": siasn_date(record.finished_on),
        "instansiId": ids["instansiId"],
        "satuanKerjaId": ids["satuanKerjaId"],
        "nipBaru": record.employee.user.nip or "",
        "portalRecordId": record.pk,
    }


def is_siasn_diklat(record: TrainingRecord) -> bool:
    """Leadership programmes (PKP, PKA, PKN: jenisDiklat 1 Diklat Struktural) go to
    SIASN as diklat records, everything else as kursus (DOMAIN.md §4, §7)."""
    return record.development_type == DevelopmentType.DIKLAT_STRUKTURAL


@dataclass
class SiasnExportLine:
    """What the export screen shows HR about one record before download."""

    record: TrainingRecord
    kind: str  # "kursus" or "diklat"
    row: dict[str, Any]
    problems: list[str | Promise] = field(default_factory=list)  # lazy: rendered per request
    jp_rounded: bool = False


def siasn_export_plan(
    records: QuerySet[TrainingRecord], *, agency: AgencySettings | None
) -> list[SiasnExportLine]:
    """Every record with the SIASN record it becomes, and why it is incomplete."""
    lines = []
    for record in records.select_related("employee__user"):
        diklat = is_siasn_diklat(record)
        row = (siasn_diklat_row if diklat else siasn_kursus_row)(record, agency=agency)
        problems: list[str | Promise] = []
        if not row["instansiId"]:
            problems.append(_("instansiId is not set in the agency settings."))
        if not row["satuanKerjaId"]:
            problems.append(_("satuanKerjaId is not set in the agency settings."))
        if not row["nipBaru"]:
            problems.append(_("The employee has no NIP."))
        if not record.certificate_number:
            problems.append(
                _("No certificate number (nomor).") if diklat
                else _("No certificate number (nomorSertipikat).")
            )  # fmt: skip
        if diklat and not row["latihanStrukturalId"]:
            problems.append(
                _("latihanStrukturalId unknown: the title does not name PKP, PKA or PKN II.")
            )
        lines.append(
            SiasnExportLine(
                record=record,
                kind="diklat" if diklat else "kursus",
                row=row,
                problems=problems,
                jp_rounded=Decimal(row["jumlahJam"]) != record.jp,
            )
        )
    return lines


def siasn_kursus_rows(
    records: QuerySet[TrainingRecord], *, agency: AgencySettings | None = None
) -> list[dict[str, Any]]:
    """Every non-leadership record as a SIASN kursus row; `CSVRenderer` guards the cells
    when writing CSV."""
    return [
        siasn_kursus_row(record, agency=agency)
        for record in records.select_related("employee__user")
        if not is_siasn_diklat(record)
    ]


def siasn_diklat_rows(
    records: QuerySet[TrainingRecord], *, agency: AgencySettings | None = None
) -> list[dict[str, Any]]:
    """Every leadership record as a SIASN diklat row."""
    return [
        siasn_diklat_row(record, agency=agency)
        for record in records.select_related("employee__user")
        if is_siasn_diklat(record)
    ]
