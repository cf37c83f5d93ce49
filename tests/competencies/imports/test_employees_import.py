from __future__ import annotations

from django.core import mail
from django.utils import translation

from wagtail.models import ModelLogEntry

import pytest
from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role
from competencies.imports.employees import employees_import
from competencies.models import Employee, HRScope
from tests.competencies.imports.files import csv_bytes, xlsx_bytes
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    EmployeeFactory,
    OrgUnitFactory,
    PositionFactory,
    valid_nip,
)
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

NIP_A = "199203152019032001"
NIP_B = "198507202010011003"
NIP_C = "198011052005012002"


def _import(data: bytes, *, filename: str = "pegawai.csv", actor=None, dry_run: bool = False):
    return employees_import(data=data, filename=filename, actor=actor, dry_run=dry_run)


def _errors(report) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in report.errors]


def test_minimal_file_creates_accounts_and_employee_records(django_capture_on_commit_callbacks):
    data = csv_bytes(
        ["nip", "name", "email"],
        [[NIP_A, "Rina Lestari", "Rina@Bontang.example"], [NIP_B, "Budi", "budi@bontang.example"]],
    )

    with django_capture_on_commit_callbacks():
        report = _import(data)

    assert report.ok, report.errors
    assert (report.rows, report.created, report.updated, report.unchanged) == (2, 2, 0, 0)
    employee = Employee.objects.select_related("user").get(user__nip=NIP_A)
    assert employee.full_name == "Rina Lestari"
    assert employee.employment_type == Employee.EmploymentType.PNS
    user = employee.user
    assert user.email == "rina@bontang.example"
    assert (user.first_name, user.last_name) == ("Rina", "Lestari")
    assert not user.has_usable_password()
    assert list(user.groups.values_list("name", flat=True)) == [Role.PESERTA]
    assert EmailAddress.objects.filter(
        user=user, email=user.email, verified=True, primary=True
    ).exists()
    assert ModelLogEntry.objects.filter(
        action="wagtail.create", object_id=str(employee.pk)
    ).exists()


def test_new_accounts_get_one_invitation_batch_queued_on_commit(
    django_capture_on_commit_callbacks, settings
):
    settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS = []  # only the invitation here
    data = csv_bytes(
        ["nip", "name", "email"],
        [[NIP_A, "Rina", "rina@bontang.example"], [NIP_B, "Budi", "budi@bontang.example"]],
    )

    with django_capture_on_commit_callbacks() as callbacks:
        _import(data)
    assert len(callbacks) == 1
    assert mail.outbox == []

    callbacks[0]()
    assert sorted(m.to[0] for m in mail.outbox) == ["budi@bontang.example", "rina@bontang.example"]
    assert User.objects.filter(invitation_sent_at__isnull=False).count() == 2


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_bad_row_is_reported_and_nothing_is_written(dry_run, django_capture_on_commit_callbacks):
    data = csv_bytes(
        ["nip", "name", "email"],
        [
            [NIP_A, "Rina", "rina@bontang.example"],
            ["19920315201903300", "Salah", "salah@bontang.example"],
        ],
    )
    users_before = User.objects.count()

    with django_capture_on_commit_callbacks() as callbacks:
        report = _import(data, dry_run=dry_run)

    assert not report.ok
    assert _errors(report) == [(3, "nip")]
    assert User.objects.count() == users_before
    assert not Employee.objects.exists()
    assert not ModelLogEntry.objects.exists()
    assert callbacks == []


def test_a_valid_dry_run_counts_but_writes_nothing():
    data = csv_bytes(["nip", "name", "email"], [[NIP_A, "Rina", "rina@bontang.example"]])

    report = _import(data, dry_run=True)

    assert report.ok and report.dry_run
    assert report.created == 1
    assert not Employee.objects.exists()


