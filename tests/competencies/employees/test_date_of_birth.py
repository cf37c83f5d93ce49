"""The recorded date of birth (issue 19): a PPPK holder's NI PPPK encodes no birth date,
so HR records it (the admin form, the employee import) and the STTP prints it; for a PNS
the NIP's date stays the source, and a recorded date that contradicts it is refused with
a clear message, nothing saved."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils.form_data import nested_form_data

import pytest

from competencies.imports.employees import employees_import
from competencies.models import Employee
from competencies.services.employees import employee_update
from tests.competencies.imports.files import csv_bytes
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db

NIP_PNS = "199203152019032001"  # born 1992-03-15
NI_PPPK = "198806122023212001"


def test_a_pppk_holder_gets_the_recorded_date_a_pns_the_nip_date():
    pppk = EmployeeFactory(
        user__nip=NI_PPPK,
        employment_type=Employee.EmploymentType.PPPK,
        date_of_birth=datetime.date(1988, 6, 12),
    )
    pns = EmployeeFactory(user__nip=NIP_PNS)

    assert pppk.birth_date == datetime.date(1988, 6, 12)
    assert pns.birth_date == datetime.date(1992, 3, 15)
    assert EmployeeFactory(user__nip=None).birth_date is None


def test_a_date_contradicting_a_pns_nip_is_refused_and_nothing_saved(org):
    employee = EmployeeFactory(user__nip=NIP_PNS, unit=org.unit_a)

    with pytest.raises(ValidationError) as raised:
        employee_update(actor=org.hr, employee=employee, date_of_birth=datetime.date(1992, 3, 16))

    assert "bertentangan dengan NIP" in str(raised.value.message_dict["date_of_birth"])
    employee.refresh_from_db()
    assert employee.date_of_birth is None
    # The same date as the NIP's is accepted (it changes nothing printed).
    employee_update(actor=org.hr, employee=employee, date_of_birth=datetime.date(1992, 3, 15))


def test_a_date_in_the_future_is_refused(org):
    employee = EmployeeFactory(
        user__nip=NI_PPPK, unit=org.unit_a, employment_type=Employee.EmploymentType.PPPK
    )
    tomorrow = timezone.localdate() + datetime.timedelta(days=2)

    with pytest.raises(ValidationError, match="masa depan"):
        employee_update(actor=org.hr, employee=employee, date_of_birth=tomorrow)


def _form(org, **values):
    data = {
        "full_name": "Dimas Prakoso", "title_prefix": "", "title_suffix": "",
        "email": "dimas@uji.example", "nip": NI_PPPK, "birth_place": "Bontang",
        "date_of_birth": "1988-06-12", "employment_type": "PPPK", "golongan": "",
        "pppk_golongan": "", "unit": org.unit_a.pk, "position": org.staff.pk,
        "supervisor": "", "joined_on": "2023-01-01",
    }  # fmt: skip
    data.update(values)
    return nested_form_data(data)


def test_hr_records_a_pppk_birth_date_in_the_admin_form(org, client, settings):
    settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS = []
    client.force_login(org.hr)

    response = client.post(reverse("competencies_employee:add"), _form(org))

    assert response.status_code == 302, response.content.decode()[:2000]
    employee = Employee.objects.get(user__nip=NI_PPPK)
    assert employee.birth_date == datetime.date(1988, 6, 12)


def test_the_admin_form_refuses_a_date_contradicting_the_nip(org, client, settings):
    settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS = []
    client.force_login(org.hr)

    response = client.post(
        reverse("competencies_employee:add"),
        _form(org, nip=NIP_PNS, employment_type="PNS", date_of_birth="1990-01-01"),
    )

    assert response.status_code == 200
    assert "bertentangan dengan NIP" in response.content.decode()
    assert not Employee.objects.filter(user__nip=NIP_PNS).exists()


def test_the_import_reads_the_tanggal_lahir_column_for_pppk():
    data = csv_bytes(
        ["nip", "nama", "surel", "jenis_pegawai", "tanggal_lahir"],
        [[NI_PPPK, "Sari", "sari@bontang.example", "PPPK", "12-06-1988"]],
    )

    report = employees_import(data=data, filename="pegawai.csv", actor=None, dry_run=False)

    assert report.ok, report.errors
    assert Employee.objects.get(user__nip=NI_PPPK).birth_date == datetime.date(1988, 6, 12)


def test_the_import_refuses_a_date_contradicting_a_pns_nip_and_imports_nothing():
    data = csv_bytes(
        ["nip", "nama", "surel", "jenis_pegawai", "tanggal_lahir"],
        [
            [NIP_PNS, "Rina", "rina@bontang.example", "PNS", "1992-03-16"],
            [NI_PPPK, "Sari", "sari@bontang.example", "PPPK", ""],
        ],
    )

    report = employees_import(data=data, filename="pegawai.csv", actor=None, dry_run=False)

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(2, "tanggal_lahir")]
    assert "1992-03-15" in report.errors[0].message
    assert not Employee.objects.exists()
