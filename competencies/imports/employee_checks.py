"""Checking an employee file before anything is written: each row's cells, the rules
across cells (NIP by employment type, the golongan scale), the HR manager's scope, the
accounts only an administrator may change, and the chain of supervisors. The result is a
plan that `competencies.imports.employees` writes."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.nip import nip_normalize, validate_nip
from accounts.roles import Role, has_role
from competencies.imports import cells
from competencies.imports.reading import Row, Table, match_key
from competencies.imports.report import ImportReport
from competencies.imports.runner import (
    actor_scope,
    in_bulk,
    outside_scope_message,
    unit_in_scope,
)
from competencies.models import Employee, Golongan, OrgUnit, Position, PppkGolongan
from competencies.models.employees import date_of_birth_problem
from competencies.selectors.hr_scope import privileged_user_ids
from competencies.services.employees import EMPLOYEE_FIELDS

EMPLOYMENT_TYPES: dict[str, str] = {
    "pns": Employee.EmploymentType.PNS,
    "pppk": Employee.EmploymentType.PPPK,
    "p3k": Employee.EmploymentType.PPPK,
}
# Employee fields an import can set, compared one by one to decide whether a row changed:
# those HR edits, but the supervisor (compared by id, as it may be a new row of the same
# file), plus the active flag (a file can deactivate; HR does that with its own action).
EMPLOYEE_IMPORT_FIELDS = (*(name for name in EMPLOYEE_FIELDS if name != "supervisor"), "is_active")
# A supervisor who is a new row of the same file: their record has no id until written.
NEW_IN_FILE = object()

# Academic and professional titles typed inside the name column ("Dr. Budi, S.Kom."): a
# prefix (Dr., Drs., Dra., Ir., Prof., dr., drg.) or a degree written with dots (S.Kom.,
# S.E., M.M., M.Si., A.Md., Ph.D.). "M. Rizki" (an initial and a space) is a name.
NAME_TITLE_RE = re.compile(
    r"(?<![\w.])((?:Dr|Drs|Dra|Ir|Prof|dr|drg)\.|(?:[SMAD]\.[A-Z][A-Za-z]{0,5}\.?)|Ph\.D\.?)"
    r"(?=$|[\s,])"
)


@dataclass(eq=False)
class EmployeeRow:
    row: Row
    nip: str
    email: str
    values: dict[str, Any]  # Employee field -> wanted value (only the columns in the file)
    supervisor_nip: Any  # cells.MISSING (leave as is), None (no supervisor) or a NIP
    user: User | None = None  # the account with this NIP, if any
    employee: Employee | None = None
    supervisor_id: Any = cells.MISSING  # resolved: an id, None, or NEW_IN_FILE
    changes: dict[str, list[Any]] = field(default_factory=dict)
    user_fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class EmployeePlan:
    items: list[EmployeeRow]


@dataclass(frozen=True)
class _Lookups:
    """What the rows refer to, each fetched once for the whole file, and who imports."""

    users: dict[str, User]  # by NIP
    emails: dict[str, User]
    units: dict[str, OrgUnit]
    positions: dict[str, Position]
    scope: OrgUnit | None
    actor_is_admin: bool
    privileged: set[int]
    golongan: dict[str, int]
    pppk_golongan: dict[str, int]


def split_name(*, full_name: str) -> tuple[str, str]:
    """The account's first and last name from the HR record's full name."""
    first, _sep, last = full_name.partition(" ")
    return first[:150], last[:150]


def _golongan_aliases() -> dict[str, int]:
    aliases: dict[str, int] = {}
    for value, label in Golongan.choices:
        aliases[match_key(label)] = value
        aliases[str(value)] = value
    return aliases


def _pppk_golongan_aliases() -> dict[str, int]:
    """PPPK golongan I–XVII (Perpres 98/2020), as the Roman numeral or its number."""
    aliases: dict[str, int] = {}
    for value, label in PppkGolongan.choices:
        aliases[match_key(label)] = value
        aliases[str(value)] = value
    return aliases


def _nip(row: Row, key: str) -> str:
    """The NIP without separators, nor the apostrophe people type to keep Excel from
    turning it into a number."""
    return nip_normalize(row.text(key).lstrip("'"))


def _max_length(name: str) -> int:
    return Employee._meta.get_field(name).max_length or 200  # type: ignore[union-attr]


def _privileged_message() -> str:
    return _(
        "Only an administrator can change the sign-in e-mail or status of an HR manager, "
        "trainer or administrator."
    )


def _supervisor_outside_scope_message(nip: str) -> str:
    return _(
        "The supervisor with NIP %(nip)s works in a unit outside the part of the "
        "organisation you manage; only an HR manager whose scope covers both may link them."
    ) % {"nip": nip}


def plan_employees(*, table: Table, actor: User | None, report: ImportReport) -> EmployeePlan:
    nips = {_nip(row, "nip") for row in table.rows}
    nips |= {_nip(row, "supervisor_nip") for row in table.rows}
    users = in_bulk(
        queryset=User.objects.select_related("employee__unit"), field_name="nip", values=nips
    )
    # Accounts whose sign-in e-mail and status only an administrator may change: a scoped
    # HR manager must not be able to take over an administrator's account by import.
    actor_is_admin = actor is None or has_role(actor, Role.ADMINISTRATOR)
    lookups = _Lookups(
        users=users,
        emails=in_bulk(
            queryset=User.objects.all(),
            field_name="email",
            values=(row.text("email").lower() for row in table.rows),
        ),
        units=in_bulk(
            queryset=OrgUnit.objects.all(),
            field_name="code",
            values=(row.text("unit_code") for row in table.rows),
        ),
        positions=in_bulk(
            queryset=Position.objects.all(),
            field_name="code",
            values=(row.text("position_code") for row in table.rows),
        ),
        scope=actor_scope(actor=actor),
        actor_is_admin=actor_is_admin,
        privileged=set()
        if actor_is_admin
        else privileged_user_ids(user_ids=[u.pk for u in users.values()]),
        golongan=_golongan_aliases(),
        pppk_golongan=_pppk_golongan_aliases(),
    )
    seen_nips: dict[str, int] = {}
    seen_emails: dict[str, int] = {}
    items = [_employee_row(row, lookups, seen_nips, seen_emails) for row in table.rows]
    in_file = {item.nip: item for item in items if item.nip}
    _resolve_supervisors(items, in_file, lookups)
    _check_supervisor_loops(items, in_file)
    for item in items:
        if item.row.errors:
            continue
        _diff_employee(item)
        if item.employee is None:
            report.created += 1
        elif item.changes:
            report.updated += 1
        else:
            report.unchanged += 1
    return EmployeePlan(items=items)


def _employee_row(
    row: Row, lookups: _Lookups, seen_nips: dict[str, int], seen_emails: dict[str, int]
) -> EmployeeRow:
    nip = _nip(row, "nip")
    user = lookups.users.get(nip)
    employee: Employee | None = getattr(user, "employee", None) if user else None
    values: dict[str, Any] = {}

    employment_type = cells.choice(row, "employment_type", EMPLOYMENT_TYPES, "PNS, PPPK")
    if employment_type is not cells.MISSING:
        values["employment_type"] = employment_type
    final_type = values.get(
        "employment_type",
        employee.employment_type if employee else Employee.EmploymentType.PNS,
    )
    _check_nip(row, nip, final_type, seen_nips)
    _full_name(row, values)
    email = row.text("email").lower()
    _check_email(row, email, nip, lookups.emails, seen_emails)
    for key in ("title_prefix", "title_suffix", "birth_place"):
        value = cells.optional_text(row, key, _max_length(key))
        if value is not cells.MISSING:
            values[key] = value
    if row.has("golongan"):
        _golongan(row, values, final_type, lookups)
    for key, field_name, found, unknown in (
        ("unit_code", "unit", lookups.units, _("No unit has the code “%(code)s”.")),
        (
            "position_code",
            "position",
            lookups.positions,
            _("No position has the code “%(code)s”."),
        ),
    ):
        if not row.has(key):
            continue
        code = row.text(key)
        if not code:
            values[field_name] = None
        elif code in found:
            values[field_name] = found[code]
        else:
            row.error(key, unknown % {"code": code})

    supervisor_nip: Any = cells.MISSING
    if row.has("supervisor_nip"):
        supervisor_nip = _nip(row, "supervisor_nip") or None
        if supervisor_nip is not None and supervisor_nip == nip:
            row.error("supervisor_nip", _("An employee cannot be their own supervisor."))
            supervisor_nip = cells.MISSING

    date_of_birth = cells.date(row, "date_of_birth")
    if date_of_birth is not cells.MISSING:
        values["date_of_birth"] = date_of_birth
    problem = date_of_birth_problem(
        values.get("date_of_birth", employee.date_of_birth if employee else None),
        nip=nip,
        employment_type=final_type,
    )
    if problem:
        row.error("date_of_birth", problem)

    joined_on = cells.date(row, "joined_on")
    if joined_on is not cells.MISSING:
        values["joined_on"] = joined_on
    is_active = cells.boolean(row, "is_active")
    if is_active is not cells.MISSING:
        values["is_active"] = is_active
    if not row.has("golongan") and employee is not None:
        # The current golongan must still fit the (new) employment type.
        if final_type == Employee.EmploymentType.PPPK and employee.golongan:
            row.error("golongan", _("PNS golongan does not apply to PPPK employees."))
        if final_type != Employee.EmploymentType.PPPK and employee.pppk_golongan:
            row.error("golongan", _("PPPK golongan does not apply to PNS employees."))

    if lookups.scope is not None:
        _check_scope(row, values, employee, lookups.scope)
    if user is not None and not lookups.actor_is_admin:
        _check_account(row, values, user, employee, lookups)
    return EmployeeRow(
        row=row,
        nip=nip,
        email=email,
        values=values,
        supervisor_nip=supervisor_nip,
        user=user,
        employee=employee,
    )


def _check_nip(row: Row, nip: str, final_type: str, seen_nips: dict[str, int]) -> None:
    raw_nip = row.raw.get("nip")
    if isinstance(raw_nip, (int, float)) and not isinstance(raw_nip, bool):
        row.error(
            "nip",
            _(
                "The NIP is stored as a number, so the spreadsheet may have changed its "
                "last digits. Format the column as text and type the NIP again."
            ),
        )
    elif not nip:
        row.error("nip", _("This column is required."))
    else:
        try:
            validate_nip(nip, pppk=final_type == Employee.EmploymentType.PPPK)
        except ValidationError as exc:
            for message in exc.messages:
                row.error("nip", message)
        if nip in seen_nips:
            row.error("nip", _("This NIP also appears in row %(row)d.") % {"row": seen_nips[nip]})
        else:
            seen_nips[nip] = row.number


def _full_name(row: Row, values: dict[str, Any]) -> None:
    full_name = cells.required_text(row, "name", _max_length("full_name"))
    if full_name is None:
        return
    values["full_name"] = full_name
    if titles := NAME_TITLE_RE.findall(full_name):
        row.warn(
            "name",
            _(
                "The name seems to contain academic titles (%(titles)s): put them "
                "in the gelar_depan and gelar_belakang columns."
            )
            % {"titles": ", ".join(titles)},
        )


def _check_email(
    row: Row, email: str, nip: str, emails: dict[str, User], seen_emails: dict[str, int]
) -> None:
    if not email:
        row.error("email", _("This column is required."))
        return
    try:
        validate_email(email)
        if len(email) > 254:
            raise ValidationError("too long")
    except ValidationError:
        row.error("email", _("“%(email)s” is not a valid e-mail address.") % {"email": email})
        return
    owner = emails.get(email)
    if email in seen_emails:
        row.error(
            "email",
            _("This e-mail address also appears in row %(row)d.") % {"row": seen_emails[email]},
        )
    elif owner is not None and owner.nip != nip:
        row.error("email", _("This e-mail address belongs to another account."))
    seen_emails.setdefault(email, row.number)


def _golongan(row: Row, values: dict[str, Any], final_type: str, lookups: _Lookups) -> None:
    """One column, read by the row's employment type: PNS golongan/ruang, or PPPK
    golongan I–XVII (Perpres 98/2020); each clears the other scale."""
    is_pppk = final_type == Employee.EmploymentType.PPPK
    text = row.text("golongan")
    key = match_key(text)
    if not text:
        values["golongan"] = None
        values["pppk_golongan"] = None
    elif is_pppk and key in lookups.pppk_golongan:
        values["golongan"] = None
        values["pppk_golongan"] = lookups.pppk_golongan[key]
    elif is_pppk and key in lookups.golongan:
        row.error("golongan", _("PNS golongan does not apply to PPPK employees."))
    elif not is_pppk and key in lookups.golongan:
        values["golongan"] = lookups.golongan[key]
        values["pppk_golongan"] = None
    elif not is_pppk and key in lookups.pppk_golongan:
        row.error("golongan", _("PPPK golongan does not apply to PNS employees."))
    elif is_pppk:
        row.error(
            "golongan",
            _("Unknown PPPK golongan “%(value)s”. Write it as I to XVII.") % {"value": text},
        )
    else:
        row.error(
            "golongan",
            _("Unknown golongan “%(value)s”. Write it as III/a or as its SIASN id (31).")
            % {"value": text},
        )


def _check_scope(
    row: Row, values: dict[str, Any], employee: Employee | None, scope: OrgUnit
) -> None:
    if employee is not None and not unit_in_scope(unit=employee.unit, scope=scope):
        row.error(
            "nip",
            _("This employee belongs to a unit outside the part of the organisation you manage."),
        )
    elif "unit" in values or not row.has("unit_code"):
        final_unit = values.get("unit", employee.unit if employee else None)
        if final_unit is None:
            row.error(
                "unit_code",
                _("Give the code of a unit inside the part of the organisation you manage."),
            )
        elif not unit_in_scope(unit=final_unit, scope=scope):
            row.error("unit_code", outside_scope_message())


def _check_account(
    row: Row, values: dict[str, Any], user: User, employee: Employee | None, lookups: _Lookups
) -> None:
    """An HR manager who is not an administrator: which existing accounts they may touch."""
    if lookups.scope is not None and employee is None:
        row.error(
            "nip",
            _("This NIP belongs to an account outside the part of the organisation you manage."),
        )
    elif user.pk in lookups.privileged and (
        row.text("email").lower() != user.email
        or values.get("is_active", user.is_active) != user.is_active
    ):
        row.error("email", _privileged_message())


def _resolve_supervisors(
    items: list[EmployeeRow], in_file: dict[str, EmployeeRow], lookups: _Lookups
) -> None:
    """Each row's supervisor NIP as a record id, NEW_IN_FILE, or None."""
    for item in items:
        sup = item.supervisor_nip
        if sup is cells.MISSING:
            continue
        if sup is None:
            item.supervisor_id = None
        elif sup in in_file:
            target = in_file[sup]
            item.supervisor_id = target.employee.pk if target.employee else NEW_IN_FILE
        elif (
            lookups.users.get(sup) is not None
            and getattr(lookups.users[sup], "employee", None) is not None
        ):
            boss = lookups.users[sup].employee
            # A scoped manager must not hand a supervisor's rights over this employee to
            # someone employed outside their scope.
            if lookups.scope is not None and not unit_in_scope(unit=boss.unit, scope=lookups.scope):
                item.row.error("supervisor_nip", _supervisor_outside_scope_message(sup))
            else:
                item.supervisor_id = boss.pk
        else:
            item.row.error(
                "supervisor_nip",
                _("No employee has the NIP %(nip)s (neither in the database nor in this file).")
                % {"nip": sup},
            )


