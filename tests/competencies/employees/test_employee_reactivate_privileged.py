"""Only an administrator reactivates an account holding an admin-side role that was
deactivated: an HR manager must not bring back a trainer or administrator that an
administrator locked out."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

import pytest

from accounts.roles import Role
from competencies.services.employees import employee_deactivate, employee_reactivate
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [Role.PELATIH, Role.ADMINISTRATOR, Role.PENGELOLA_SDM])
@pytest.mark.parametrize("hr", ["hr", "scoped_hr"])
def test_hr_cannot_reactivate_a_privileged_account_an_administrator_deactivated(org, role, hr):
    employee = org.employee(unit=org.unit_a)
    employee.user.groups.add(*UserFactory(roles=[role]).groups.all())
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    employee_deactivate(actor=admin, employee=employee, reason="kontrak selesai")

    with pytest.raises(PermissionDenied):
        employee_reactivate(actor=getattr(org, hr), employee=employee)

    employee.refresh_from_db()
    employee.user.refresh_from_db()
    assert not employee.is_active
    assert not employee.user.is_active

    employee_reactivate(actor=admin, employee=employee)
    employee.refresh_from_db()
    assert employee.is_active and employee.user.is_active

    # An ordinary employee in scope: HR deactivates and reactivates as before.
    ordinary = org.employee(unit=org.unit_a)
    employee_deactivate(actor=org.scoped_hr, employee=ordinary)
    employee_reactivate(actor=getattr(org, hr), employee=ordinary)
    ordinary.refresh_from_db()
    assert ordinary.is_active and ordinary.user.is_active
