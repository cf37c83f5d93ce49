from __future__ import annotations

import io

from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

import pytest

from accounts.models import User
from competencies.models import Employee, OrgUnit
from tests.competencies.imports.files import csv_bytes, xlsx_bytes
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db

GOOD = ["199203152019032001", "Rina", "rina@bontang.example"]
BAD = ["199203152019033001", "Budi", "budi@bontang.example"]  # gender digit 3


def _run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.mark.parametrize("dry_run", [True, False])
def test_import_with_a_bad_row_prints_it_exits_non_zero_and_writes_nothing(tmp_path, dry_run):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(["nip", "nama", "email"], [GOOD, BAD]))
    err = io.StringIO()

    with translation.override("en"), pytest.raises(CommandError):
        call_command(
            "import_employees",
            str(path),
            *(["--dry-run"] if dry_run else []),
            stdout=io.StringIO(),
            stderr=err,
        )

    assert err.getvalue().startswith("row 3, column nip: Digit 15 of a NIP is the gender")
    assert not User.objects.exists()


def test_dry_run_of_a_valid_file_writes_nothing(tmp_path):
    path = tmp_path / "pegawai.xlsx"
    path.write_bytes(xlsx_bytes(["nip", "nama", "email"], [GOOD]))

    out, _err = _run("import_employees", str(path), "--dry-run")

    assert "1" in out
    assert not Employee.objects.exists()


def test_import_then_reimport_changes_nothing(tmp_path, django_capture_on_commit_callbacks):
    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(["nip", "nama", "email"], [GOOD]))
    with django_capture_on_commit_callbacks(execute=True):
        _run("import_employees", str(path))
    assert Employee.objects.count() == 1

    with django_capture_on_commit_callbacks() as callbacks:
        _run("import_employees", str(path))

    assert callbacks == []
    assert Employee.objects.count() == 1


def test_units_and_positions_commands(tmp_path):
    units = tmp_path / "unit.csv"
    units.write_bytes(
        csv_bytes(
            ["kode", "nama", "jenis", "kode_induk"],
            [["B", "Bidang", "bidang", "A"], ["A", "Dinas", "dinas", ""]],
        )
    )
    positions = tmp_path / "jabatan.csv"
    positions.write_bytes(
        csv_bytes(["kode", "nama", "jenis", "kode_unit"], [["STAF", "Staf", "pelaksana", "B"]])
    )

    _run("import_units", str(units))
    _run("import_positions", str(positions))

    assert OrgUnit.objects.get(code="B").get_parent().code == "A"


def test_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError):
        _run("import_units", str(tmp_path / "nope.csv"))


def test_export_commands_write_csv_and_xlsx(tmp_path):
    EmployeeFactory(full_name="Rina")
    target = tmp_path / "pegawai.xlsx"

    out, _err = _run("export_employees")
    _run("export_employees", "--format", "xlsx", "--output", str(target))

    assert out.splitlines()[0].startswith("nip,name,email")
    assert "Rina" in out
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError):
        _run("export_units", "--format", "xlsx")
    units_out, _err = _run("export_units")
    positions_out, _err = _run("export_positions")
    assert units_out.startswith("code,name,kind")
    assert positions_out.startswith("code,name,kind,jenjang")


def test_a_database_error_is_a_clear_message_and_a_non_zero_exit(tmp_path):
    """The database going away mid-import printed a traceback; now a message (and the
    command's non-zero status: CommandError), and nothing is written."""
    from django.db import OperationalError, connection

    path = tmp_path / "pegawai.csv"
    path.write_bytes(csv_bytes(["nip", "nama", "email"], [GOOD]))

    def database_down(execute, sql, params, many, context):
        raise OperationalError("could not connect to server: Connection refused")

    with (
        translation.override("en"),
        connection.execute_wrapper(database_down),
        pytest.raises(CommandError, match="database") as raised,
    ):
        call_command("import_employees", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    assert "nothing was imported" in str(raised.value)
    assert "Connection refused" in str(raised.value)
    assert not User.objects.exists()
