"""Reads limited to an HR manager's scope: the unit subtree they work on (administrators
and unscoped HR managers see the whole organisation), and who is HR for an employee."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts.roles import Role, has_role
from accounts.rules import require_hr
from competencies.models import Assessment, Employee, HRScope, OrgUnit, TrainingRecord

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def hr_scope_unit(*, user: User | AnonymousUser) -> OrgUnit | None:
    """The unit subtree an HR manager is limited to, or None for the whole organisation.
    Administrators are never limited."""
    if has_role(user, Role.ADMINISTRATOR):
        return None
    if user.pk is None:
        return None
    # Asked three or four times per HR page (the units, the employees, the view, the
    # menu): read once per request, kept on the request's user object (a new one each
    # request, so a changed scope applies from the next request on).
    cached = user.__dict__.get(_SCOPE_ATTR, _MISSING)
    if cached is not _MISSING:
        return cached
    scope = HRScope.objects.select_related("unit").filter(user_id=user.pk).first()
    unit = scope.unit if scope else None
    user.__dict__[_SCOPE_ATTR] = unit
    return unit


_SCOPE_ATTR = "_hr_scope_unit"
_MISSING = object()


def hr_scope_forget(*, user: User) -> None:
    """Forgets the scope read on this user object (`hr_scope_unit`), after changing it."""
    user.__dict__.pop(_SCOPE_ATTR, None)


def orgunit_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    require_hr(user)
    scope = hr_scope_unit(user=user)
    units = OrgUnit.objects.all()
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    return units.order_by("path")


def employee_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[Employee]:
    """Employees an HR manager may see and change (their unit subtree)."""
    require_hr(user)
    scope = hr_scope_unit(user=user)
    employees = Employee.objects.select_related("user", "unit", "position", "supervisor")
    if scope is not None:
        employees = employees.filter(unit__path__startswith=scope.path)
    return employees


def employee_get_for_hr(*, user: User | AnonymousUser, pk: int) -> Employee:
    try:
        return employee_list_for_hr(user=user).get(pk=pk)
    except Employee.DoesNotExist as exc:
        raise Http404 from exc


def assessment_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[Assessment]:
    require_hr(user)
    scope = hr_scope_unit(user=user)
    assessments = Assessment.objects.select_related(
        "employee__user", "employee__unit", "competency", "assessor", "decided_by"
    )
    if scope is not None:
        assessments = assessments.filter(employee__unit__path__startswith=scope.path)
    return assessments


def training_record_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[TrainingRecord]:
    require_hr(user)
    scope = hr_scope_unit(user=user)
    records = TrainingRecord.objects.select_related("employee__user", "employee__unit")
    if scope is not None:
        records = records.filter(employee__unit__path__startswith=scope.path)
    return records


def hr_managers_for_employee(*, employee: Employee) -> list[User]:
    """Active HR managers whose scope covers the employee (unscoped ones cover everyone).
    Two queries."""
    from accounts.models import User

    managers = list(
        User.objects.filter(is_active=True, groups__name=Role.PENGELOLA_SDM)
        .exclude(pk=employee.user_id)
        .distinct()
    )
    scopes = dict(HRScope.objects.filter(user__in=managers).values_list("user_id", "unit__path"))
    path = employee.unit.path if employee.unit is not None else None
    return [
        m
        for m in managers
        if m.pk not in scopes or (path is not None and path.startswith(scopes[m.pk]))
    ]


def privileged_user_ids(*, user_ids: Iterable[int]) -> set[int]:
    """Of these users, the ones holding an admin-side role (HR manager, trainer,
    administrator) or superuser status. One query."""
    from accounts.models import User

    return set(
        User.objects.filter(pk__in=list(user_ids))
        .filter(
            Q(is_superuser=True)
            | Q(groups__name__in=[Role.PENGELOLA_SDM, Role.PELATIH, Role.ADMINISTRATOR])
        )
        .values_list("pk", flat=True)
    )


def employee_in_hr_scope(*, user: User | AnonymousUser, employee: Employee) -> bool:
    if not user.has_perm("portal.access_hr"):
        return False
    scope = hr_scope_unit(user=user)
    if scope is None:
        return True
    return employee.unit is not None and employee.unit.path.startswith(scope.path)
