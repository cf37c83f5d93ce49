"""The agency's development plan at city scale, for benchmarks (docs/development-plan.md,
issue 18's speed section): the fourth part of `manage.py seed_scale`, run after the
classroom part (it links the scale batches and courses). At factor 1: this year's plan,
approved, with 300 items (mixed routes; target groups of a unit, the holders of a
position or 10–40 named employees; costs per participant or lump sums; APBD, APBN,
grants and no-cost items), the gap each item closes fixed as approval fixes it, the
finished scale batches of this year linked to the classical items, a distinct scale
course to each non-classical item, and one to three spending entries on most items.

An approved plan the year already has (the demo's) is superseded by it, as approving a
revision does. Deterministic for a seed; bulk writes (a few thousand rows at factor 1, so
`bulk_create` is enough). Running it again on a database that already has the scale plan
does nothing."""

from __future__ import annotations

import datetime
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from accounts.models import User
from competencies.demo.scale import SCALE_DOMAIN
from competencies.models import (
    DevelopmentPlan,
    DevelopmentPlanItem,
    DevelopmentPlanSpend,
    Employee,
    OrgUnit,
    Position,
    PositionRequirement,
)
from competencies.selectors.development_plan import plan_item_gap_now
from lms.demo.scale import SLUG_PREFIX, Progress
from lms.demo.scale_classroom import NUMBER_PREFIX
from lms.models import Batch, CoursePage, PlanItemBatch, PlanItemCourse

PLAN_NOTE = "Rencana skala (data benchmark)."
STEPS = ("plan items", "plan links", "plan spending")
PROVIDERS = (
    "BKPSDM (widyaiswara sendiri)",
    "BPSDM Provinsi Kalimantan Timur",
    "LAN RI",
    "Pusdiklat Kemendagri",
    "Universitas Mulawarman",
)
HR_EMAIL = "sdm@demo.bontang.example"
HEAD_EMAIL = "admin@demo.bontang.example"


@dataclass(frozen=True)
class PlanScaleSize:
    items: int

    @classmethod
    def for_factor(cls, factor: float) -> PlanScaleSize:
        return cls(items=max(6, round(300 * factor)))


@dataclass
class ScalePlan:
    items: int
    batch_links: int
    course_links: int
    spending: int
    created: bool


def scale_plan_exists() -> bool:
    return DevelopmentPlan.objects.filter(note=PLAN_NOTE).exists()


@transaction.atomic
def scale_seed_plan(
    *, seed: int = 42, factor: float = 1.0, progress: Progress | None = None
) -> ScalePlan:
    """Needs the scale employees (and, for the realisation, the scale batches and
    courses); created=False without writing when the scale plan exists or there are no
    scale employees."""
    if scale_plan_exists():
        return ScalePlan(0, 0, 0, 0, created=False)
    scale_units = list(OrgUnit.objects.filter(code__startswith="SC").order_by("path"))
    positions = list(Position.objects.filter(code__startswith="SC-").order_by("pk"))
    people = list(
        Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}", is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if not scale_units or not positions or not people:
        return ScalePlan(0, 0, 0, 0, created=False)
    rng = random.Random(seed + 3)  # noqa: S311 - benchmark data, not security
    size = PlanScaleSize.for_factor(factor)
    note = progress or (lambda step, n: None)
    now = timezone.now()
    year = timezone.localdate(now).year
    hr = User.objects.filter(email=HR_EMAIL).first()
    head = User.objects.filter(email=HEAD_EMAIL).first()

    plan = _plan(year, now, hr, head)
    items = _items(size, rng, plan, scale_units, positions, people)
    note("plan items", len(items))
    batch_links, course_links = _links(rng, items, year, hr)
    note("plan links", batch_links + course_links)
    spending = _spending(rng, items, year, now, hr)
    note("plan spending", spending)
    return ScalePlan(len(items), batch_links, course_links, spending, created=True)


def _plan(year: int, now: datetime.datetime, hr: User | None, head: User | None) -> DevelopmentPlan:
    """This year's plan, approved; the approved one before it (the demo's) superseded."""
    DevelopmentPlan.objects.filter(year=year, status=DevelopmentPlan.Status.APPROVED).update(
        status=DevelopmentPlan.Status.SUPERSEDED, updated_at=now
    )
    last = DevelopmentPlan.objects.filter(year=year).aggregate(n=Max("revision"))["n"] or 0
    return DevelopmentPlan.objects.create(
        year=year,
        revision=last + 1,
        status=DevelopmentPlan.Status.APPROVED,
        note=PLAN_NOTE,
        prepared_by=hr,
        submitted_at=now,
        approved_by=head,
        approved_at=now,
    )


