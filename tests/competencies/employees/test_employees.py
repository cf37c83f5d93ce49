from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from competencies.models import Assessment, Employee
from competencies.services.employees import (
    employee_create,
    employee_deactivate,
    employee_reactivate,
    employee_update,
)
from tests.factories.accounts import PASSWORD
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db


def test_employee_create_makes_an_invited_learner_account(
    org, django_capture_on_commit_callbacks, settings, mailoutbox
):
    settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS = []  # only the invitation here
    with django_capture_on_commit_callbacks(execute=True):
        employee = employee_create(
            actor=org.hr, email="Baru@Uji.example", full_name="Rina Lestari",
            nip="199203152019032001", title_suffix="S.Sos.", unit=org.unit_a,
        )  # fmt: skip

    assert [m.to for m in mailoutbox] == [["baru@uji.example"]]  # the invitation, once
    assert employee.user.email == "baru@uji.example"
    assert employee.nip == "199203152019032001"
    assert employee.display_name == "Rina Lestari, S.Sos."
    assert list(employee.user.groups.values_list("name", flat=True)) == ["Peserta"]
    assert ModelLogEntry.objects.for_instance(employee).filter(action="wagtail.create").exists()


def test_employee_create_applies_the_nip_rules(org):
    with pytest.raises(ValidationError) as info:
        employee_create(
            actor=org.hr, email="x@uji.example", full_name="X", nip="199203152019032000"
        )
    assert "000" in " ".join(info.value.messages)


def test_pppk_numbers_skip_the_pns_date_rules(org):
    employee = employee_create(
        actor=org.hr, email="pppk@uji.example", full_name="Pegawai PPPK",
        nip="199213152019133000", employment_type=Employee.EmploymentType.PPPK, invite=False,
    )  # fmt: skip
    assert employee.pk


def test_scoped_hr_cannot_create_outside_their_subtree(org):
    with pytest.raises(PermissionDenied):
        employee_create(actor=org.scoped_hr, email="x@uji.example", full_name="X", unit=org.unit_b)


def test_update_records_what_changed(org):
    employee = org.employee()

    employee_update(actor=org.hr, employee=employee, unit=org.unit_b, email="pindah@uji.example")

    entry = ModelLogEntry.objects.for_instance(employee).get(action="wagtail.edit")
    assert entry.user_id == org.hr.pk
    assert entry.data["changes"]["unit"] == [org.unit_a.pk, org.unit_b.pk]
    assert entry.data["changes"]["email"][1] == "pindah@uji.example"


def test_update_without_changes_writes_no_audit_entry(org):
    employee = org.employee()

    employee_update(actor=org.hr, employee=employee, unit=org.unit_a)

    assert not ModelLogEntry.objects.for_instance(employee).filter(action="wagtail.edit").exists()


def test_deactivation_keeps_records_and_stops_sign_in(org, client, home_page):
    employee = org.employee()
    employee.user.set_password(PASSWORD)
    employee.user.save()
    Assessment.objects.create(
        employee=employee, competency=org.m05, level=2, method="test",
        assessed_on="2026-01-01", status="approved",
    )  # fmt: skip

    employee_deactivate(actor=org.hr, employee=employee, reason="Pensiun")
    employee_deactivate(actor=org.hr, employee=employee, reason="Pensiun")  # twice: one entry

    employee.refresh_from_db()
    assert not employee.is_active and employee.deactivated_at
    assert Assessment.objects.filter(employee=employee).count() == 1
    assert ModelLogEntry.objects.filter(action="competencies.deactivate").count() == 1
    client.post(reverse("account_login"), {"login": employee.user.email, "password": PASSWORD})
    assert client.session.get("_auth_user_id") is None

    employee_reactivate(actor=org.hr, employee=employee)
    employee.refresh_from_db()
    assert employee.is_active and employee.user.is_active


def test_employees_cannot_be_hard_deleted_while_they_have_records(org):
    from django.db.models import ProtectedError

    employee = org.employee()
    Assessment.objects.create(
        employee=employee, competency=org.m05, level=2, method="test", assessed_on="2026-01-01"
    )
    with pytest.raises(ProtectedError):
        employee.delete()


def test_birth_date_comes_from_the_nip_and_is_none_for_pppk_or_without_a_nip():
    employee = EmployeeFactory(user__nip="199003122015032001")
    assert employee.birth_date == datetime.date(1990, 3, 12)
    employee.employment_type = Employee.EmploymentType.PPPK
    assert employee.birth_date is None
    assert EmployeeFactory(user__nip=None).birth_date is None
