"""A unit-scoped HR manager cannot name, by import, a supervisor employed outside their
scope: that person would get a supervisor's rights over the employee. The row is refused
with a clear error and nothing is written."""

from __future__ import annotations

from django.utils import translation

import pytest

from accounts.roles import Role
from competencies.imports.employees import employees_import
from competencies.models import Employee, HRScope
from tests.competencies.imports.files import csv_bytes
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db

NIP_A = "199203152019032001"
NIP_B = "198507202010011003"
HEADERS = ["nip", "name", "email", "kode_unit", "nip_atasan"]


@pytest.fixture
def units():
    dinkes = OrgUnitFactory(code="DINKES")
    puskesmas = OrgUnitFactory(code="PUSKESMAS", parent=dinkes)
    disdik = OrgUnitFactory(code="DISDIK")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=dinkes)
    return {"dinkes": dinkes, "puskesmas": puskesmas, "disdik": disdik, "hr": hr}


def _import(data: bytes, actor):
    return employees_import(data=data, filename="pegawai.csv", actor=actor, dry_run=False)


@pytest.mark.parametrize("dry_run", [True, False])
def test_a_supervisor_outside_the_scope_is_refused_and_nothing_is_written(units, dry_run):
    stranger = EmployeeFactory(unit=units["disdik"])
    data = csv_bytes(
        HEADERS,
        [
            [NIP_A, "Rina", "rina@bontang.example", "PUSKESMAS", stranger.nip],
            [NIP_B, "Budi", "budi@bontang.example", "PUSKESMAS", ""],
        ],
    )

    with translation.override("en"):
        report = employees_import(
            data=data, filename="pegawai.csv", actor=units["hr"], dry_run=dry_run
        )
        messages = [(e.row, e.column, e.message) for e in report.errors]

    assert not report.ok
    assert [(row, column) for row, column, _ in messages] == [(2, "nip_atasan")]
    assert "outside the part of the organisation you manage" in messages[0][2]
    assert stranger.nip in messages[0][2]
    assert not Employee.objects.filter(user__nip__in=[NIP_A, NIP_B]).exists()


def test_an_existing_employee_does_not_get_an_out_of_scope_supervisor(units):
    employee = EmployeeFactory(unit=units["puskesmas"])
    stranger = EmployeeFactory(unit=units["disdik"])
    data = csv_bytes(
        HEADERS,
        [[employee.nip, employee.full_name, employee.user.email, "PUSKESMAS", stranger.nip]],
    )

    report = _import(data, units["hr"])

    assert [(e.row, e.column) for e in report.errors] == [(2, "nip_atasan")]
    employee.refresh_from_db()
    assert employee.supervisor is None

    # A supervisor inside the scope, and any supervisor for a manager without a scope,
    # are accepted.
    boss = EmployeeFactory(unit=units["dinkes"])
    inside = _import(
        csv_bytes(HEADERS, [[NIP_A, "Rina", "rina@bontang.example", "PUSKESMAS", boss.nip]]),
        units["hr"],
    )
    assert inside.ok, inside.errors
    assert Employee.objects.get(user__nip=NIP_A).supervisor == boss
    unscoped = _import(
        csv_bytes(HEADERS, [[NIP_B, "Budi", "budi@bontang.example", "PUSKESMAS", stranger.nip]]),
        UserFactory(roles=[Role.PENGELOLA_SDM]),
    )
    assert unscoped.ok, unscoped.errors
    assert Employee.objects.get(user__nip=NIP_B).supervisor == stranger


def test_the_employee_services_refuse_an_out_of_scope_supervisor_too(units):
    from django.core.exceptions import PermissionDenied

    from competencies.services.employees import employee_create, employee_update

    stranger = EmployeeFactory(unit=units["disdik"])
    employee = EmployeeFactory(unit=units["puskesmas"])

    with pytest.raises(PermissionDenied):
        employee_update(actor=units["hr"], employee=employee, supervisor=stranger)
    with pytest.raises(PermissionDenied):
        employee_create(
            actor=units["hr"], email="rina@bontang.example", full_name="Rina", nip=NIP_A,
            unit=units["puskesmas"], supervisor=stranger, invite=False,
        )  # fmt: skip
    employee.refresh_from_db()
    assert employee.supervisor is None
    assert not Employee.objects.filter(user__nip=NIP_A).exists()
