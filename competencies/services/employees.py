"""Writes for employees. Every change is audited with the fields that changed; an
employee is deactivated, never deleted."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.roles import Role, has_role
from accounts.services import user_create
from competencies.models import Employee, OrgUnit, Position
from competencies.selectors.hr_scope import employee_in_hr_scope, hr_scope_unit, privileged_user_ids
from competencies.services import audit
from competencies.services.hooks import employees_changed
from competencies.services.summaries import gap_counts_refresh

if TYPE_CHECKING:
    from accounts.models import User

# The HR record's editable fields, as `employee_update` takes them; the admin form edits
# these and the employee import derives its own list from them.
EMPLOYEE_FIELDS = (
    "full_name",
    "title_prefix",
    "title_suffix",
    "birth_place",
    "date_of_birth",
    "employment_type",
    "golongan",
    "pppk_golongan",
    "unit",
    "position",
    "supervisor",
    "joined_on",
)


def _check_unit_in_scope(actor: User, unit: OrgUnit | None) -> None:
    scope = hr_scope_unit(user=actor)
    if scope is not None and (unit is None or not unit.path.startswith(scope.path)):
        raise PermissionDenied(_("This unit is outside the part of the organisation you manage."))


def _check_supervisor_in_scope(actor: User, supervisor: Employee | None) -> None:
    """A supervisor gets rights over the employee (ratings, transcript): a scoped HR
    manager may name only someone employed in their own scope."""
    scope = hr_scope_unit(user=actor)
    if (
        scope is not None
        and supervisor is not None
        and (supervisor.unit is None or not supervisor.unit.path.startswith(scope.path))
    ):
        raise PermissionDenied(
            _("This supervisor works outside the part of the organisation you manage.")
        )


def _check_may_change_account(
    actor: User, employee: Employee, *, email: str | None = None, changes_status: bool = False
) -> None:
    """Only an administrator changes the sign-in e-mail or status of an account that holds
    an admin-side role, so that an HR manager cannot take such an account over."""
    if has_role(actor, Role.ADMINISTRATOR):
        return
    changes_email = email is not None and email.strip().lower() != employee.user.email
    if (changes_email or changes_status) and employee.user_id in privileged_user_ids(
        user_ids=[employee.user_id]
    ):
        raise PermissionDenied(
            _(
                "Only an administrator can change the sign-in e-mail or status of an HR "
                "manager, trainer or administrator."
            )
        )


@transaction.atomic
def employee_create(
    *,
    actor: User,
    email: str,
    full_name: str,
    nip: str | None = None,
    title_prefix: str = "",
    title_suffix: str = "",
    birth_place: str = "",
    date_of_birth: datetime.date | None = None,
    employment_type: str = Employee.EmploymentType.PNS,
    golongan: int | None = None,
    pppk_golongan: int | None = None,
    unit: OrgUnit | None = None,
    position: Position | None = None,
    supervisor: Employee | None = None,
    joined_on: datetime.date | None = None,
    invite: bool = True,
) -> Employee:
    """Creates the person's account (invited by e-mail after commit) and HR record."""
    _check_unit_in_scope(actor, unit)
    _check_supervisor_in_scope(actor, supervisor)
    first_name, _sep, last_name = full_name.partition(" ")
    user = user_create(
        email=email,
        first_name=first_name[:150],
        last_name=last_name[:150],
        nip=nip,
        roles=[Role.PESERTA],
        invite=invite,
    )
    employee = Employee(
        user=user,
        full_name=full_name,
        title_prefix=title_prefix,
        title_suffix=title_suffix,
        birth_place=birth_place,
        date_of_birth=date_of_birth,
        employment_type=employment_type,
        golongan=golongan,
        pppk_golongan=pppk_golongan,
        unit=unit,
        position=position,
        supervisor=supervisor,
        joined_on=joined_on,
    )
    employee.full_clean()
    employee.save()
    audit.audit_log(instance=employee, action=audit.CREATE, user=actor)
    if employee.unit_id and employee.position_id:
        gap_counts_refresh(unit_ids=[employee.unit_id])
    employees_changed([employee.pk])
    return employee


