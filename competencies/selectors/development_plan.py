"""Reads of the agency's development plan (docs/development-plan.md): the plans HR sees,
the candidates a plan is built from, the target groups and their gaps, and the
planned-vs-realised report, which is also the source of the public figures (lms
`plan_public_figures`): one selector, so the public sees HR's numbers.

What the linked batches and courses delivered comes from the selector named by
settings.COMPETENCIES_PLAN_REALISATION_SELECTOR (lms; competencies may not import it),
the proposal and course figures from settings.COMPETENCIES_PLAN_SOURCES_SELECTOR."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet, Sum
from django.http import Http404
from django.utils.module_loading import import_string

from competencies.models import (
    Competency,
    DevelopmentPlan,
    DevelopmentPlanItem,
    DevelopmentPlanSpend,
    Employee,
    OrgUnit,
)
from competencies.selectors.gaps import employees_below_standard, gap_heatmap
from competencies.selectors.idp import idp_agreed_goal_counts

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def require_plan_reader(user: User | AnonymousUser) -> None:
    """HR (any scope) reads the plans; so does the head of agency, who approves them (the
    `competencies.approve_development_plan` rule) and need not be HR."""
    if not (
        user.has_perm("portal.access_hr") or user.has_perm("competencies.approve_development_plan")
    ):
        raise PermissionDenied


PEOPLE_SEARCH_LIMIT = 20


def plan_people_search(*, user: User | AnonymousUser, query: str) -> list[Employee]:
    """The active employees in the HR manager's scope (`employee_list_for_hr`: their
    unit subtree, never other units') whose name contains `query` or whose NIP starts
    with it (spaces, dots and dashes ignored), for the named-people picker of a plan
    item; at most PEOPLE_SEARCH_LIMIT, by name. Two queries (the scope, the rows); only
    the scope for a query under two characters (nothing is searched)."""
    from django.db.models import Q

    from accounts.nip import nip_normalize
    from competencies.selectors.hr_scope import employee_list_for_hr

    employees = employee_list_for_hr(user=user)
    query = query.strip()
    if len(query) < 2:
        return []
    digits = nip_normalize(query)
    match = Q(full_name__icontains=query)
    if digits.isdigit():
        match |= Q(user__nip__startswith=digits)
    rows = (
        employees.filter(match, is_active=True)
        .select_related(None)
        .select_related("user", "unit")
        .order_by("full_name", "pk")[:PEOPLE_SEARCH_LIMIT]
    )
    return list(rows)


def plan_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[DevelopmentPlan]:
    require_plan_reader(user)
    return DevelopmentPlan.objects.select_related("prepared_by", "approved_by").order_by(
        "-year", "-revision"
    )


def plan_get_for_hr(*, user: User | AnonymousUser, pk: int) -> DevelopmentPlan:
    try:
        return plan_list_for_hr(user=user).get(pk=pk)
    except DevelopmentPlan.DoesNotExist as exc:
        raise Http404 from exc


def plan_item_get_for_hr(*, user: User | AnonymousUser, pk: int) -> DevelopmentPlanItem:
    require_plan_reader(user)
    try:
        return DevelopmentPlanItem.objects.select_related(
            "plan", "competency", "target_unit", "target_position"
        ).get(pk=pk)
    except DevelopmentPlanItem.DoesNotExist as exc:
        raise Http404 from exc


def plan_in_force(*, year: int) -> DevelopmentPlan | None:
    return DevelopmentPlan.objects.filter(year=year, status=DevelopmentPlan.Status.APPROVED).first()


def plan_spend_list(*, item: DevelopmentPlanItem) -> QuerySet[DevelopmentPlanSpend]:
    return DevelopmentPlanSpend.objects.filter(item_key=item.key).select_related("entered_by")


# TARGET GROUPS AND GAPS ------------------------------------------------------------------


def _top_length() -> int:
    root = OrgUnit.get_root_nodes().only("path").first()
    return len(root.path) if root else 0


@dataclass
class _Population:
    """Active employees (id → (unit path, position id)), the named people of each item,
    and who is below standard in what, now."""

    employees: dict[int, tuple[str, Any]]
    people: dict[int, set[int]]
    below: dict[int, set[int]]  # competency id → employee ids below standard
    # The employees by unit path and by position, built once: a unit's target group is
    # the union over the (few dozen) paths under it, not a scan of every employee for
    # every item (300 items × 10,000 employees was most of the report's time).
    by_path: dict[str, set[int]] = field(default_factory=dict)
    by_position: dict[Any, set[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        by_path: dict[str, set[int]] = defaultdict(set)
        by_position: dict[Any, set[int]] = defaultdict(set)
        for pk, (path, position_id) in self.employees.items():
            by_path[path].add(pk)
            by_position[position_id].add(pk)
        self.by_path, self.by_position = dict(by_path), dict(by_position)


def _population(items: list[DevelopmentPlanItem]) -> _Population:
    """Four queries: employees, the named people and the gaps
    (`employees_below_standard`: more with stale level rows)."""
    employees = {
        pk: (path or "", position_id)
        for pk, path, position_id in Employee.objects.filter(is_active=True).values_list(
            "pk", "unit__path", "position_id"
        )
    }
    people: dict[int, set[int]] = defaultdict(set)
    through = DevelopmentPlanItem.target_employees.through
    for item_id, employee_id in through.objects.filter(
        developmentplanitem_id__in=[i.pk for i in items]
    ).values_list("developmentplanitem_id", "employee_id"):
        people[item_id].add(employee_id)
    below = employees_below_standard(competency_ids={i.competency_id for i in items})
    return _Population(employees=employees, people=people, below=below)


def _target_ids(item: DevelopmentPlanItem, population: _Population) -> set[int]:
    kinds = DevelopmentPlanItem.TargetKind
    if item.target_kind == kinds.PEOPLE:
        return {e for e in population.people.get(item.pk, ()) if e in population.employees}
    if item.target_kind == kinds.UNIT and item.target_unit is not None:
        path = item.target_unit.path
        return set().union(*(ids for p, ids in population.by_path.items() if p.startswith(path)))
    if item.target_kind == kinds.POSITION:
        return set(population.by_position.get(item.target_position_id, ()))
    return set()


def plan_item_gap_now(*, items: list[DevelopmentPlanItem]) -> dict[int, tuple[int, list[int]]]:
    """{item id: (target group size, ids of its employees below standard now)}: what
    approval fixes as the gap the item closes. Five queries."""
    population = _population(items)
    result = {}
    for item in items:
        target = _target_ids(item, population)
        result[item.pk] = (
            len(target),
            sorted(target & population.below.get(item.competency_id, set())),
        )
    return result


# BUILDING A PLAN -------------------------------------------------------------------------


@dataclass
class PlanCandidate:
    """A proposed item: one competency for one perangkat daerah with employees below
    standard, with the other sources' weight for the same competency."""

    competency: Competency
    unit: OrgUnit
    below: int
    required: int
    proposals: int = 0
    votes: int = 0
    idp_goals: int = 0
    course: dict[str, Any] | None = None

    @property
    def source(self) -> str:
        sources = DevelopmentPlanItem.Source
        if self.idp_goals:
            return sources.IDP
        if self.votes or self.proposals:
            return sources.PROPOSALS
        if self.course:
            return sources.TRAINING_NEEDS
        return sources.GAPS

    @property
    def score(self) -> tuple[int, int, int]:
        return (self.below + self.votes + self.idp_goals, self.below, self.votes)


