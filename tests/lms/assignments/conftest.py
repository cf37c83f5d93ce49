from __future__ import annotations

import pytest

from accounts.roles import Role
from competencies.models import HRScope
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory, PositionFactory


@pytest.fixture
def hr(db):
    return UserFactory(roles=[Role.PENGELOLA_SDM])


@pytest.fixture
def unit(db):
    return OrgUnitFactory(name="Dinas Kesehatan")


@pytest.fixture
def subunit(unit):
    return OrgUnitFactory(parent=unit, name="Bidang Pelayanan")


@pytest.fixture
def other_unit(db):
    return OrgUnitFactory(name="Dinas Pendidikan")


@pytest.fixture
def position(db):
    return PositionFactory()


@pytest.fixture
def make_employees(db):
    def make(n, **kwargs):
        return [EmployeeFactory(**kwargs) for _ in range(n)]

    return make


@pytest.fixture
def scoped_hr(unit):
    user = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=user, unit=unit)
    return user