def _items(
    size: PlanScaleSize,
    rng: random.Random,
    plan: DevelopmentPlan,
    units: list[OrgUnit],
    positions: list[Position],
    people: list[int],
) -> list[DevelopmentPlanItem]:
    standard: dict[int, list[int]] = {}
    for position_id, competency_id in PositionRequirement.objects.filter(
        position__in=positions
    ).values_list("position_id", "competency_id"):
        standard.setdefault(position_id, []).append(competency_id)
    competencies = sorted({c for cs in standard.values() for c in cs})
    kinds = DevelopmentPlanItem.TargetKind
    routes = DevelopmentPlanItem.Route
    fundings = list(DevelopmentPlanItem.Funding)
    sources = list(DevelopmentPlanItem.Source)
    items: list[DevelopmentPlanItem] = []
    named: dict[int, list[int]] = {}
    for n in range(size.items):
        roll = rng.random()
        kind = kinds.UNIT if roll < 0.6 else kinds.POSITION if roll < 0.85 else kinds.PEOPLE
        item = DevelopmentPlanItem(
            plan=plan,
            key=uuid.UUID(int=rng.getrandbits(128), version=4),
            target_kind=kind,
            route=routes.CLASSICAL if rng.random() < 0.6 else routes.NON_CLASSICAL,
            provider=rng.choice(PROVIDERS),
            planned_batches=rng.randint(1, 4),
            planned_participants=rng.randint(20, 150),
            planned_jp=Decimal(rng.choice((8, 16, 20, 24, 32, 40))),
            funding=fundings[n % len(fundings)],
            source=rng.choice(sources),
        )
        if kind == kinds.UNIT:
            item.target_unit = rng.choice(units)
            item.competency_id = rng.choice(competencies)
        elif kind == kinds.POSITION:
            position = rng.choice(positions)
            item.target_position = position
            item.competency_id = rng.choice(standard.get(position.pk) or competencies)
        else:
            item.competency_id = rng.choice(competencies)
            named[n] = rng.sample(people, min(len(people), rng.randint(10, 40)))
            item.planned_participants = len(named[n])
        if item.funding == DevelopmentPlanItem.Funding.NONE:
            pass
        elif rng.random() < 0.75:
            item.unit_cost = Decimal(rng.randrange(500_000, 7_500_000, 50_000))
        else:
            item.cost_basis = DevelopmentPlanItem.CostBasis.LUMP_SUM
            item.lump_sum = Decimal(rng.randrange(10_000_000, 400_000_000, 1_000_000))
        item.title = f"Pengembangan kompetensi {n + 1:03d}"
        items.append(item)
    items = DevelopmentPlanItem.objects.bulk_create(items, batch_size=500)
    through = DevelopmentPlanItem.target_employees.through
    through.objects.bulk_create(
        [
            through(developmentplanitem_id=items[n].pk, employee_id=employee_id)
            for n, ids in named.items()
            for employee_id in ids
        ],
        batch_size=5000,
    )
    # The gap each item closes, fixed as approval fixes it (plan_approve).
    for_gap = list(DevelopmentPlanItem.objects.filter(plan=plan).select_related("target_unit"))
    gaps = plan_item_gap_now(items=for_gap)
    for item in for_gap:
        below = gaps[item.pk][1]
        item.gap_at_plan = len(below)
        item.gap_employee_ids = below
    DevelopmentPlanItem.objects.bulk_update(
        for_gap, ["gap_at_plan", "gap_employee_ids"], batch_size=500
    )
    return sorted(for_gap, key=lambda i: i.pk)


def _links(
    rng: random.Random, items: list[DevelopmentPlanItem], year: int, hr: User | None
) -> tuple[int, int]:
    """The scale batches that ended this year go, one to three at a time, to the classical
    items; each non-classical item gets a scale course of its own."""
    batches = list(
        Batch.objects.filter(
            number__startswith=NUMBER_PREFIX,
            status=Batch.Status.FINISHED,
            ends_on__year=year,
            plan_item_link__isnull=True,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    courses = list(
        CoursePage.objects.filter(slug__startswith=SLUG_PREFIX, plan_item_links__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    batch_rows: list[PlanItemBatch] = []
    course_rows: list[PlanItemCourse] = []
    for item in items:
        if item.route == DevelopmentPlanItem.Route.CLASSICAL:
            for _ in range(min(len(batches), rng.randint(1, 3))):
                batch_rows.append(
                    PlanItemBatch(batch_id=batches.pop(), item_key=item.key, linked_by=hr)
                )
        elif courses:
            course_rows.append(
                PlanItemCourse(course_id=courses.pop(0), item_key=item.key, linked_by=hr)
            )
    PlanItemBatch.objects.bulk_create(batch_rows, batch_size=1000)
    PlanItemCourse.objects.bulk_create(course_rows, batch_size=1000)
    return len(batch_rows), len(course_rows)


def _spending(
    rng: random.Random,
    items: list[DevelopmentPlanItem],
    year: int,
    now: datetime.datetime,
    hr: User | None,
) -> int:
    """One to three entries on four items in five with a cost, dated this year up to
    today, adding up to somewhere between 30 % and 110 % of the planned cost."""
    today = timezone.localdate(now)
    first = datetime.date(year, 1, 1)
    days = max(1, (today - first).days)
    rows = []
    for item in items:
        cost = item.planned_cost
        if not cost or rng.random() < 0.2:
            continue
        entries = rng.randint(1, 3)
        share = Decimal(rng.randint(30, 110)) / 100
        each = (cost * share / entries).quantize(Decimal(1))
        for n in range(entries):
            rows.append(
                DevelopmentPlanSpend(
                    item_key=item.key,
                    year=year,
                    amount=max(each, Decimal(1)),
                    spent_on=first + datetime.timedelta(days=rng.randrange(days)),
                    document_number=f"SP2D/{year}/{item.pk}/{n + 1}",
                    note="Data skala",
                    entered_by=hr,
                )
            )
    DevelopmentPlanSpend.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
