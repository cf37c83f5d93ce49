"""Two perangkat daerah, a position requiring competency K at level 3, six employees of
OPD A and two of OPD B below it, BKPSDM (an unscoped HR manager), a scoped HR manager
and the head of agency (the approval permission)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.contrib.auth.models import Permission
from django.utils import timezone, translation

import pytest

from accounts.roles import Role
from competencies.models import DevelopmentPlan, DevelopmentPlanItem
from competencies.services.development_plan import (
    plan_approve,
    plan_create,
    plan_item_save,
    plan_submit,
)
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    CompetencyFactory,
    EmployeeFactory,
    HRScopeFactory,
    OrgUnitFactory,
    PositionFactory,
    PositionRequirementFactory,
)


@pytest.fixture(autouse=True)
def _english():
    """Messages are matched in English; one test checks the Indonesian."""
    with translation.override("en"):
        yield


@pytest.fixture
def year() -> int:
    return timezone.localdate().year


@pytest.fixture
def opd_a(db):
    return OrgUnitFactory(name="Dinas Kesehatan", code="DINKES")


@pytest.fixture
def opd_b(db):
    return OrgUnitFactory(name="Dinas Pendidikan", code="DISDIK")


@pytest.fixture
def competency(db):
    return CompetencyFactory(code="T.900", name_id="Pelayanan publik")


@pytest.fixture
def position(competency):
    position = PositionFactory(name="Analis")
    PositionRequirementFactory(position=position, competency=competency, required_level=3)
    return position


@pytest.fixture
def staff_a(opd_a, position):
    return [EmployeeFactory(unit=opd_a, position=position, full_name=f"A {i}") for i in range(6)]


@pytest.fixture
def staff_b(opd_b, position):
    return [EmployeeFactory(unit=opd_b, position=position, full_name=f"B {i}") for i in range(2)]


@pytest.fixture
def bkpsdm(db):
    return UserFactory(roles=[Role.PENGELOLA_SDM])


@pytest.fixture
def scoped_hr(opd_a):
    return HRScopeFactory(unit=opd_a).user


@pytest.fixture
def head(db):
    user = UserFactory(roles=[Role.PESERTA])
    user.user_permissions.add(Permission.objects.get(codename="approve_developmentplan"))
    return user


def make_item(plan: DevelopmentPlan, **kwargs) -> DevelopmentPlanItem:
    values = {
        "plan": plan,
        "competency": kwargs.pop("competency"),
        "title": "Bimtek pelayanan publik",
        "target_kind": DevelopmentPlanItem.TargetKind.UNIT,
        "route": DevelopmentPlanItem.Route.CLASSICAL,
        "provider": "BPSDM Provinsi",
        "planned_batches": 1,
        "planned_participants": 6,
        "planned_jp": Decimal("24"),
        "unit_cost": Decimal("1500000"),
        "funding": DevelopmentPlanItem.Funding.APBD,
    }
    values.update(kwargs)
    return DevelopmentPlanItem(**values)


@pytest.fixture
def draft(bkpsdm, year):
    return plan_create(actor=bkpsdm, year=year)


@pytest.fixture
def approved(draft, bkpsdm, head, competency, opd_a, staff_a, staff_b):
    plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a))
    plan_submit(actor=bkpsdm, plan=draft)
    return plan_approve(actor=head, plan=draft)


@pytest.fixture
def spend_date(year):
    return datetime.date(year, 3, 1)
