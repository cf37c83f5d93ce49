"""City-scale HR data for benchmarks (`manage.py seed_scale`): about 60 units, 40
positions with standards, 10,000 employees with accounts and 100,000 assessments at
factor 1. Deterministic for a given seed; bulk inserts throughout. Running it again on a
database that already has the scale data does nothing."""

from __future__ import annotations

import datetime
import random
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import Group
from django.db import connection, models, transaction
from django.utils import timezone

from allauth.account.models import EmailAddress

from accounts.models import User
from accounts.roles import Role
from competencies.demo.seed import MANAGERIAL, competency_dictionary_seed
from competencies.models import (
    Assessment,
    Employee,
    Golongan,
    OrgUnit,
    Position,
    PositionRequirement,
)

SCALE_DOMAIN = "scale.bontang.example"
Progress = Callable[[str, int], None]


@dataclass(frozen=True)
class ScaleSize:
    agencies: int
    employees: int
    assessments_per_employee: int
    positions: int = 40

    @classmethod
    def for_factor(cls, factor: float) -> ScaleSize:
        return cls(
            agencies=max(2, round(20 * factor)),
            employees=max(10, round(10_000 * factor)),
            assessments_per_employee=10,
        )


@dataclass
class ScaleHR:
    units: list[OrgUnit]
    positions: list[Position]
    employee_ids: list[int]
    user_ids: list[int]
    created: bool


def scale_data_exists() -> bool:
    return User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").exists()


def _nip(rng: random.Random, used: set[str]) -> str:
    while True:
        birth = datetime.date(1965, 1, 1) + datetime.timedelta(days=rng.randrange(0, 35 * 365))
        tmt_year = min(birth.year + rng.randint(21, 30), 2025)
        nip = f"{birth:%Y%m%d}{tmt_year}{rng.randint(1, 12):02d}{rng.randint(1, 2)}{rng.randint(1, 999):03d}"
        if nip not in used:
            used.add(nip)
            return nip


def _units(size: ScaleSize) -> list[OrgUnit]:
    data = []
    for a in range(1, size.agencies + 1):
        code = f"SC{a:03d}"
        data.append(
            {
                "data": {
                    "code": code,
                    "name": f"Perangkat Daerah Skala {a}",
                    "kind": OrgUnit.Kind.PERANGKAT_DAERAH,
                },
                "children": [
                    {
                        "data": {
                            "code": f"{code}.B{b}",
                            "name": f"Bidang {b} PD Skala {a}",
                            "kind": OrgUnit.Kind.BIDANG,
                        }
                    }
                    for b in (1, 2)
                ],
            }
        )
    OrgUnit.load_bulk(data)
    return list(OrgUnit.objects.filter(code__startswith="SC").order_by("path"))


def _positions(size: ScaleSize, rng: random.Random, competencies: dict) -> list[Position]:
    kinds = [
        (Position.Kind.PELAKSANA, "", 1),
        (Position.Kind.PENGAWAS, "", 2),
        (Position.Kind.ADMINISTRATOR, "", 3),
        (Position.Kind.FUNGSIONAL, "PT", 2),
        (Position.Kind.FUNGSIONAL, "MU", 3),
    ]
    positions = Position.objects.bulk_create(
        [
            Position(
                code=f"SC-J{i:03d}",
                name=f"Jabatan Skala {i}",
                kind=kinds[i % 5][0],
                jenjang=kinds[i % 5][1],
            )
            for i in range(size.positions)
        ]
    )
    technical = [c for code, c in competencies.items() if code.startswith("T.")]
    requirements = []
    for i, position in enumerate(positions):
        base = kinds[i % 5][2]
        for code in MANAGERIAL:
            requirements.append(
                PositionRequirement(
                    position=position, competency=competencies[code], required_level=base
                )
            )
        for competency in rng.sample(technical, 2):
            requirements.append(
                PositionRequirement(
                    position=position, competency=competency, required_level=rng.randint(1, 3)
                )
            )
    PositionRequirement.objects.bulk_create(requirements)
    return positions