def _check_supervisor_loops(items: list[EmployeeRow], in_file: dict[str, EmployeeRow]) -> None:
    """A chain of supervisors within the file must not loop back (A → B → A)."""
    for item in items:
        if item.supervisor_nip in (cells.MISSING, None) or item.supervisor_nip not in in_file:
            continue
        current, steps = in_file.get(item.supervisor_nip), 0
        while current is not None and steps <= len(in_file):
            if current is item:
                item.row.error(
                    "supervisor_nip",
                    _("The chain of supervisors loops back to this employee."),
                )
                break
            nxt = current.supervisor_nip
            current = in_file.get(nxt) if isinstance(nxt, str) else None
            steps += 1


def _diff_employee(item: EmployeeRow) -> None:
    user, employee = item.user, item.employee
    if user is not None:
        if user.email != item.email:
            item.user_fields["email"] = item.email
            item.changes["email"] = [user.email, item.email]
        wanted_active = item.values.get("is_active")
        if wanted_active is not None and user.is_active != wanted_active:
            item.user_fields["is_active"] = wanted_active
    if employee is None:
        return
    for name in EMPLOYEE_IMPORT_FIELDS:
        if name not in item.values:
            continue
        new = item.values[name]
        if name in ("unit", "position"):
            old, new = getattr(employee, f"{name}_id"), new.pk if new else None
        else:
            old = getattr(employee, name)
        if old != new:
            item.changes[name] = [old, new]
    if item.supervisor_id is not cells.MISSING and (
        item.supervisor_id is NEW_IN_FILE or item.supervisor_id != employee.supervisor_id
    ):
        item.changes["supervisor"] = [employee.supervisor_id, item.supervisor_id]
    if "full_name" in item.changes and user is not None:
        item.user_fields["first_name"], item.user_fields["last_name"] = split_name(
            full_name=item.values["full_name"]
        )
    if not item.changes:
        item.user_fields.clear()
