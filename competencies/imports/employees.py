"""The employee import: upsert by NIP. A new employee gets an account (no password, a
verified e-mail, the Peserta role) and, after commit, one batch of invitations. The file
is checked by `competencies.imports.employee_checks`; this module writes the plan, in
bulk, so the number of queries does not grow with the number of rows."""

from __future__ import annotations

import datetime
import uuid

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from accounts.services import INVITATION_SWEEP_GRACE
from competencies.imports import cells
from competencies.imports.columns import EMPLOYEES
from competencies.imports.employee_checks import (
    NEW_IN_FILE,
    EmployeePlan,
    EmployeeRow,
    plan_employees,
    split_name,
)
from competencies.imports.reading import Progress
from competencies.imports.report import ImportReport
from competencies.imports.runner import chunks, log_entries, run_import
from competencies.models import Employee
from competencies.services import audit
from competencies.services.hooks import employees_changed
from competencies.services.summaries import gap_counts_refresh
from config.celery import enqueue_on_commit


def employees_import(
    *,
    data: bytes,
    filename: str,
    actor: User | None,
    dry_run: bool,
    progress: Progress | None = None,
) -> ImportReport:
    """Creates and updates employees (upsert by NIP). A new employee gets an account
    (no password, verified e-mail, role Peserta); one batch of invitations is queued
    after commit. `actor` None is the command line: no HR scope applies."""
    return run_import(
        kind=EMPLOYEES,
        data=data,
        filename=filename,
        actor=actor,
        dry_run=dry_run,
        plan=plan_employees,
        apply=_apply_employees,
        progress=progress,
    )


def _apply_employees(*, planned: EmployeePlan, actor: User | None, note: str) -> None:
    now = timezone.now()
    items = planned.items
    new_accounts = [item for item in items if item.user is None]
    _create_accounts(new_accounts, now)
    account_is_new = set(new_accounts)
    _update_accounts(
        [
            item
            for item in items
            if item.user_fields and item.user is not None and item not in account_is_new
        ]
    )
    # New HR records (for new accounts and for accounts that had none).
    new_records = [item for item in items if item.employee is None]
    created = _create_records(items, new_records, now)
    record_is_new = set(new_records)
    changed = [item for item in items if item not in record_is_new and item.changes]
    _update_records(changed, now)

    log_entries(
        model=Employee,
        items=[(e, audit.CREATE, {}) for e in created]
        + [(item.employee, audit.EDIT, item.changes) for item in changed if item.employee],
        actor=actor,
        note=note,
        now=now,
        batch=uuid.uuid4(),
    )
    # The gap counts of every unit an employee joined or left (the old unit is in the
    # row's changes), or whose holder changed position or status.
    gap_counts_refresh(
        unit_ids={e.unit_id for e in created}
        | {
            unit
            for item in changed
            if item.employee is not None and {"unit", "position", "is_active"} & set(item.changes)
            for unit in (item.employee.unit_id, *item.changes.get("unit", ()))
        }
    )
    employees_changed(
        [e.pk for e in created] + [i.employee.pk for i in changed if i.employee is not None]
    )

    invite = [item.user.pk for item in new_accounts if item.user and item.user.is_active]
    if invite:
        from accounts.tasks import user_invitations_send_batch

        requested_at = now.isoformat()
        enqueue_on_commit(user_invitations_send_batch, invite, requested_at)


def _create_accounts(new_accounts: list[EmployeeRow], now: datetime.datetime) -> None:
    """Accounts for people new to the portal: no password (they set one through the
    invitation), a verified e-mail (HR vouches for it) and the Peserta role."""
    from allauth.account.models import EmailAddress

    for item in new_accounts:
        first_name, last_name = split_name(full_name=item.values["full_name"])
        is_active = item.values.get("is_active", True)
        user = User(
            email=item.email,
            nip=item.nip,
            first_name=first_name,
            last_name=last_name,
            is_active=is_active,
            # Owed from this insert on: user_invitations_sweep sends it if the batch
            # queued after commit is lost (docs/deployment.md, sweeps).
            invitation_sweep_at=now + INVITATION_SWEEP_GRACE if is_active else None,
        )
        user.set_unusable_password()
        item.user = user
    User.objects.bulk_create([item.user for item in new_accounts if item.user is not None])
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=item.user, email=item.email, primary=True, verified=True)
            for item in new_accounts
        ]
    )
    group = Group.objects.filter(name=Role.PESERTA).first()
    if group is not None:
        membership = User.groups.through
        membership.objects.bulk_create(
            [
                membership(user_id=item.user.pk, group_id=group.pk)
                for item in new_accounts
                if item.user
            ]
        )


