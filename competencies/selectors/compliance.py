"""JP compliance: who is below their yearly JP floor (PNS) or over their cap (PPPK), per
employee and per unit subtree, for HR's report, its exports and the API. JP itself comes
from `competencies.selectors.jp`, the one JP rule, read from the JP table that stores its
output per employee and year (`competencies.selectors.summaries`)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, cast

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.db.models import Q, QuerySet
from django.utils.module_loading import import_string

from competencies.models import Employee, OrgUnit
from competencies.selectors.jp import PPPK_JP_CAP_DEFAULT, JpTarget, jp_targets
from competencies.selectors.summaries import employees_with_jp_summary, jp_by_employee_summary


@dataclass(frozen=True)
class _Cap:
    """An agency stand-in carrying only the PPPK cap (for callers passing numbers)."""

    pppk_jp_cap: int


@dataclass(frozen=True)
class ComplianceFilters:
    year: int
    unit: OrgUnit | None = None  # a unit subtree
    position_kind: str = ""
    golongan: int | None = None
    below_target_only: bool = True


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
    employees = employees_with_jp_summary(employees=employees, year=filters.year).select_related(
        "user", "unit", "position"
    )
    if filters.below_target_only:
        pppk = Employee.EmploymentType.PPPK
        employees = employees.filter(
            (~Q(employment_type=pppk) & Q(jp__lt=target)) | Q(employment_type=pppk, jp__gt=pppk_cap)
        )
    return employees.order_by("jp", "full_name", "pk")  # type: ignore[misc]  # annotated


@dataclass(frozen=True)
class ComplianceExportRow:
    """What the exports show of one employee of `jp_compliance_list`, read as plain
    values (no model instances): 10,000 rows of five joined models each were most of
    the XLSX export's time."""

    nip: str
    display_name: str
    unit_name: str
    position: str  # as `str(position)`, "" without one
    golongan: str  # `get_golongan_display()`, "" without one
    pppk_golongan: str  # `get_pppk_golongan_display()`, "" without one
    jp: Decimal
    employment_type: str


def jp_compliance_export_rows(listing: QuerySet[Employee]) -> Iterator[ComplianceExportRow]:
    """The rows of `jp_compliance_list` (same filter and order) for the exports, streamed
    from one query of only the shown columns. Names, positions and golongan are written
    exactly as the model's `display_name`, `Position.__str__` and `get_*_display` write
    them."""
    from competencies.models import Position

    golongan = dict(Employee._meta.get_field("golongan").flatchoices)
    pppk_golongan = dict(Employee._meta.get_field("pppk_golongan").flatchoices)
    jenjang = dict(Position._meta.get_field("jenjang").flatchoices)
    # `jp` is the listing's annotation (jp_compliance_list), which the stubs cannot see.
    rows = cast("QuerySet[Any]", listing).values_list(
        "user__nip", "title_prefix", "full_name", "title_suffix", "unit__name",
        "position__name", "position__jenjang", "golongan", "pppk_golongan", "jp",
        "employment_type",
    )  # fmt: skip
    for (
        nip, prefix, full_name, suffix, unit, position, grade, gol, pppk_gol, jp, kind,
    ) in rows.iterator(chunk_size=2000):  # fmt: skip
        name = f"{prefix} {full_name}".strip()
        if position is not None and grade:
            position = f"{position} ({jenjang.get(grade, grade)})"
        yield ComplianceExportRow(
            nip=nip or "",
            display_name=f"{name}, {suffix}" if suffix else name,
            unit_name=unit or "",
            position=position or "",
            golongan=str(golongan.get(gol, gol) or ""),
            pppk_golongan=str(pppk_golongan.get(pppk_gol, pppk_gol) or ""),
            jp=jp,
            employment_type=kind,
        )


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
    with_jp = employees_with_jp_summary(employees=employees.filter(is_active=True), year=year)
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
    year's JP rows of the JP table (`jp_by_employee_summary`), and the page's employees. The
    listing is sorted by JP in Python with a stable sort, so its order is the database's
    (jp, full_name, pk) exactly, as in `jp_compliance_list` and the exports."""
    active = employees.filter(is_active=True)
    if filters.unit is not None:
        active = active.filter(unit__path__startswith=filters.unit.path)
    rows = list(
        active.order_by("full_name", "pk").values_list(
            "pk", "unit__path", "position__kind", "golongan", "employment_type"
        )
    )
    rules = jp_targets(target=target, agency=_Cap(pppk_cap))
    jp = jp_by_employee_summary(year=filters.year, employee_ids=active.values("pk"))
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
            employee.jp = hours  # type: ignore[attr-defined]  # as employees_with_jp annotates
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
