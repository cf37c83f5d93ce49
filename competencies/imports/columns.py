"""What each import file holds: the three kinds, the two file formats, and every column
with its Indonesian aliases (docs/imports.md lists the same)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

Kind = Literal["units", "positions", "employees"]
FileFormat = Literal["csv", "xlsx"]

UNITS: Kind = "units"
POSITIONS: Kind = "positions"
EMPLOYEES: Kind = "employees"
KINDS: tuple[Kind, ...] = (UNITS, POSITIONS, EMPLOYEES)
FORMATS: tuple[FileFormat, ...] = ("csv", "xlsx")


@dataclass(frozen=True)
class Column:
    key: str
    aliases: tuple[str, ...]
    help: Promise
    example: str | Promise = ""
    required: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        return (self.key, *self.aliases)


UNIT_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        ("kode", "kode_unit", "unit_code"),
        gettext_lazy("Unique code of the unit (letters, digits, dots, dashes, underscores)."),
        "CONTOH-DINAS",
        required=True,
    ),
    Column(
        "name",
        ("nama", "nama_unit"),
        gettext_lazy("Name of the unit."),
        gettext_lazy("Example unit (delete this row)"),
        required=True,
    ),
    Column(
        "kind",
        ("jenis", "jenis_unit"),
        gettext_lazy(
            "perangkat_daerah, bidang, seksi, upt, kecamatan or kelurahan "
            "(Indonesian names such as bagian or subbagian are accepted)."
        ),
        "perangkat_daerah",
        required=True,
    ),
    Column(
        "parent_code",
        ("kode_induk",),
        gettext_lazy(
            "Code of the parent unit, in the database or elsewhere in the file; "
            "empty for a top-level unit."
        ),
        "",
    ),
    Column(
        "is_active",
        ("aktif",),
        gettext_lazy("yes/no (ya/tidak); empty keeps the current value, new units are active."),
        "yes",
    ),
)

POSITION_COLUMNS: tuple[Column, ...] = (
    Column(
        "code",
        ("kode", "kode_jabatan", "position_code"),
        gettext_lazy("Unique code of the position."),
        "CONTOH-ANALIS",
        required=True,
    ),
    Column(
        "name",
        ("nama", "nama_jabatan"),
        gettext_lazy("Name of the position (jabatan)."),
        gettext_lazy("Example position (delete this row)"),
        required=True,
    ),
    Column(
        "kind",
        ("jenis", "jenis_jabatan"),
        gettext_lazy(
            "jpt_utama, jpt_madya, jpt_pratama, administrator, pengawas, pelaksana or fungsional."
        ),
        "fungsional",
        required=True,
    ),
    Column(
        "jenjang",
        ("grade",),
        gettext_lazy(
            "Functional grade, only for functional positions: PT, MU, MA, UT, PM, TR, MH, PY "
            "or its name (Ahli Pertama…)."
        ),
        "PT",
    ),
    Column(
        "unit_code",
        ("kode_unit",),
        gettext_lazy("Code of an existing unit; empty for a position used across units."),
        "CONTOH-DINAS",
    ),
    Column(
        "standard",
        ("standar_kompetensi", "standar", "competency_standard"),
        gettext_lazy(
            "Competency standard: competency code = required level (1–5), separated by semicolons."
        ),
        "M.01=3; M.02=2",
    ),
    Column(
        "is_active",
        ("aktif",),
        gettext_lazy("yes/no (ya/tidak); empty keeps the current value, new positions are active."),
        "yes",
    ),
)

EMPLOYEE_COLUMNS: tuple[Column, ...] = (
    Column(
        "nip",
        ("nip_baru", "ni_pppk"),
        gettext_lazy("18-digit NIP (or NI PPPK); spaces are ignored. Format the column as text."),
        "199001012015011001",
        required=True,
    ),
    Column(
        "name",
        ("nama", "nama_lengkap", "full_name"),
        gettext_lazy("Full name without academic titles."),
        gettext_lazy("Example Employee (delete this row)"),
        required=True,
    ),
    Column(
        "email",
        ("surel", "e-mail", "alamat_email"),
        gettext_lazy("Official e-mail address; the invitation to the portal goes there."),
        "pegawai.contoh@contoh.example",
        required=True,
    ),
    Column("title_prefix", ("gelar_depan",), gettext_lazy("Title before the name."), "Dr."),
    Column(
        "title_suffix", ("gelar_belakang",), gettext_lazy("Titles after the name."), "S.Sos., M.Si."
    ),
    Column(
        "birth_place",
        ("tempat_lahir",),
        gettext_lazy("Place of birth, printed on certificates."),
        "Bontang",
    ),
    Column(
        "date_of_birth",
        ("tanggal_lahir", "tgl_lahir", "birth_date"),
        gettext_lazy(
            "Date of birth, YYYY-MM-DD or DD-MM-YYYY: for PPPK employees (a PNS's is read "
            "from the NIP; if given, it must agree with it)."
        ),
        "",
    ),
    Column(
        "employment_type",
        ("jenis_pegawai", "status_kepegawaian"),
        gettext_lazy("PNS or PPPK; empty means PNS for a new employee."),
        "PNS",
    ),
    Column(
        "golongan",
        ("golongan_ruang", "gol"),
        gettext_lazy(
            "PNS: golongan/ruang as III/a or its SIASN id (31). "
            "PPPK: golongan I to XVII (Perpres 98/2020)."
        ),
        "III/a",
    ),
    Column(
        "unit_code",
        ("kode_unit",),
        gettext_lazy("Code of an existing unit."),
        "CONTOH-DINAS",
    ),
    Column(
        "position_code",
        ("kode_jabatan",),
        gettext_lazy("Code of an existing position."),
        "CONTOH-ANALIS",
    ),
    Column(
        "supervisor_nip",
        ("nip_atasan",),
        gettext_lazy("NIP of the direct supervisor: an employee in the database or in this file."),
        "",
    ),
    Column(
        "joined_on",
        ("tmt", "tanggal_mulai"),
        gettext_lazy("Start date, YYYY-MM-DD or DD-MM-YYYY."),
        "2015-01-01",
    ),
    Column(
        "is_active",
        ("aktif",),
        gettext_lazy(
            "yes/no (ya/tidak); no deactivates the employee and their account. "
            "Empty keeps the current value; new employees are active."
        ),
        "yes",
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    UNITS: UNIT_COLUMNS,
    POSITIONS: POSITION_COLUMNS,
    EMPLOYEES: EMPLOYEE_COLUMNS,
}