@pytest.mark.parametrize("filename", ["pegawai.csv", "pegawai.xlsx"])
def test_reimporting_the_same_file_changes_nothing(filename, django_capture_on_commit_callbacks):
    unit = OrgUnitFactory(code="DISKOMINFO")
    position = PositionFactory(code="ANALIS")
    headers = [
        "nip",
        "name",
        "email",
        "title_prefix",
        "title_suffix",
        "employment_type",
        "golongan",
        "unit_code",
        "position_code",
        "supervisor_nip",
        "joined_on",
        "is_active",
    ]
    rows = [
        [
            NIP_A,
            "Rina Lestari",
            "rina@bontang.example",
            "Dr.",
            "M.Si.",
            "PNS",
            "III/a",
            unit.code,
            position.code,
            NIP_B,
            "2019-03-01",
            "ya",
        ],
        [
            NIP_B,
            "Budi Santoso",
            "budi@bontang.example",
            "",
            "S.T.",
            "PNS",
            "IV/a",
            unit.code,
            "",
            "",
            "01-01-2010",
            "yes",
        ],
        [
            "123456789012345678",
            "Citra",
            "citra@bontang.example",
            "",
            "",
            "PPPK",
            "",
            unit.code,
            "",
            NIP_B,
            "",
            "",
        ],
    ]
    make = xlsx_bytes if filename.endswith(".xlsx") else csv_bytes
    data = make(headers, rows)
    with django_capture_on_commit_callbacks(execute=True):
        first = _import(data, filename=filename)
    assert first.ok, first.errors
    assert first.created == 3
    mail.outbox.clear()
    stamps = dict(Employee.objects.values_list("pk", "updated_at"))
    users = list(User.objects.order_by("pk").values())
    log_count = ModelLogEntry.objects.count()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        second = _import(data, filename=filename)

    assert second.ok, second.errors
    assert (second.created, second.updated, second.unchanged) == (0, 0, 3)
    assert dict(Employee.objects.values_list("pk", "updated_at")) == stamps
    assert list(User.objects.order_by("pk").values()) == users
    assert ModelLogEntry.objects.count() == log_count
    assert callbacks == []
    assert mail.outbox == []


def test_indonesian_headers_in_any_case_and_spacing_are_accepted():
    unit = OrgUnitFactory(code="BKPSDM")
    position = PositionFactory(code="PRANATA")
    data = csv_bytes(
        [
            "NIP",
            "Nama",
            "Surel",
            "Gelar Depan",
            "gelar-belakang",
            "Jenis Pegawai",
            "Golongan",
            "Kode Unit",
            "KODE_JABATAN",
            "NIP Atasan",
            "TMT",
            "Aktif",
        ],
        [
            [
                NIP_B,
                "Budi",
                "budi@bontang.example",
                "",
                "",
                "PNS",
                "41",
                "BKPSDM",
                "",
                "",
                "",
                "ya",
            ],
            [
                NIP_A,
                "Rina",
                "rina@bontang.example",
                "Dr.",
                "M.Si.",
                "pns",
                "iii/b",
                "BKPSDM",
                "PRANATA",
                "1985 0720 2010 01 1 003",
                "15-03-2019",
                "tidak",
            ],
        ],
    )

    report = _import(data)

    assert report.ok, report.errors
    rina = Employee.objects.select_related("user", "supervisor__user").get(user__nip=NIP_A)
    assert (rina.title_prefix, rina.title_suffix) == ("Dr.", "M.Si.")
    assert rina.golongan == 32
    assert (rina.unit, rina.position) == (unit, position)
    assert rina.supervisor.nip == NIP_B
    assert str(rina.joined_on) == "2019-03-15"
    assert rina.is_active is False and rina.deactivated_at is not None
    assert rina.user.is_active is False
    assert Employee.objects.get(user__nip=NIP_B).golongan == 41


def test_semicolon_separated_csv_with_a_byte_order_mark_is_read():
    data = b"\xef\xbb\xbf" + csv_bytes(
        ["nip", "nama", "email"], [[NIP_A, "Rina", "rina@bontang.example"]], delimiter=";"
    )

    report = _import(data)

    assert report.ok, report.errors
    assert Employee.objects.get().user.nip == NIP_A


def test_unknown_columns_are_ignored_and_listed():
    data = csv_bytes(
        ["nip", "name", "email", "hobi"], [[NIP_A, "Rina", "rina@bontang.example", "x"]]
    )

    report = _import(data, dry_run=True)

    assert report.ok
    assert report.ignored_columns == ["hobi"]


def test_a_missing_required_column_is_reported_on_the_header_row():
    report = _import(csv_bytes(["nip", "nama"], [[NIP_A, "Rina"]]))

    assert _errors(report) == [(1, "email")]


def test_duplicate_nip_and_email_within_the_file_are_errors():
    data = csv_bytes(
        ["nip", "name", "email"],
        [
            [NIP_A, "Rina", "rina@bontang.example"],
            ["1992 0315 2019 03 2 001", "Rina lagi", "rina2@bontang.example"],
            [NIP_B, "Budi", "RINA@bontang.example"],
        ],
    )

    report = _import(data)

    assert _errors(report) == [(3, "nip"), (4, "email")]
    with translation.override("en"):
        report = _import(data, dry_run=True)
    assert "row 2" in report.errors[0].message