@contextmanager
def foreign_keys_validated_once(models_: Sequence[type[models.Model]]) -> Iterator[None]:
    """On PostgreSQL: drops the foreign keys of these tables for the bulk fill and adds them
    back, unchanged (same name, same definition), at the end, in the same transaction.

    Django's foreign keys are `DEFERRABLE INITIALLY DEFERRED`: each row COPY writes queues
    one check per key, run at COMMIT as one index look-up and row lock each. At factor 1
    that is ~3 million checks (LMS half) and ~0.4 million (HR half), and the seeds sat in
    COMMIT for 5 (HR) and over 15 minutes (LMS) on the shared 2-core machine
    (bench/NOTES.md). Adding a key back validates every row in one
    join instead (PostgreSQL's own advice for populating a database): a million rows in
    1.5 s against 30 s of deferred checks, measured on a table pair. Nothing is skipped:
    a row pointing nowhere still fails the seed, at the `ADD CONSTRAINT`, and the whole
    transaction rolls back with the keys as they were."""
    if connection.vendor != "postgresql":
        yield
        return
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
            "FROM pg_constraint c WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s)",
            [[connection.ops.quote_name(t) for t in tables] + tables],
        )
        keys = cursor.fetchall()
        # Dropping a key alters the referenced table too, which PostgreSQL refuses while
        # checks of rows written earlier in this transaction are pending: run them now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for table, name, _definition in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for table, name, definition in keys:
            # Names and definitions come from the catalogue, not from input.
            cursor.execute(
                f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
            )


@transaction.atomic
def scale_seed_hr(
    *, seed: int = 42, factor: float = 1.0, progress: Progress | None = None
) -> ScaleHR:
    rng = random.Random(seed)  # noqa: S311 - benchmark data, not security
    size = ScaleSize.for_factor(factor)
    note = progress or (lambda step, n: None)
    if scale_data_exists():
        return _existing_scale_hr()
    competencies = competency_dictionary_seed()
    units = _units(size)
    note("units", len(units))
    positions = _positions(size, rng, competencies)
    note("positions", len(positions))
    with foreign_keys_validated_once(
        (User, EmailAddress, User.groups.through, Employee, Assessment)
    ):
        users = _users(size, rng)
        note("users", len(users))
        employees = _employees(users, units, positions, rng)
        note("employees", len(employees))
        assessments = _assessments(size, rng, employees, positions)
        note("assessments", assessments)
        note("development plans", _idps(rng, employees, positions))
    return ScaleHR(
        units=units,
        positions=positions,
        employee_ids=[e.pk for e in employees],
        user_ids=[u.pk for u in users],
        created=True,
    )


def _existing_scale_hr() -> ScaleHR:
    return ScaleHR(
        units=list(OrgUnit.objects.filter(code__startswith="SC")),
        positions=list(Position.objects.filter(code__startswith="SC-")),
        employee_ids=list(
            Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}").values_list(
                "id", flat=True
            )
        ),
        user_ids=list(
            User.objects.filter(email__endswith=f"@{SCALE_DOMAIN}").values_list("id", flat=True)
        ),
        created=False,
    )


def _users(size: ScaleSize, rng: random.Random) -> list[User]:
    """Learner accounts with a verified address each."""
    used = {nip for nip in User.objects.exclude(nip=None).values_list("nip", flat=True) if nip}
    users = User.objects.bulk_create(
        [
            User(
                email=f"pegawai{i:05d}@{SCALE_DOMAIN}",
                nip=_nip(rng, used),
                first_name=f"Pegawai{i:05d}",
                last_name="Skala",
                password=f"{UNUSABLE_PASSWORD_PREFIX}scale",
            )
            for i in range(size.employees)
        ],
        batch_size=2000,
    )
    EmailAddress.objects.bulk_create(
        [EmailAddress(user=u, email=u.email, primary=True, verified=True) for u in users],
        batch_size=2000,
    )
    learner = Group.objects.get(name=Role.PESERTA)
    User.groups.through.objects.bulk_create(
        [User.groups.through(user_id=u.pk, group_id=learner.pk) for u in users], batch_size=5000
    )
    return users


def _employees(
    users: list[User], units: list[OrgUnit], positions: list[Position], rng: random.Random
) -> list[Employee]:
    golongan = list(Golongan.values)
    today = timezone.localdate()
    employees = Employee.objects.bulk_create(
        [
            Employee(
                user=u,
                full_name=f"{u.first_name} {u.last_name}",
                golongan=rng.choice(golongan),
                unit=units[i % len(units)],
                position=positions[rng.randrange(len(positions))],
                joined_on=today - datetime.timedelta(days=rng.randrange(365, 30 * 365)),
            )
            for i, u in enumerate(users)
        ],
        batch_size=2000,
    )
    # The first employee of each unit supervises the others there.
    heads: dict[int, Employee] = {}
    for employee in employees:
        head = heads.setdefault(employee.unit_id or 0, employee)
        if head is not employee:
            employee.supervisor = head
    Employee.objects.bulk_update(employees, ["supervisor"], batch_size=2000)
    return employees


