"""Reads for competencies: HR scoping, current competency levels and gap analysis.

The gap selectors run a fixed number of queries whatever the data size: they fetch the
employees in scope, their positions' requirements and their current levels in one query
each, and compute the gaps in Python."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import F, Q, QuerySet, Window
from django.db.models.functions import RowNumber
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from accounts.roles import Role, has_role
from competencies.models import (
    Assessment,
    Competency,
    Employee,
    HRScope,
    OrgUnit,
    Position,
    PositionRequirement,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser
    from django.core.paginator import Page

    from accounts.models import User


# HR SCOPE ------------------------------------------------------------------------------


def hr_scope_unit(user: User | AnonymousUser) -> OrgUnit | None:
    """The unit subtree an HR manager is limited to, or None for the whole organisation.
    Administrators are never limited."""
    if has_role(user, Role.ADMINISTRATOR):
        return None
    if user.pk is None:
        return None
    scope = HRScope.objects.select_related("unit").filter(user_id=user.pk).first()
    return scope.unit if scope else None


def _require_hr(user: User | AnonymousUser) -> None:
    if not has_role(user, Role.PENGELOLA_SDM, Role.ADMINISTRATOR):
        raise PermissionDenied


def orgunit_list_for_hr(user: User | AnonymousUser) -> QuerySet[OrgUnit]:
    _require_hr(user)
    scope = hr_scope_unit(user)
    units = OrgUnit.objects.all()
    if scope is not None:
        units = units.filter(path__startswith=scope.path)
    return units.order_by("path")


def employee_list_for_hr(user: User | AnonymousUser) -> QuerySet[Employee]:
    """Employees an HR manager may see and change (their unit subtree)."""
    _require_hr(user)
    scope = hr_scope_unit(user)
    employees = Employee.objects.select_related("user", "unit", "position", "supervisor")
    if scope is not None:
        employees = employees.filter(unit__path__startswith=scope.path)
    return employees


def employee_get_for_hr(user: User | AnonymousUser, pk: int) -> Employee:
    try:
        return employee_list_for_hr(user).get(pk=pk)
    except Employee.DoesNotExist as exc:
        raise Http404 from exc


def assessment_list_for_hr(user: User | AnonymousUser) -> QuerySet[Assessment]:
    _require_hr(user)
    scope = hr_scope_unit(user)
    assessments = Assessment.objects.select_related(
        "employee__user", "employee__unit", "competency", "assessor", "decided_by"
    )
    if scope is not None:
        assessments = assessments.filter(employee__unit__path__startswith=scope.path)
    return assessments


def training_record_list_for_hr(user: User | AnonymousUser) -> QuerySet:
    from competencies.models import TrainingRecord

    _require_hr(user)
    scope = hr_scope_unit(user)
    records = TrainingRecord.objects.select_related("employee__user", "employee__unit")
    if scope is not None:
        records = records.filter(employee__unit__path__startswith=scope.path)
    return records


def hr_managers_for_employee(employee: Employee) -> list[User]:
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


def privileged_user_ids(user_ids: Iterable[int]) -> set[int]:
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


def employee_in_hr_scope(user: User | AnonymousUser, employee: Employee) -> bool:
    if not has_role(user, Role.PENGELOLA_SDM, Role.ADMINISTRATOR):
        return False
    scope = hr_scope_unit(user)
    if scope is None:
        return True
    return employee.unit is not None and employee.unit.path.startswith(scope.path)


# CURRENT LEVELS --------------------------------------------------------------------------


def _today() -> datetime.date:
    return timezone.localdate()


def current_assessments(
    *, employee_ids: Iterable[int] | QuerySet, as_of: datetime.date | None = None
) -> QuerySet[Assessment]:
    """For each (employee, competency): the latest approved assessment that is valid on
    `as_of`. Drafts, submitted, rejected and expired assessments never count, so an
    unapproved self-assessment never becomes a current level."""
    as_of = as_of or _today()
    return (
        Assessment.objects.filter(
            employee_id__in=employee_ids,
            status=Assessment.Status.APPROVED,
            assessed_on__lte=as_of,
        )
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=as_of))
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("employee_id"), F("competency_id")],
                order_by=[F("assessed_on").desc(), F("decided_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
    )


def current_levels(
    *, employee_ids: Iterable[int] | QuerySet, as_of: datetime.date | None = None
) -> dict[tuple[int, int], int]:
    """{(employee id, competency id): level} in one query."""
    rows = current_assessments(employee_ids=employee_ids, as_of=as_of).values_list(
        "employee_id", "competency_id", "level"
    )
    return {(e, c): level for e, c, level in rows}


# GAPS ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompetencyGap:
    competency: Competency
    required_level: int | None
    current_level: int | None

    @property
    def gap(self) -> int:
        return max((self.required_level or 0) - (self.current_level or 0), 0)

    @property
    def meets_standard(self) -> bool:
        return self.gap == 0

    @property
    def assessed(self) -> bool:
        return self.current_level is not None


def competency_gaps_for_employee(
    employee: Employee, *, as_of: datetime.date | None = None
) -> list[CompetencyGap]:
    """Required vs current level for every competency of the employee's position
    standard, then any other competency the employee has a current level in. Two queries."""
    requirements = list(
        PositionRequirement.objects.filter(position_id=employee.position_id)
        .select_related("competency")
        .order_by("competency__code")
        if employee.position_id
        else []
    )
    currents = {
        a.competency_id: a
        for a in current_assessments(employee_ids=[employee.pk], as_of=as_of).select_related(
            "competency"
        )
    }
    gaps = [
        CompetencyGap(
            competency=r.competency,
            required_level=r.required_level,
            current_level=currents[r.competency_id].level if r.competency_id in currents else None,
        )
        for r in requirements
    ]
    required_ids = {r.competency_id for r in requirements}
    extra = sorted(
        (a for cid, a in currents.items() if cid not in required_ids),
        key=lambda a: a.competency.code,
    )
    gaps += [
        CompetencyGap(competency=a.competency, required_level=None, current_level=a.level)
        for a in extra
    ]
    return gaps


@dataclass(frozen=True)
class RatingGuideRow:
    """What a rater needs beside the rating form: the levels and what each means."""

    gap: CompetencyGap
    levels: list[Any]  # ProficiencyLevel, in level order


def rating_guide(employee: Employee) -> list[RatingGuideRow]:
    """The employee's position standard (and other assessed competencies) with their
    current and required level and the level descriptions. Three queries."""
    from competencies.models import ProficiencyLevel

    gaps = competency_gaps_for_employee(employee)
    levels: dict[int, list[Any]] = {}
    for level in ProficiencyLevel.objects.filter(
        competency_id__in=[g.competency.pk for g in gaps]
    ).order_by("competency_id", "level"):
        levels.setdefault(level.competency_id, []).append(level)
    return [RatingGuideRow(gap=g, levels=levels.get(g.competency.pk, [])) for g in gaps]


@dataclass
class GapCell:
    """One competency over a group of employees whose position requires it."""

    required: int = 0  # employees whose position requires the competency
    below: int = 0  # of those, how many are below the required level
    gap_total: int = 0

    @property
    def average_gap(self) -> float:
        return self.gap_total / self.required if self.required else 0.0

    @property
    def share_below(self) -> float:
        return self.below / self.required if self.required else 0.0


@dataclass
class GapSummary:
    competencies: list[Competency]
    cells: dict[int, GapCell] = field(default_factory=dict)
    employees: int = 0


@dataclass
class HeatMap:
    units: list[OrgUnit]
    competencies: list[Competency]
    cells: dict[tuple[int, int], GapCell]

    def cell(self, unit_id: int, competency_id: int) -> GapCell | None:
        return self.cells.get((unit_id, competency_id))


def _gap_rows(
    employees: QuerySet[Employee], *, as_of: datetime.date | None
) -> tuple[list[tuple[int, int, str]], dict[int, list[tuple[int, int]]], dict]:
    """Three queries: employees (id, position, unit path), requirements per position,
    current levels."""
    rows = list(
        employees.filter(is_active=True, position__isnull=False).values_list(
            "id", "position_id", "unit__path"
        )
    )
    position_ids = {position_id for _, position_id, _ in rows}
    requirements: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for position_id, competency_id, level in PositionRequirement.objects.filter(
        position_id__in=position_ids
    ).values_list("position_id", "competency_id", "required_level"):
        requirements[position_id].append((competency_id, level))
    levels = current_levels(employee_ids=employees.filter(is_active=True).values("id"), as_of=as_of)
    return rows, requirements, levels


def _accumulate(cell: GapCell, required_level: int, current_level: int | None) -> None:
    gap = max(required_level - (current_level or 0), 0)
    cell.required += 1
    cell.gap_total += gap
    if gap:
        cell.below += 1


def _summarise(employees: QuerySet[Employee], *, as_of: datetime.date | None) -> GapSummary:
    rows, requirements, levels = _gap_rows(employees, as_of=as_of)
    cells: dict[int, GapCell] = defaultdict(GapCell)
    for employee_id, position_id, _ in rows:
        for competency_id, required_level in requirements.get(position_id, []):
            _accumulate(
                cells[competency_id], required_level, levels.get((employee_id, competency_id))
            )
    competencies = list(Competency.objects.filter(pk__in=cells.keys()).order_by("code"))
    return GapSummary(competencies=competencies, cells=dict(cells), employees=len(rows))


def unit_gap_summary(
    unit: OrgUnit, *, include_subunits: bool = True, as_of: datetime.date | None = None
) -> GapSummary:
    """Per competency: employees of the unit (and sub-units) below their standard, and
    the average gap. Four queries."""
    if include_subunits:
        employees = Employee.objects.filter(unit__path__startswith=unit.path)
    else:
        employees = Employee.objects.filter(unit=unit)
    return _summarise(employees, as_of=as_of)


def position_gap_summary(
    position: Position, *, within: OrgUnit | None = None, as_of: datetime.date | None = None
) -> GapSummary:
    """The gaps of the position's holders; with `within`, only the holders in that unit
    subtree (an HR manager's scope: with one holder the summary is that person's gaps)."""
    employees = Employee.objects.filter(position=position)
    if within is not None:
        employees = employees.filter(unit__path__startswith=within.path)
    return _summarise(employees, as_of=as_of)


def gap_heatmap(*, root: OrgUnit | None = None, as_of: datetime.date | None = None) -> HeatMap:
    """Units × competencies. Rows are the children of `root` (the perangkat daerah when
    root is None); each row aggregates its whole subtree. Five queries."""
    if root is None:
        units = list(OrgUnit.get_root_nodes().order_by("path"))
        employees = Employee.objects.all()
    else:
        units = list(root.get_children().order_by("path")) or [root]
        employees = Employee.objects.filter(unit__path__startswith=root.path)
    row_length = len(units[0].path) if units else 0
    unit_by_path = {u.path: u for u in units}
    rows, requirements, levels = _gap_rows(employees, as_of=as_of)
    cells: dict[tuple[int, int], GapCell] = defaultdict(GapCell)
    for employee_id, position_id, unit_path in rows:
        unit = unit_by_path.get((unit_path or "")[:row_length])
        if unit is None:
            continue
        for competency_id, required_level in requirements.get(position_id, []):
            _accumulate(
                cells[(unit.pk, competency_id)],
                required_level,
                levels.get((employee_id, competency_id)),
            )
    competency_ids = {competency_id for _, competency_id in cells}
    competencies = list(Competency.objects.filter(pk__in=competency_ids).order_by("code"))
    return HeatMap(units=units, competencies=competencies, cells=dict(cells))


def employee_gaps(
    employees: QuerySet[Employee], *, as_of: datetime.date | None = None
) -> list[tuple[int, int, int, int]]:
    """(employee id, competency id, required level, current level) for every competency
    an active employee's position requires and the employee is below. Three queries
    whatever the number of employees (batch form of `competency_gaps_for_employee`)."""
    rows, requirements, levels = _gap_rows(employees, as_of=as_of)
    gaps = []
    for employee_id, position_id, _path in rows:
        for competency_id, required_level in requirements.get(position_id, []):
            current = levels.get((employee_id, competency_id)) or 0
            if required_level > current:
                gaps.append((employee_id, competency_id, required_level, current))
    return gaps


def gap_counts_for_employees(employee_ids: Iterable[int]) -> dict[int, int]:
    """{employee id: number of competencies below the position's standard}. Three
    queries whatever the number of employees (the supervisors' team page)."""
    counts: dict[int, int] = dict.fromkeys(employee_ids, 0)
    for employee_id, _c, _r, _l in employee_gaps(Employee.objects.filter(pk__in=list(counts))):
        counts[employee_id] += 1
    return counts


def courses_closing_gaps(gaps: list[CompetencyGap]) -> dict[int, list[Any]]:
    """Courses that close each gap, from the selector named by
    settings.COMPETENCY_GAP_COURSE_SELECTOR (the lms provides it: competencies may not
    import lms). {competency id: [course, ...]}; empty when no selector is configured."""
    path = getattr(settings, "COMPETENCY_GAP_COURSE_SELECTOR", "")
    wanted = {g.competency.pk: g.required_level for g in gaps if g.gap and g.required_level}
    if not path or not wanted:
        return {}
    selector = import_string(path)
    return selector(gaps=wanted)


# DEVELOPMENT HOURS (JP) ---------------------------------------------------------------------
#
# THE JP RULE, written once (docs/competencies.md, "Yearly JP"): an employee's JP for a
# calendar year is the sum of `jp` over their APPROVED training records whose end date
# (`finished_on`) falls in that year. Approved records are completed portal courses with a
# valid certificate (a revoked certificate withdraws its record) and external training HR
# approved; submitted and rejected records never count. Every page, export and report
# (dashboard, history, transcript, compliance report, team page, API, SIASN export, public
# figures) reads JP through `jp_counted_records` / `jp_by_employee` / `jp_total_for_employee`.


def jp_counted_records(
    *, year: int | None = None, employee_ids: Iterable[int] | QuerySet | None = None
) -> QuerySet:
    """The training records that count toward JP (the rule above), optionally of one
    calendar year (by end date) and of some employees."""
    from competencies.models import TrainingRecord

    records = TrainingRecord.objects.filter(status=TrainingRecord.Status.APPROVED)
    if year is not None:
        records = records.filter(
            finished_on__gte=datetime.date(year, 1, 1),
            finished_on__lte=datetime.date(year, 12, 31),
        )
    if employee_ids is not None:
        records = records.filter(employee_id__in=employee_ids)
    return records


def jp_by_employee(*, year: int, employee_ids: Iterable[int] | QuerySet) -> dict[int, Decimal]:
    """JP per employee for a calendar year (the rule above), {employee id: JP}; employees
    without any counted record are absent. One query."""
    from django.db.models import Sum

    rows = (
        jp_counted_records(year=year, employee_ids=employee_ids)
        .order_by()
        .values("employee_id")
        .annotate(total=Sum("jp"))
        .values_list("employee_id", "total")
    )
    return dict(rows)


def jp_total_for_employee(*, employee: Employee, year: int) -> Decimal:
    """One employee's JP for a calendar year: `jp_by_employee` for one person, so a page
    and a report can never disagree."""
    return jp_by_employee(year=year, employee_ids=[employee.pk]).get(employee.pk, Decimal(0))


# WHO HAS WHICH JP RULE, written once next to the JP sum (docs/competencies.md, "PPPK"):
# - PNS: a FLOOR, at least `AgencySettings.yearly_jp_target` (20) JP a year
#   (PP 11/2017 art. 203(4)); below it is non-compliant.
# - PPPK: a CAP, at most `AgencySettings.pppk_jp_cap` (24) JP per contract year
#   (PP 49/2018 art. 40(1): "paling lama 24 JP"); any amount up to it is compliant, more
#   is over the cap. The year is the calendar year like everyone else's JP (the contract
#   year is not stored).
PNS_JP_FLOOR_DEFAULT = 20
PPPK_JP_CAP_DEFAULT = 24


@dataclass(frozen=True)
class JpTarget:
    kind: str  # "floor" (PNS: at least `value`) or "cap" (PPPK: at most `value`)
    value: int

    FLOOR = "floor"
    CAP = "cap"

    @property
    def is_cap(self) -> bool:
        return self.kind == self.CAP

    def is_compliant(self, jp: Decimal) -> bool:
        return jp <= self.value if self.is_cap else jp >= self.value

    def percent(self, jp: Decimal) -> int:
        """How full the meter is (0–100): the floor reached, or the cap used."""
        return min(100, int(jp * 100 / self.value)) if self.value else 100


def jp_targets(*, agency: Any = None, target: int | None = None) -> dict[str, JpTarget]:
    """{employment type: JpTarget} from the agency's settings (`AgencySettings`; None for
    the defaults). `target` overrides the PNS floor (callers that already read it)."""
    from competencies.models import Employee

    floor = target or getattr(agency, "yearly_jp_target", None) or PNS_JP_FLOOR_DEFAULT
    cap = getattr(agency, "pppk_jp_cap", None) or PPPK_JP_CAP_DEFAULT
    return {
        Employee.EmploymentType.PNS: JpTarget(JpTarget.FLOOR, int(floor)),
        Employee.EmploymentType.PPPK: JpTarget(JpTarget.CAP, int(cap)),
    }


@dataclass(frozen=True)
class _Cap:
    """An agency stand-in carrying only the PPPK cap (for callers passing numbers)."""

    pppk_jp_cap: int


def jp_target_for_employee(*, employee: Employee | None, agency: Any = None) -> JpTarget:
    """The JP rule that applies to this employee (a PNS floor or a PPPK cap, above)."""
    from competencies.models import Employee

    rules = jp_targets(agency=agency)
    kind = employee.employment_type if employee is not None else Employee.EmploymentType.PNS
    return rules.get(kind, rules[Employee.EmploymentType.PNS])


def training_records_for_employee(employee: Employee) -> QuerySet:
    from competencies.models import TrainingRecord

    return TrainingRecord.objects.filter(employee=employee).order_by("-finished_on", "-id")


# JP COMPLIANCE ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComplianceFilters:
    year: int
    unit: OrgUnit | None = None  # a unit subtree
    position_kind: str = ""
    golongan: int | None = None
    below_target_only: bool = True


def _with_jp(employees: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """Annotates `jp` (the JP rule: `jp_counted_records` of `year`) with a correlated
    subquery, so the database filters, sorts and paginates on it."""
    from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    total = (
        jp_counted_records(year=year)
        .filter(employee_id=OuterRef("pk"))
        .order_by()
        .values("employee_id")
        .annotate(total=Sum("jp"))
        .values("total")
    )
    return employees.annotate(
        jp=Coalesce(
            Subquery(total, output_field=DecimalField(max_digits=7, decimal_places=1)),
            Value(Decimal(0)),
            output_field=DecimalField(max_digits=7, decimal_places=1),
        )
    )


def jp_compliance_list(
    *,
    employees: QuerySet[Employee],
    filters: ComplianceFilters,
    target: int,
    pppk_cap: int = PPPK_JP_CAP_DEFAULT,
) -> QuerySet[Employee]:
    """Active employees (in the given queryset, e.g. an HR manager's scope) with their JP
    for the year, lowest JP first. `below_target_only` keeps the non-compliant ones by
    their own rule (`jp_targets`): PNS below the `target` floor, PPPK over the cap."""
    employees = employees.filter(is_active=True)
    if filters.unit is not None:
        employees = employees.filter(unit__path__startswith=filters.unit.path)
    if filters.position_kind:
        employees = employees.filter(position__kind=filters.position_kind)
    if filters.golongan:
        employees = employees.filter(golongan=filters.golongan)
    employees = _with_jp(employees, filters.year).select_related("user", "unit", "position")
    if filters.below_target_only:
        pppk = Employee.EmploymentType.PPPK
        employees = employees.filter(
            (~Q(employment_type=pppk) & Q(jp__lt=target)) | Q(employment_type=pppk, jp__gt=pppk_cap)
        )
    return employees.order_by("jp", "full_name", "pk")  # type: ignore[misc]  # annotated


@dataclass
class UnitCompliance:
    unit: OrgUnit
    employees: int
    meeting_target: int
    jp_total: Decimal
    # (assigned, completed, overdue) course assignments, when the lms provides them.
    assignments: tuple[int, int, int] | None = None
    # PPPK are counted apart: the figures above are PNS against the floor; PPPK have a
    # cap (PP 49/2018 art. 40(1)), so only those over it are flagged.
    pppk: int = 0
    pppk_over_cap: int = 0

    def add(self, *, jp: Decimal, rule: JpTarget) -> None:
        if rule.is_cap:
            self.pppk += 1
            self.pppk_over_cap += not rule.is_compliant(jp)
            return
        self.employees += 1
        self.jp_total += jp
        self.meeting_target += rule.is_compliant(jp)

    @property
    def assignment_completion(self) -> float | None:
        if not self.assignments or not self.assignments[0]:
            return None
        return self.assignments[1] / self.assignments[0]

    @property
    def share_meeting(self) -> float:
        return self.meeting_target / self.employees if self.employees else 0.0

    @property
    def average_jp(self) -> Decimal:
        return (
            (self.jp_total / self.employees).quantize(Decimal("0.1"))
            if self.employees
            else Decimal(0)
        )


def jp_unit_summary(
    *,
    units: list[OrgUnit],
    employees: QuerySet[Employee],
    year: int,
    target: int,
    pppk_cap: int = PPPK_JP_CAP_DEFAULT,
) -> list[UnitCompliance]:
    """Per unit (each aggregating its subtree): active PNS, how many reach the JP
    target, total and average JP; PPPK and how many are over their cap. Two queries
    whatever the number of employees."""
    with_jp = _with_jp(employees.filter(is_active=True), year)
    rules = jp_targets(target=target, agency=_Cap(pppk_cap))
    rows = list(with_jp.values_list("unit__path", "jp", "employment_type"))  # type: ignore[misc]
    if not units:
        return []
    length = len(units[0].path)
    by_path = {u.path: UnitCompliance(u, 0, 0, Decimal(0)) for u in units}
    for path, jp, employment_type in rows:
        summary = by_path.get((path or "")[:length])
        if summary is None:
            continue
        summary.add(jp=jp, rule=rules.get(employment_type, rules["PNS"]))
    return [by_path[u.path] for u in units]


@dataclass
class ComplianceReport:
    """The compliance page: one page of the listing (employees with `jp`, user, unit and
    position loaded) and the per-unit summary, from one pass over the employees."""

    page: Page
    summary: list[UnitCompliance]


def jp_compliance_report(
    *,
    employees: QuerySet[Employee],
    filters: ComplianceFilters,
    target: int,
    units: list[OrgUnit],
    page_number: Any,
    page_size: int,
    pppk_cap: int = PPPK_JP_CAP_DEFAULT,
) -> ComplianceReport:
    """What `jp_compliance_list` (paginated) and `jp_unit_summary` give together, in three
    queries instead of three correlated JP sums over every employee: the active employees
    under the filter's unit (ordered by name in the database), one grouped sum of the
    year's approved training records (`jp_by_employee`), and the page's employees. The
    listing is sorted by JP in Python with a stable sort, so its order is the database's
    (jp, full_name, pk) exactly, as in `jp_compliance_list` and the exports."""
    from django.core.paginator import Paginator

    active = employees.filter(is_active=True)
    if filters.unit is not None:
        active = active.filter(unit__path__startswith=filters.unit.path)
    rows = list(
        active.order_by("full_name", "pk").values_list(
            "pk", "unit__path", "position__kind", "golongan", "employment_type"
        )
    )
    rules = jp_targets(target=target, agency=_Cap(pppk_cap))
    jp = jp_by_employee(year=filters.year, employee_ids=active.values("pk"))
    zero = Decimal(0)

    length = len(units[0].path) if units else 0
    by_path = {u.path: UnitCompliance(u, 0, 0, Decimal(0)) for u in units}
    listing: list[tuple[Decimal, int]] = []
    golongan = int(filters.golongan) if filters.golongan else None
    for pk, path, position_kind, employee_golongan, employment_type in rows:
        hours = jp.get(pk) or zero
        rule = rules.get(employment_type, rules["PNS"])
        summary = by_path.get((path or "")[:length])
        if summary is not None:
            summary.add(jp=hours, rule=rule)
        if filters.position_kind and position_kind != filters.position_kind:
            continue
        if golongan and employee_golongan != golongan:
            continue
        if filters.below_target_only and rule.is_compliant(hours):
            continue
        listing.append((hours, pk))
    listing.sort(key=lambda row: row[0])  # stable: name order kept within the same JP

    page = Paginator(listing, page_size).get_page(page_number)
    loaded = Employee.objects.select_related("user", "unit", "position").in_bulk(
        [pk for _hours, pk in page.object_list]
    )
    people = []
    for hours, pk in page.object_list:
        employee = loaded.get(pk)
        if employee is not None:
            employee.jp = hours  # type: ignore[attr-defined]  # as annotated by _with_jp
            employee.jp_rule = rules.get(employee.employment_type, rules["PNS"])  # type: ignore[attr-defined]
            people.append(employee)
    page.object_list = people  # type: ignore[assignment]  # the rows, now as employees
    return ComplianceReport(page=page, summary=[by_path[u.path] for u in units])


def assignment_unit_figures(
    *, units: list[OrgUnit], employees: QuerySet[Employee]
) -> dict[str, tuple[int, int, int]]:
    """Course-assignment figures per unit subtree {unit path: (assigned, completed,
    overdue)} from the selector named by settings.COMPETENCIES_ASSIGNMENT_SUMMARY_SELECTOR
    (the lms provides it; competencies may not import lms). One query; empty when none
    is configured."""
    path = getattr(settings, "COMPETENCIES_ASSIGNMENT_SUMMARY_SELECTOR", "")
    if not path or not units:
        return {}
    return import_string(path)(units=units, employees=employees)