def test_unknown_unit_position_and_supervisor_are_errors():
    data = csv_bytes(
        ["nip", "name", "email", "kode_unit", "kode_jabatan", "nip_atasan"],
        [[NIP_A, "Rina", "rina@bontang.example", "NOPE", "NADA", NIP_C]],
    )

    report = _import(data)

    assert _errors(report) == [(2, "kode_unit"), (2, "kode_jabatan"), (2, "nip_atasan")]
    assert not User.objects.exists()


@pytest.mark.parametrize(
    ("nip", "broken"),
    [
        ("199213152019032001", "nip_birth_date"),  # month 13
        ("199203152019132001", "nip_appointment"),  # appointment month 13
        ("199203152019033001", "nip_gender"),  # gender 3
        ("199203152019032000", "nip_serial"),  # serial 000
        ("199203152019", "nip_length"),
        ("19920315201903200X", "nip_length"),
    ],
)
def test_nip_rules_apply_to_pns(nip, broken):
    report = _import(csv_bytes(["nip", "name", "email"], [[nip, "Rina", "rina@bontang.example"]]))

    assert _errors(report) == [(2, "nip")]


def test_an_appointment_before_birth_is_an_error():
    report = _import(
        csv_bytes(["nip", "name", "email"], [["199203151990012001", "Rina", "r@bontang.example"]])
    )

    assert _errors(report) == [(2, "nip")]


def test_pppk_numbers_are_not_held_to_pns_date_rules():
    data = csv_bytes(
        ["nip", "name", "email", "jenis_pegawai"],
        [["123456789012345678", "Citra", "citra@bontang.example", "PPPK"]],
    )

    report = _import(data)

    assert report.ok, report.errors
    assert Employee.objects.get().employment_type == Employee.EmploymentType.PPPK


def test_pppk_numbers_still_need_18_digits_and_no_golongan():
    data = csv_bytes(
        ["nip", "name", "email", "jenis_pegawai", "golongan"],
        [
            ["12345678901234567", "Citra", "citra@bontang.example", "PPPK", ""],
            ["123456789012345678", "Dewi", "dewi@bontang.example", "PPPK", "III/a"],
        ],
    )

    report = _import(data)

    assert _errors(report) == [(2, "nip"), (3, "golongan")]


def test_a_nip_stored_as_a_number_in_xlsx_is_an_error():
    data = xlsx_bytes(["nip", "name", "email"], [[199203152019032001, "Rina", "r@bontang.example"]])

    report = _import(data, filename="pegawai.xlsx")

    assert _errors(report) == [(2, "nip")]


def test_supervisor_may_be_a_later_row_of_the_same_file():
    data = csv_bytes(
        ["nip", "name", "email", "supervisor_nip"],
        [
            [NIP_A, "Rina", "rina@bontang.example", NIP_B],
            [NIP_B, "Budi", "budi@bontang.example", NIP_C],
            [NIP_C, "Sari", "sari@bontang.example", ""],
        ],
    )

    report = _import(data)

    assert report.ok, report.errors
    rina = Employee.objects.get(user__nip=NIP_A)
    assert rina.supervisor.user.nip == NIP_B
    assert rina.supervisor.supervisor.user.nip == NIP_C
    assert rina.supervisor.supervisor.supervisor is None


def test_an_existing_employee_can_become_supervisor_by_nip():
    boss = EmployeeFactory()
    data = csv_bytes(
        ["nip", "name", "email", "nip_atasan"], [[NIP_A, "Rina", "rina@bontang.example", boss.nip]]
    )

    assert _import(data).ok
    assert Employee.objects.get(user__nip=NIP_A).supervisor == boss


def test_an_employee_cannot_supervise_themselves():
    data = csv_bytes(
        ["nip", "name", "email", "nip_atasan"], [[NIP_A, "Rina", "rina@bontang.example", NIP_A]]
    )

    assert _errors(_import(data)) == [(2, "nip_atasan")]


def test_an_email_of_another_account_is_an_error():
    UserFactory(email="dipakai@bontang.example")
    data = csv_bytes(["nip", "name", "email"], [[NIP_A, "Rina", "dipakai@bontang.example"]])

    assert _errors(_import(data)) == [(2, "email")]


