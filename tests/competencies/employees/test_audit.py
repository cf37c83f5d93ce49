from __future__ import annotations

from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.services.employees import employee_deactivate
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def test_administrators_read_hr_changes_in_the_site_history(org, client):
    employee = org.employee(full_name="Pegawai Diaudit")
    employee_deactivate(actor=org.hr, employee=employee, reason="Mutasi keluar daerah")
    client.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))

    response = client.get(reverse("wagtailadmin_reports:site_history"))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Pegawai Diaudit" in html
    assert "Dinonaktifkan" in html