@transaction.atomic
def employee_update(
    *,
    actor: User,
    employee: Employee,
    email: str | None = None,
    nip: str | None = None,
    **fields: Any,
) -> Employee:
    """Changes HR fields (and the account's e-mail or NIP). Records what changed."""
    if not employee_in_hr_scope(user=actor, employee=employee):
        raise PermissionDenied
    _check_may_change_account(actor, employee, email=email)
    unknown = set(fields) - set(EMPLOYEE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown employee fields: {sorted(unknown)}")
    if "unit" in fields:
        _check_unit_in_scope(actor, fields["unit"])
    if (
        "supervisor" in fields
        and getattr(fields["supervisor"], "pk", None) != employee.supervisor_id
    ):
        _check_supervisor_in_scope(actor, fields["supervisor"])
    before = audit.snapshot(employee, EMPLOYEE_FIELDS) | {
        "email": employee.user.email,
        "nip": employee.user.nip,
    }
    for name, value in fields.items():
        setattr(employee, name, value)
    user = employee.user
    if email is not None:
        user.email = email
    if nip is not None:
        user.nip = nip or None
    user.full_clean()
    employee.full_clean()
    user.save()
    employee.save()
    after = audit.snapshot(employee, EMPLOYEE_FIELDS) | {"email": user.email, "nip": user.nip}
    changes = audit.changes_between(before, after)
    if changes:
        audit.audit_log(instance=employee, action=audit.EDIT, user=actor, changes=changes)
        if {"unit", "position", "is_active"} & set(changes):
            gap_counts_refresh(unit_ids=[before["unit"], employee.unit_id])
        employees_changed([employee.pk])
    return employee


@transaction.atomic
def employee_deactivate(*, actor: User, employee: Employee, reason: str = "") -> Employee:
    """The employee leaves: their account can no longer sign in, every record stays."""
    if not employee_in_hr_scope(user=actor, employee=employee):
        raise PermissionDenied
    _check_may_change_account(actor, employee, changes_status=True)
    employee = (
        Employee.objects.select_for_update(of=("self",)).select_related("user").get(pk=employee.pk)
    )
    if not employee.is_active:
        return employee
    employee.is_active = False
    employee.deactivated_at = timezone.now()
    employee.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    employee.user.is_active = False
    employee.user.save(update_fields=["is_active"])
    audit.audit_log(
        instance=employee,
        action=audit.DEACTIVATE,
        user=actor,
        changes={"is_active": [True, False]},
        note=reason,
    )
    gap_counts_refresh(unit_ids=[employee.unit_id])
    employees_changed([employee.pk])
    return employee


@transaction.atomic
def employee_reactivate(*, actor: User, employee: Employee) -> Employee:
    """The employee returns: their account can sign in again. Like deactivating, only an
    administrator reactivates an account holding an admin-side role."""
    if not employee_in_hr_scope(user=actor, employee=employee):
        raise PermissionDenied
    _check_may_change_account(actor, employee, changes_status=True)
    employee = (
        Employee.objects.select_for_update(of=("self",)).select_related("user").get(pk=employee.pk)
    )
    if employee.is_active:
        return employee
    employee.is_active = True
    employee.deactivated_at = None
    employee.save(update_fields=["is_active", "deactivated_at", "updated_at"])
    employee.user.is_active = True
    employee.user.save(update_fields=["is_active"])
    audit.audit_log(
        instance=employee,
        action=audit.REACTIVATE,
        user=actor,
        changes={"is_active": [False, True]},
    )
    gap_counts_refresh(unit_ids=[employee.unit_id])
    employees_changed([employee.pk])
    return employee


def employee_delete(*, actor: User, employee: Employee) -> None:
    raise ValidationError(
        _("Employees are never deleted; deactivate them instead so their records are kept.")
    )