def test_an_account_with_the_nip_but_no_employee_record_gets_one():
    user = UserFactory(nip=NIP_A, email="rina@bontang.example")
    data = csv_bytes(["nip", "name", "email"], [[NIP_A, "Rina Lestari", "rina@bontang.example"]])

    report = _import(data)

    assert report.ok and report.created == 1
    assert Employee.objects.get().user == user
    assert User.objects.count() == 1


def test_updates_write_only_changed_rows_and_audit_the_changed_fields():
    actor = UserFactory(roles=[Role.PENGELOLA_SDM])
    old_unit, new_unit = OrgUnitFactory(code="LAMA"), OrgUnitFactory(code="BARU")
    changed = EmployeeFactory(golongan=31, unit=old_unit, full_name="Rina")
    same = EmployeeFactory(golongan=31, unit=old_unit, full_name="Budi")
    stamp = Employee.objects.get(pk=same.pk).updated_at
    old_email = changed.user.email
    data = csv_bytes(
        ["nip", "name", "email", "golongan", "kode_unit"],
        [
            [changed.nip, "Rina", "rina.baru@bontang.example", "III/b", "BARU"],
            [same.nip, "Budi", same.user.email, "III/a", "LAMA"],
        ],
    )

    report = _import(data, actor=actor)

    assert report.ok, report.errors
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    changed.refresh_from_db()
    assert (changed.golongan, changed.unit) == (32, new_unit)
    assert changed.user.email == "rina.baru@bontang.example"
    assert EmailAddress.objects.filter(
        user=changed.user, email="rina.baru@bontang.example", verified=True
    ).exists()
    entry = ModelLogEntry.objects.get(action="wagtail.edit")
    assert entry.object_id == str(changed.pk)
    assert entry.user == actor
    assert entry.data["changes"] == {
        "email": [old_email, "rina.baru@bontang.example"],
        "golongan": [31, 32],
        "unit": [old_unit.pk, new_unit.pk],
    }
    assert Employee.objects.get(pk=same.pk).updated_at == stamp


def test_deactivating_through_the_file_locks_the_account():
    employee = EmployeeFactory(full_name="Rina")
    data = csv_bytes(
        ["nip", "name", "email", "aktif"], [[employee.nip, "Rina", employee.user.email, "tidak"]]
    )

    assert _import(data).ok

    employee.refresh_from_db()
    employee.user.refresh_from_db()
    assert employee.is_active is False and employee.deactivated_at is not None
    assert employee.user.is_active is False
    assert ModelLogEntry.objects.get(action="wagtail.edit").data["changes"] == {
        "is_active": [True, False]
    }


def test_a_unit_scoped_hr_manager_imports_only_into_their_subtree():
    root = OrgUnitFactory(code="DINKES")
    inside = OrgUnitFactory(code="PUSKESMAS", parent=root)
    outside = OrgUnitFactory(code="DISDIK")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=root)
    stranger = EmployeeFactory(unit=outside, full_name="Asing")
    data = csv_bytes(
        ["nip", "name", "email", "kode_unit"],
        [
            [NIP_A, "Rina", "rina@bontang.example", "PUSKESMAS"],
            [NIP_B, "Budi", "budi@bontang.example", "DISDIK"],
            [NIP_C, "Sari", "sari@bontang.example", ""],
            [stranger.nip, "Asing", stranger.user.email, "PUSKESMAS"],
        ],
    )

    report = _import(data, actor=hr)

    assert _errors(report) == [(3, "kode_unit"), (4, "kode_unit"), (5, "nip")]
    assert not Employee.objects.filter(user__nip=NIP_A).exists()

    ok = _import(
        csv_bytes(
            ["nip", "name", "email", "kode_unit"],
            [[NIP_A, "Rina", "r@bontang.example", "PUSKESMAS"]],
        ),
        actor=hr,
    )
    assert ok.ok, ok.errors
    assert Employee.objects.get(user__nip=NIP_A).unit == inside


def test_the_command_line_has_no_scope():
    OrgUnitFactory(code="DISDIK")
    data = csv_bytes(
        ["nip", "name", "email", "kode_unit"], [[NIP_A, "Rina", "r@bontang.example", "DISDIK"]]
    )

    assert _import(data, actor=None).ok