def _update_accounts(changed_users: list[EmployeeRow]) -> None:
    """Existing accounts whose e-mail, name or active flag changed."""
    from allauth.account.models import EmailAddress

    user_fields: set[str] = set()
    for item in changed_users:
        for name, value in item.user_fields.items():
            setattr(item.user, name, value)
            user_fields.add(name)
    if changed_users:
        User.objects.bulk_update(
            [item.user for item in changed_users if item.user is not None], sorted(user_fields)
        )
    email_changed = [item for item in changed_users if "email" in item.user_fields]
    for chunk in chunks(item.user.pk for item in email_changed if item.user):
        EmailAddress.objects.filter(user_id__in=chunk).delete()
    EmailAddress.objects.bulk_create(
        [
            EmailAddress(user=item.user, email=item.email, primary=True, verified=True)
            for item in email_changed
        ]
    )


def _create_records(
    items: list[EmployeeRow], new_records: list[EmployeeRow], now: datetime.datetime
) -> list[Employee]:
    for item in new_records:
        is_active = item.values.get("is_active", True)
        item.employee = Employee(
            user=item.user,
            full_name=item.values["full_name"],
            title_prefix=item.values.get("title_prefix", ""),
            title_suffix=item.values.get("title_suffix", ""),
            birth_place=item.values.get("birth_place", ""),
            date_of_birth=item.values.get("date_of_birth"),
            employment_type=item.values.get("employment_type", Employee.EmploymentType.PNS),
            golongan=item.values.get("golongan"),
            pppk_golongan=item.values.get("pppk_golongan"),
            unit=item.values.get("unit"),
            position=item.values.get("position"),
            supervisor_id=None
            if item.supervisor_id in (cells.MISSING, NEW_IN_FILE)
            else item.supervisor_id,
            joined_on=item.values.get("joined_on"),
            is_active=is_active,
            deactivated_at=None if is_active else now,
        )
    # Supervisors first: each level of the chain within the file is one bulk insert, so
    # that every new record points at its supervisor without a second pass.
    by_nip = {item.nip: item.employee for item in items}
    created: list[Employee] = []
    remaining = new_records
    while remaining:
        level: list[Employee] = []
        later: list[EmployeeRow] = []
        for item in remaining:
            employee = item.employee
            assert employee is not None  # noqa: S101 - built just above
            if item.supervisor_id is NEW_IN_FILE:
                boss = by_nip[item.supervisor_nip]
                if boss is None or boss.pk is None:
                    later.append(item)
                    continue
                item.supervisor_id = employee.supervisor_id = boss.pk
            level.append(employee)
        if not level:  # a loop of supervisors; planning reports it, so never reached
            raise ValueError("Supervisor loop among new employees")
        created += Employee.objects.bulk_create(level)
        remaining = later
    for item in items:
        if item.supervisor_id is NEW_IN_FILE:
            boss = by_nip[item.supervisor_nip]
            assert boss is not None  # noqa: S101 - every new record exists by now
            item.supervisor_id = boss.pk
            item.changes["supervisor"][1] = boss.pk
    return created


def _update_records(changed: list[EmployeeRow], now: datetime.datetime) -> None:
    """Changed HR records: only the fields that changed are written."""
    employee_fields: set[str] = set()
    for item in changed:
        employee = item.employee
        assert employee is not None  # noqa: S101 - every existing row has its record
        for name in item.changes:
            if name == "email":
                continue
            if name == "supervisor":
                employee.supervisor_id = item.supervisor_id
            else:
                setattr(employee, name, item.values[name])
            employee_fields.add(name)
        if "is_active" in item.changes:
            employee.deactivated_at = None if employee.is_active else now
            employee_fields.add("deactivated_at")
        employee.updated_at = now
    if changed:
        Employee.objects.bulk_update(
            [item.employee for item in changed if item.employee is not None],
            [*sorted(employee_fields), "updated_at"],
        )
