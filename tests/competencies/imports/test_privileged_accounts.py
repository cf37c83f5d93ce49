"""A scoped HR manager must not be able to take over an administrator's (or another
privileged) account through an import or the employee form."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

import pytest

from accounts.roles import Role
from competencies.imports.employees import employees_import
from competencies.services.employees import employee_deactivate, employee_update
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _csv(*rows: str) -> bytes:
    return ("nip,name,email,unit_code\n" + "\n".join(rows) + "\n").encode()


def test_scoped_hr_cannot_claim_an_account_without_an_employee_record(org):
    admin = UserFactory(
        roles=[Role.ADMINISTRATOR], nip="198001012005011001", email="admin@uji.example"
    )

    report = employees_import(
        data=_csv("198001012005011001,Penyusup,attacker@evil.example,DINAS.A"),
        filename="x.csv", actor=org.scoped_hr, dry_run=False,
    )  # fmt: skip

    assert not report.ok
    admin.refresh_from_db()
    assert admin.email == "admin@uji.example"
    assert not hasattr(admin, "employee")


def test_hr_cannot_change_the_email_of_a_privileged_employee(org):
    trainer = org.employee(unit=org.unit_a)
    trainer.user.groups.add(*UserFactory(roles=[Role.PELATIH]).groups.all())

    report = employees_import(
        data=_csv(f"{trainer.nip},{trainer.full_name},attacker@evil.example,DINAS.A"),
        filename="x.csv", actor=org.scoped_hr, dry_run=False,
    )  # fmt: skip
    assert not report.ok
    with pytest.raises(PermissionDenied):
        employee_update(actor=org.scoped_hr, employee=trainer, email="attacker@evil.example")
    with pytest.raises(PermissionDenied):
        employee_deactivate(actor=org.scoped_hr, employee=trainer)

    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    employee_update(actor=admin, employee=trainer, email="baru@uji.example")
    trainer.user.refresh_from_db()
    assert trainer.user.email == "baru@uji.example"


def test_hr_still_updates_ordinary_employees_by_import(org):
    learner = org.employee(unit=org.unit_a)

    report = employees_import(
        data=_csv(f"{learner.nip},{learner.full_name},pindah@uji.example,DINAS.A"),
        filename="x.csv", actor=org.scoped_hr, dry_run=False,
    )  # fmt: skip

    assert report.ok, report.errors
    learner.user.refresh_from_db()
    assert learner.user.email == "pindah@uji.example"