def plan_idp_goal_counts(*, year: int, unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{competency id: employees with an agreed development plan (IDP) for `year` that has a
    goal on it}: the IDPs' share of the plan's sources (issue 18 §3)."""
    return idp_agreed_goal_counts(year=year, unit_ids=unit_ids)


def plan_lms_sources(*, competency_ids: Iterable[int]) -> dict[int, dict[str, Any]]:
    """Proposals with their votes and the course closing each gap, from the selector named
    by settings.COMPETENCIES_PLAN_SOURCES_SELECTOR (the lms); empty without one."""
    path = getattr(settings, "COMPETENCIES_PLAN_SOURCES_SELECTOR", "")
    if not path:
        return {}
    return import_string(path)(competency_ids=competency_ids)


def plan_candidates(
    *,
    year: int,
    idp_goal_counts: dict[int, int] | None = None,
    lms_sources: dict[int, dict[str, Any]] | None = None,
    limit: int = 100,
) -> list[PlanCandidate]:
    """The gap heat-map's cells with employees below standard (one per perangkat daerah ×
    competency), weighed with the employees' proposals and their votes, the agreed IDP
    goals (`idp_goal_counts`, see `plan_idp_goal_counts`) and the course the
    training-needs report would use; the heaviest first, at most `limit`."""
    heatmap = gap_heatmap()
    if idp_goal_counts is None:
        idp_goal_counts = plan_idp_goal_counts(year=year)
    competency_by_id = {c.pk: c for c in heatmap.competencies}
    if lms_sources is None:
        lms_sources = plan_lms_sources(competency_ids=list(competency_by_id))
    unit_by_id = {u.pk: u for u in heatmap.units}
    candidates = []
    for (unit_id, competency_id), cell in heatmap.cells.items():
        if not cell.below:
            continue
        extra = lms_sources.get(competency_id, {})
        candidates.append(
            PlanCandidate(
                competency=competency_by_id[competency_id],
                unit=unit_by_id[unit_id],
                below=cell.below,
                required=cell.required,
                proposals=extra.get("proposals", 0),
                votes=extra.get("votes", 0),
                idp_goals=idp_goal_counts.get(competency_id, 0),
                course=extra.get("course"),
            )
        )
    candidates.sort(key=lambda c: (tuple(-s for s in c.score), c.unit.path, c.competency.code))
    return candidates[:limit]


# THE REPORT ------------------------------------------------------------------------------


@dataclass
class Figures:
    planned_batches: int = 0
    planned_participants: int = 0
    planned_jp: Decimal = Decimal(0)
    planned_cost: Decimal = Decimal(0)
    target_size: int = 0
    batches_held: int = 0
    participants: int = 0
    jp_delivered: Decimal = Decimal(0)
    spent: Decimal = Decimal(0)
    below_at_plan: int = 0
    below_now: int = 0
    gaps_closed: int = 0
    items: int = 0

    @property
    def spent_pct(self) -> float | None:
        return round(float(100 * self.spent / self.planned_cost), 1) if self.planned_cost else None

    @property
    def participants_pct(self) -> float | None:
        if not self.planned_participants:
            return None
        return round(100 * self.participants / self.planned_participants, 1)

    @property
    def cost_per_participant(self) -> Decimal | None:
        return (self.spent / self.participants).quantize(Decimal(1)) if self.participants else None

    @property
    def cost_per_jp(self) -> Decimal | None:
        return (self.spent / self.jp_delivered).quantize(Decimal(1)) if self.jp_delivered else None


@dataclass
class ItemRow(Figures):
    item: DevelopmentPlanItem = field(default=None)  # type: ignore[assignment]
    opd: OrgUnit | None = None


@dataclass
class OpdRow(Figures):
    unit: OrgUnit | None = None  # None: items for several OPDs (a position, named people)


@dataclass
class PlanReport:
    plan: DevelopmentPlan
    items: list[ItemRow]
    opds: list[OpdRow]
    total: Figures


def _realisation(*, plan: DevelopmentPlan, top_length: int) -> dict[str, dict[str, Any]]:
    """What the linked training delivered: {"items": {item key: figures}, "opds": {OPD
    path: figures}} (the lms selector's docstring)."""
    path = getattr(settings, "COMPETENCIES_PLAN_REALISATION_SELECTOR", "")
    if not path:
        return {"items": {}, "opds": {}}
    return import_string(path)(plan_id=plan.pk, year=plan.year, top_length=top_length)


def _add_figures(target: Figures, row: Figures) -> None:
    for name in Figures.__dataclass_fields__:
        setattr(target, name, getattr(target, name) + getattr(row, name))


def development_plan_report(*, plan: DevelopmentPlan) -> PlanReport:
    """Planned vs realised per item, per perangkat daerah and in total. Per item: the plan
    (batches, participants, JP, cost), the realisation (batches held, participants and JP
    delivered by the linked batches and course, money spent), and the gap: employees below
    standard at approval (`gap_at_plan`), those of the target group below standard now,
    and how many of the former meet the standard now (`gaps_closed`). A draft plan shows
    its gap as of now. At most sixteen queries, whatever the size of the plan."""
    items = list(
        plan.items.select_related("competency", "target_unit").order_by("competency__code", "pk")
    )
    opds = list(OrgUnit.get_root_nodes().order_by("path"))
    length = len(opds[0].path) if opds else 0
    opd_by_path = {u.path: u for u in opds}
    population = _population(items)
    spent: dict[str, Decimal] = {
        str(key): total
        for key, total in DevelopmentPlanSpend.objects.filter(
            item_key__in=plan.items.values("key"), cancelled=False
        )
        .values_list("item_key")
        .annotate(total=Sum("amount"))
        .order_by()
    }
    realised = _realisation(plan=plan, top_length=length)
    approved = plan.status in (DevelopmentPlan.Status.APPROVED, DevelopmentPlan.Status.SUPERSEDED)
    rows: list[ItemRow] = []
    by_opd: dict[str | None, OpdRow] = {}
    total = Figures()

    def opd_row(path: str | None) -> OpdRow:
        if path not in by_opd:
            by_opd[path] = OpdRow(unit=opd_by_path.get(path) if path else None)
        return by_opd[path]

    for item in items:
        target = _target_ids(item, population)
        below_now = target & population.below.get(item.competency_id, set())
        at_plan = set(item.gap_employee_ids) if approved else below_now
        # dict_keys & set: the members of at_plan still employed, without a Python loop.
        closed = (population.employees.keys() & at_plan) - population.below.get(
            item.competency_id, set()
        )
        real = realised["items"].get(str(item.key), {})
        home = item.target_unit.path[:length] if item.target_unit is not None else None
        row = ItemRow(
            item=item,
            opd=opd_by_path.get(home) if home else None,
            items=1,
            planned_batches=item.planned_batches,
            planned_participants=item.planned_participants,
            planned_jp=item.planned_jp_total,
            planned_cost=item.planned_cost,
            target_size=len(target),
            batches_held=real.get("batches", 0),
            participants=real.get("participants", 0),
            jp_delivered=real.get("jp", Decimal(0)),
            spent=spent.get(str(item.key), Decimal(0)),
            below_at_plan=len(at_plan),
            below_now=len(below_now),
            gaps_closed=len(closed),
        )
        rows.append(row)
        _add_figures(total, row)
        # Per OPD: the plan, the money and the gap go to the item's OPD (its target
        # unit's); the participants and JP to each participant's OPD.
        home_row = opd_row(home)
        for name in ("items", "planned_batches", "planned_participants", "planned_jp",
                     "planned_cost", "target_size", "batches_held", "spent",
                     "below_at_plan", "below_now", "gaps_closed"):  # fmt: skip
            setattr(home_row, name, getattr(home_row, name) + getattr(row, name))
    for path, unit_figures in realised["opds"].items():
        target_row = opd_row(path if path in opd_by_path else None)
        target_row.participants += unit_figures["participants"]
        target_row.jp_delivered += unit_figures["jp"]
    opd_rows = sorted(
        by_opd.values(), key=lambda r: (r.unit is None, r.unit.path if r.unit else "")
    )
    return PlanReport(plan=plan, items=rows, opds=opd_rows, total=total)
