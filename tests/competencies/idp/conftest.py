"""A small reporting line for the IDP tests (docs/idp.md):

DINAS (perangkat daerah)          LAIN (another perangkat daerah)
  head ← supervisor ← employee      stranger
HR scoped to DINAS, HR scoped to LAIN, a coach (a colleague in DINAS).
The employee's position requires two competencies at level 3; they hold level 1 in one."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from accounts.roles import Role
from competencies.models import Assessment, Competency, Employee, OrgUnit
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    AssessmentFactory,
    CompetencyFactory,
    EmployeeFactory,
    HRScopeFactory,
    OrgUnitFactory,
    PositionFactory,
    PositionRequirementFactory,
)


@dataclass
class Line:
    dinas: OrgUnit
    lain: OrgUnit
    employee: Employee
    supervisor: Employee
    head: Employee
    coach: Employee
    stranger: Employee
    hr: object
    other_hr: object
    c1: Competency
    c2: Competency
    year: int


@pytest.fixture(autouse=True)
def _english():
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def line(db) -> Line:
    from django.utils import timezone

    dinas = OrgUnitFactory(code="DINAS")
    lain = OrgUnitFactory(code="LAIN")
    position = PositionFactory()
    c1, c2 = CompetencyFactory(code="T.901"), CompetencyFactory(code="T.902")
    PositionRequirementFactory(position=position, competency=c1, required_level=3)
    PositionRequirementFactory(position=position, competency=c2, required_level=3)
    head = EmployeeFactory(unit=dinas, user__roles=[Role.ATASAN])
    supervisor = EmployeeFactory(unit=dinas, supervisor=head, user__roles=[Role.ATASAN])
    employee = EmployeeFactory(unit=dinas, supervisor=supervisor, position=position)
    coach = EmployeeFactory(unit=dinas)
    stranger = EmployeeFactory(unit=lain, user__roles=[Role.ATASAN])
    AssessmentFactory(
        employee=employee,
        competency=c1,
        level=1,
        status=Assessment.Status.APPROVED,
        assessed_on=timezone.localdate() - datetime.timedelta(days=30),
    )
    hr = HRScopeFactory(unit=dinas).user
    other_hr = HRScopeFactory(unit=lain).user
    return Line(
        dinas=dinas, lain=lain, employee=employee, supervisor=supervisor, head=head,
        coach=coach, stranger=stranger, hr=hr, other_hr=other_hr, c1=c1, c2=c2,
        year=timezone.localdate().year,
    )  # fmt: skip


def user(employee: Employee):
    return employee.user


__all__ = ["Line", "UserFactory", "user"]