def _assessments(
    size: ScaleSize, rng: random.Random, employees: list[Employee], positions: list[Position]
) -> int:
    """Approved assessments of competencies in each employee's position standard."""
    standard: dict[int, list[int]] = {}
    for position_id, competency_id in PositionRequirement.objects.filter(
        position__in=positions
    ).values_list("position_id", "competency_id"):
        standard.setdefault(position_id, []).append(competency_id)
    assessments = []
    today = timezone.localdate()
    now = timezone.now()
    for employee in employees:
        for _ in range(size.assessments_per_employee):
            assessed = today - datetime.timedelta(days=rng.randrange(1, 3 * 365))
            assessments.append(
                Assessment(
                    employee=employee,
                    competency_id=rng.choice(standard[employee.position_id or 0]),
                    level=rng.randint(1, 5),
                    method=Assessment.Method.ASSESSMENT_CENTER,
                    assessed_on=assessed,
                    valid_until=assessed + datetime.timedelta(days=2 * 365),
                    status=Assessment.Status.APPROVED,
                    decided_at=now,
                )
            )
    Assessment.objects.bulk_create(assessments, batch_size=5000)
    return len(assessments)


def scale_idps_exist() -> bool:
    """This year's development plans (IDPs) of the scale employees: seeded with the HR
    half since issue 18; a bench database seeded before that gets them from
    `scale_seed_idps`."""
    from competencies.models import Idp

    return Idp.objects.filter(
        year=timezone.localdate().year, employee__user__email__endswith=f"@{SCALE_DOMAIN}"
    ).exists()


@transaction.atomic
def scale_seed_idps(*, seed: int = 42, progress: Progress | None = None) -> int:
    """IDPs for every scale employee when none exist yet (an HR half seeded before they
    were part of it). Returns how many plans were written; 0 when there were some."""
    if scale_idps_exist():
        return 0
    employees = list(
        Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}")
        .select_related("supervisor")
        .order_by("pk")
    )
    if not employees:
        return 0
    positions = list(Position.objects.filter(code__startswith="SC-"))
    count = _idps(random.Random(seed + 4), employees, positions)  # noqa: S311 - benchmark data
    (progress or (lambda step, n: None))("development plans", count)
    return count


def _idps(rng: random.Random, employees: list[Employee], positions: list[Position]) -> int:
    """This year's development plan for every employee (docs/idp.md), in bulk: half
    agreed, a fifth proposed, the rest drafts; one or two goals on competencies of the
    position's standard, each with one on-the-job or self-study activity."""
    from competencies.models import Idp, IdpActivity, IdpGoal

    standard: dict[int, list[int]] = {}
    for position_id, competency_id in PositionRequirement.objects.filter(
        position__in=positions
    ).values_list("position_id", "competency_id"):
        standard.setdefault(position_id, []).append(competency_id)
    now = timezone.now()
    year = timezone.localdate().year
    plans = []
    for employee in employees:
        roll = rng.random()
        status = (
            Idp.Status.AGREED
            if roll < 0.5
            else Idp.Status.PROPOSED
            if roll < 0.7
            else Idp.Status.DRAFT
        )
        plan = Idp(employee=employee, year=year, status=status)
        if status != Idp.Status.DRAFT:
            plan.proposed_at = plan.employee_agreed_at = now
            plan.proposed_by_id = plan.employee_agreed_by_id = employee.user_id
        if status == Idp.Status.AGREED and employee.supervisor is not None:
            plan.supervisor_agreed_at = now
            plan.supervisor_agreed_by_id = employee.supervisor.user_id
        plans.append(plan)
    plans = Idp.objects.bulk_create(plans, batch_size=2000)
    goals = []
    for plan, employee in zip(plans, employees, strict=True):
        choices = standard.get(employee.position_id or 0, [])
        for order, competency_id in enumerate(
            rng.sample(choices, min(len(choices), rng.randint(1, 2)))
        ):
            goals.append(
                IdpGoal(
                    idp=plan, competency_id=competency_id, title="Menutup kesenjangan",
                    required_level=3, sort_order=order,
                )
            )  # fmt: skip
    goals = IdpGoal.objects.bulk_create(goals, batch_size=5000)
    kinds = [IdpActivity.Kind.ON_THE_JOB, IdpActivity.Kind.SELF_STUDY]
    IdpActivity.objects.bulk_create(
        [
            IdpActivity(
                goal=goal,
                kind=rng.choice(kinds),
                description="Kegiatan pengembangan",
                target_date=datetime.date(year, rng.randint(6, 12), 1),
                expected_jp=2,
            )  # fmt: skip
            for goal in goals
        ],
        batch_size=5000,
    )
    return len(plans)
