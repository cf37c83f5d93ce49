"""Demo HR data for `seed_demo`: the competency dictionary, a slice of Kota Bontang's
organisation, positions with standards, employees (the demo users and colleagues) and
assessments at different stages. Idempotent: a second run changes nothing.

Unit names follow ../shared/DOMAIN.md §3 (third-party lists; treat as demo data)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from competencies.data.dictionary import dictionary_texts
from competencies.models import (
    Assessment,
    Competency,
    Employee,
    Golongan,
    OrgUnit,
    Position,
    PositionRequirement,
    ProficiencyLevel,
)
from competencies.services.assessments import assessment_approve, assessment_create
from competencies.services.employees import employee_create
from competencies.services.organisation import orgunit_create
from competencies.services.summaries import gap_counts_rebuild

if TYPE_CHECKING:
    from accounts.models import User

K = OrgUnit.Kind
UNITS = [
    # (code, name, kind, parent code)
    ("BKPSDM", "Badan Kepegawaian dan Pengembangan SDM", K.PERANGKAT_DAERAH, None),
    ("BKPSDM.PKA", "Bidang Pengembangan Kompetensi Aparatur", K.BIDANG, "BKPSDM"),
    ("BKPSDM.MUT", "Bidang Mutasi dan Promosi", K.BIDANG, "BKPSDM"),
    ("DPMPTSP", "Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu", K.PERANGKAT_DAERAH, None),
    ("DPMPTSP.PEL", "Bidang Pelayanan Perizinan", K.BIDANG, "DPMPTSP"),
    ("DUKCAPIL", "Dinas Kependudukan dan Pencatatan Sipil", K.PERANGKAT_DAERAH, None),
    ("DUKCAPIL.PIAK", "Bidang Pelayanan Pendaftaran Penduduk", K.BIDANG, "DUKCAPIL"),
    ("DINKES", "Dinas Kesehatan", K.PERANGKAT_DAERAH, None),
    ("DINKES.PKM-BU1", "UPT Puskesmas Bontang Utara I", K.UPT, "DINKES"),
    ("KEC.BU", "Kecamatan Bontang Utara", K.KECAMATAN, None),
    ("KEL.APIAPI", "Kelurahan Api-Api", K.KELURAHAN, "KEC.BU"),
]

P = Position.Kind
MANAGERIAL = ["M.01", "M.02", "M.03", "M.04", "M.05", "M.06", "M.07", "M.08", "SK.01"]
POSITIONS = [
    # (code, name, kind, jenjang, unit, base level for managerial + SK.01, technical {code: level})
    ("KA-BKPSDM", "Kepala BKPSDM", P.JPT_PRATAMA, "", "BKPSDM", 4, {}),
    ("KABID-PEL", "Kepala Bidang Pelayanan Perizinan", P.ADMINISTRATOR, "", "DPMPTSP.PEL", 3, {"T.PP.01": 3, "T.PP.02": 3}),
    ("ANALIS-SDM", "Analis SDM Aparatur", P.FUNGSIONAL, "PT", "BKPSDM.PKA", 2, {"T.PP.03": 2}),
    ("WIDYAISWARA", "Widyaiswara", P.FUNGSIONAL, "MU", "BKPSDM.PKA", 3, {"T.PP.01": 3}),
    ("PENGELOLA-LAYANAN", "Pengelola Layanan Perizinan", P.PELAKSANA, "", "DPMPTSP.PEL", 1, {"T.PP.01": 2, "T.PP.02": 2, "T.PP.04": 2}),
    ("PETUGAS-DUKCAPIL", "Petugas Pelayanan Administrasi Kependudukan", P.PELAKSANA, "", "DUKCAPIL.PIAK", 1, {"T.PP.01": 2, "T.PP.04": 2}),
    ("PERAWAT", "Perawat", P.FUNGSIONAL, "TR", "DINKES.PKM-BU1", 1, {"T.PP.02": 1}),
    ("KASI-PEM-KEL", "Kepala Seksi Pemerintahan Kelurahan", P.PENGAWAS, "", "KEL.APIAPI", 2, {"T.PP.03": 2}),
]  # fmt: skip

# The demo users' HR records: e-mail local part → (full name, prefix, suffix, golongan, unit, position, supervisor local part)
DEMO_EMPLOYEES = {
    "admin": ("Dewi Anggraini", "Dr.", "S.Sos., M.Si.", Golongan.IV_B, "BKPSDM", "KA-BKPSDM", None),
    "sdm": ("Agus Pratama", "", "S.Psi.", Golongan.III_B, "BKPSDM.PKA", "ANALIS-SDM", "admin"),
    "pelatih": (
        "Sri Wahyuni",
        "",
        "S.Pd., M.Pd.",
        Golongan.III_D,
        "BKPSDM.PKA",
        "WIDYAISWARA",
        "admin",
    ),
    "atasan": ("Budi Santoso", "", "S.T., M.M.", Golongan.III_D, "DPMPTSP.PEL", "KABID-PEL", None),
    "peserta": (
        "Rina Lestari",
        "",
        "A.Md.",
        Golongan.II_C,
        "DPMPTSP.PEL",
        "PENGELOLA-LAYANAN",
        "atasan",
    ),
}
# Colleagues without a login (their accounts are never invited in the demo).
COLLEAGUES = [
    ("199105082017031001", "Andi Saputra", "", "S.E.", Golongan.III_A, "DPMPTSP.PEL", "PENGELOLA-LAYANAN", "atasan"),
    ("199307212019032002", "Nur Aisyah", "", "S.Kom.", Golongan.III_A, "DPMPTSP.PEL", "PENGELOLA-LAYANAN", "atasan"),
    ("198912012014021003", "Muhammad Rizal", "", "", Golongan.II_D, "DUKCAPIL.PIAK", "PETUGAS-DUKCAPIL", None),
    ("199409172020122001", "Siti Rahmawati", "", "A.Md.Kep.", Golongan.II_C, "DINKES.PKM-BU1", "PERAWAT", None),
    ("198603112009011002", "Hendra Gunawan", "", "S.IP.", Golongan.III_C, "KEL.APIAPI", "KASI-PEM-KEL", None),
]  # fmt: skip


def competency_dictionary_seed() -> dict[str, Competency]:
    """The dictionary of competencies/data/dictionary.py (the PermenPANRB 38/2017 texts for
    M.01–M.08 and SK.01). Creates what is missing and never overwrites a competency or
    level that exists: HR edits those in the admin, and migration 0013 brought earlier
    installations' generated texts up to the regulation's."""
    competencies = {}
    for code, entry in dictionary_texts().items():
        competency, _ = Competency.objects.get_or_create(
            code=code,
            defaults={
                "kind": entry["kind"],
                "name_id": entry["name_id"],
                "name_en": entry["name_en"],
                "description_id": entry["description_id"],
            },
        )
        for level, texts in entry["levels"].items():
            ProficiencyLevel.objects.get_or_create(
                competency=competency, level=level, defaults=texts
            )
        competencies[code] = competency
    return competencies


def _units(actor: User) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for code, name, kind, parent in UNITS:
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            unit = orgunit_create(
                actor=actor, code=code, name=name, kind=kind, parent=units.get(parent or "")
            )
        units[code] = unit
    return units


def _positions(
    units: dict[str, OrgUnit], competencies: dict[str, Competency]
) -> dict[str, Position]:
    positions = {}
    for code, name, kind, jenjang, unit, base, technical in POSITIONS:
        position, _ = Position.objects.get_or_create(
            code=code,
            defaults={"name": name, "kind": kind, "jenjang": jenjang, "unit": units[unit]},
        )
        standard = dict.fromkeys(MANAGERIAL, base) | technical
        for competency_code, level in standard.items():
            PositionRequirement.objects.get_or_create(
                position=position,
                competency=competencies[competency_code],
                defaults={"required_level": level},
            )
        positions[code] = position
    return positions


def _employee(
    actor: User, *, user: User | None, nip: str, email: str, data: tuple, units, positions
) -> Employee:
    full_name, prefix, suffix, golongan, unit, position, _supervisor = data
    existing = Employee.objects.filter(user__email=email).first()
    if existing:
        return existing
    if user is not None:
        employee = Employee(
            user=user, full_name=full_name, title_prefix=prefix, title_suffix=suffix,
            golongan=golongan, unit=units[unit], position=positions[position],
            joined_on=datetime.date(int(nip[8:12]), int(nip[12:14]), 1),
        )  # fmt: skip
        employee.full_clean()
        employee.save()
        return employee
    return employee_create(
        actor=actor, email=email, full_name=full_name, nip=nip, title_prefix=prefix,
        title_suffix=suffix, golongan=golongan, unit=units[unit], position=positions[position],
        joined_on=datetime.date(int(nip[8:12]), int(nip[12:14]), 1), invite=False,
    )  # fmt: skip


@transaction.atomic
def competencies_demo_seed(*, users: dict[str, User]) -> None:
    """`users` maps the demo e-mail local parts (peserta, atasan, pelatih, sdm, admin)
    to their accounts."""
    hr = users["sdm"]
    competencies = competency_dictionary_seed()
    units = _units(hr)
    positions = _positions(units, competencies)
    employees: dict[str, Employee] = {}
    for key, data in DEMO_EMPLOYEES.items():
        user = users[key]
        employees[key] = _employee(
            hr, user=user, nip=user.nip or "", email=user.email, data=data,
            units=units, positions=positions,
        )  # fmt: skip
    for nip, *rest in COLLEAGUES:
        email = f"{str(rest[0]).split()[0].lower()}.{nip[-3:]}@demo.bontang.example"
        employees[nip] = _employee(
            hr, user=None, nip=nip, email=email, data=tuple(rest),
            units=units, positions=positions,
        )  # fmt: skip
    supervisors: dict[str, Any] = {key: row[-1] for key, row in DEMO_EMPLOYEES.items()}
    supervisors |= {nip: rest[-1] for nip, *rest in COLLEAGUES}
    for key, supervisor_key in supervisors.items():
        supervisor = employees.get(supervisor_key) if supervisor_key else None
        if supervisor and employees[key].supervisor_id != supervisor.pk:
            Employee.objects.filter(pk=employees[key].pk).update(supervisor=supervisor)
            employees[key].supervisor = supervisor
    _assessments(employees=employees, users=users, competencies=competencies)
    # The demo accounts' HR records and the standards above are saved directly, not by
    # the services that keep the gap counts: count every unit once (idempotent).
    gap_counts_rebuild()


def _assessments(*, employees, users, competencies) -> None:
    """Rina (peserta): approved levels below and at standard, one pending self assessment;
    colleagues: a few approved ratings so the heat-map has colour."""
    if Assessment.objects.filter(employee=employees["peserta"]).exists():
        return
    hr, boss = users["sdm"], users["atasan"]
    today = timezone.localdate()
    a_year = datetime.timedelta(days=365)
    rina = employees["peserta"]
    approved = [
        (rina, "M.05", 1, Assessment.Method.ASSESSMENT_CENTER, hr),
        (rina, "M.01", 2, Assessment.Method.ASSESSMENT_CENTER, hr),
        (rina, "M.03", 1, Assessment.Method.SUPERVISOR, boss),
        (rina, "T.PP.01", 1, Assessment.Method.TEST, hr),
        (rina, "T.PP.04", 2, Assessment.Method.TEST, hr),
    ]
    for nip, level in (("199105082017031001", 2), ("199307212019032002", 1)):
        approved.append((employees[nip], "T.PP.01", level, Assessment.Method.TEST, hr))
        approved.append((employees[nip], "M.05", 1, Assessment.Method.ASSESSMENT_CENTER, hr))
    for employee, code, level, method, assessor in approved:
        assessment = assessment_create(
            actor=assessor, employee=employee, competency=competencies[code], level=level,
            method=method, assessed_on=today - datetime.timedelta(days=30),
            valid_until=today + 2 * a_year, submit=True,
        )  # fmt: skip
        assessment_approve(actor=hr, assessment=assessment)
    assessment_create(
        actor=users["peserta"], employee=rina, competency=competencies["M.02"], level=2,
        method=Assessment.Method.SELF, note="Aktif dalam tim pelayanan loket.", submit=True,
    )  # fmt: skip