class _Files:
    """Employee files of `size` rows on one unit and position: `create` imports a new
    file, `update` changes the golongan of everyone in the latest one, `same` imports it
    again unchanged; `grow` makes the files larger."""

    HEADERS = ["nip", "name", "email", "golongan", "unit_code", "position_code", "supervisor_nip"]

    def __init__(self, size: int) -> None:
        OrgUnitFactory(code="UNIT")
        PositionFactory(code="POS")
        self.size, self.start, self.golongan = size, 0, "III/a"
        self.create()

    def _data(self) -> bytes:
        first = valid_nip(self.start)
        return csv_bytes(
            self.HEADERS,
            [
                [valid_nip(self.start + n), f"Pegawai {n}", f"p{self.start + n}@bontang.example",
                 self.golongan, "UNIT", "POS", first if n else ""]
                for n in range(self.size)
            ],
        )  # fmt: skip

    def create(self) -> None:
        self.start += 1000
        assert _import(self._data()).created == self.size

    def update(self) -> None:
        self.golongan = "III/b" if self.golongan == "III/a" else "III/a"
        assert _import(self._data()).updated == self.size

    def same(self) -> None:
        assert _import(self._data()).unchanged == self.size

    def grow(self) -> None:
        self.size = GROWN
        self.create()


# Over twice the rows: a query per row would show as 35 more. Larger files are split
# into several bulk writes on SQLite (999 parameters a statement), never on PostgreSQL:
# an employee row has 17 columns (with date_of_birth), so 58 rows fit in one insert.
GROWN = 55


# The limits are today's counts. Creating adds the gap counts' refresh of the unit the new
# employees joined (a savepoint, the unit's lock, its counts and its rows: 5).
@pytest.mark.parametrize(("step", "limit"), [("create", 18), ("update", 9), ("same", 7)])
def test_the_number_of_queries_does_not_grow_with_the_rows(step, limit):
    files = _Files(size=20)

    assert_constant_queries(getattr(files, step), grow=files.grow, limit=limit)


def test_a_loop_of_supervisors_within_the_file_is_an_error():
    data = csv_bytes(
        ["nip", "name", "email", "supervisor_nip"],
        [
            [NIP_A, "Rina", "rina@bontang.example", NIP_B],
            [NIP_B, "Budi", "budi@bontang.example", NIP_A],
            [NIP_C, "Sari", "sari@bontang.example", NIP_A],
        ],
    )

    assert _errors(_import(data)) == [(2, "supervisor_nip"), (3, "supervisor_nip")]


def test_a_new_supervisor_of_an_existing_employee_is_linked_and_audited():
    employee = EmployeeFactory(full_name="Rina")
    data = csv_bytes(
        ["nip", "name", "email", "supervisor_nip"],
        [
            [employee.nip, "Rina", employee.user.email, NIP_B],
            [NIP_B, "Budi", "budi@bontang.example", ""],
        ],
    )

    report = _import(data)

    assert (report.created, report.updated) == (1, 1)
    boss = Employee.objects.get(user__nip=NIP_B)
    employee.refresh_from_db()
    assert employee.supervisor == boss
    entry = ModelLogEntry.objects.get(action="wagtail.edit")
    assert entry.data["changes"] == {"supervisor": [None, boss.pk]}


def test_an_apostrophe_typed_before_the_nip_is_ignored():
    data = csv_bytes(["nip", "name", "email"], [["'" + NIP_A, "Rina", "rina@bontang.example"]])

    assert _import(data).ok
    assert Employee.objects.get().user.nip == NIP_A


def test_the_place_of_birth_column_is_read_by_its_indonesian_name():
    existing = EmployeeFactory(user__nip=NIP_B, full_name="Budi", birth_place="Samarinda")
    data = csv_bytes(
        ["nip", "nama", "surel", "tempat_lahir"],
        [
            [NIP_A, "Rina Lestari", "rina@bontang.example", "Bontang"],
            [NIP_B, "Budi", existing.user.email, ""],
        ],
    )

    report = _import(data)

    assert report.ok, report.errors
    assert (report.created, report.updated) == (1, 1)
    rina = Employee.objects.select_related("user").get(user__nip=NIP_A)
    assert rina.birth_place == "Bontang"
    assert rina.birth_date is not None and rina.birth_date.isoformat() == "1992-03-15"
    existing.refresh_from_db()
    assert existing.birth_place == ""  # an empty cell clears it, as for the titles


def test_a_file_without_the_place_of_birth_column_keeps_it():
    existing = EmployeeFactory(user__nip=NIP_B, full_name="Budi", birth_place="Samarinda")

    report = _import(csv_bytes(["nip", "name", "email"], [[NIP_B, "Budi", existing.user.email]]))

    assert report.ok, report.errors
    existing.refresh_from_db()
    assert existing.birth_place == "Samarinda"
