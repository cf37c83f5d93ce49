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
from django.db.models import Count, Q, QuerySet, Sum, Window
from django.db.models.functions import Substr
from django.utils.module_loading import import_string

from competencies.models import Employee, OrgUnit
from competencies.selectors.jp import PPPK_JP_CAP_DEFAULT, JpTarget, jp_targets
from competencies.selectors.summaries import employees_with_jp_summary


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

    def add_group(
        self, *, rule: JpTarget, count: int, jp_sum: Decimal, reaching: int, over: int
    ) -> None:
        """Adds one group of employees under one rule, as the database summed them: PNS
        count against the floor (`reaching` it), PPPK only by how many are `over` the cap."""
        if rule.is_cap:
            self.pppk += count
            self.pppk_over_cap += over
            return
        self.employees += count
        self.jp_total += jp_sum
        self.meeting_target += reaching

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
    target, total and average JP; PPPK and how many are over their cap. One query
    whatever the number of employees: the database sums the JP table per row unit and
    employment type (a few dozen rows instead of every employee)."""
    if not units:
        return []
    rules = jp_targets(target=target, agency=_Cap(pppk_cap))
    floor = rules[Employee.EmploymentType.PNS].value
    cap = rules[Employee.EmploymentType.PPPK].value
    length = len(units[0].path)
    groups = (
        employees_with_jp_summary(employees=employees.filter(is_active=True), year=year)
        .annotate(row=Substr("unit__path", 1, length))
        .values_list("row", "employment_type")
        .annotate(
            count=Count("pk"),
            jp_sum=Sum("jp"),
            reaching=Count("pk", filter=Q(jp__gte=floor)),
            over=Count("pk", filter=Q(jp__gt=cap)),
        )
        .order_by()
    )
    by_path = {u.path: UnitCompliance(u, 0, 0, Decimal(0)) for u in units}
    for path, employment_type, count, jp_sum, reaching, over in groups:
        summary = by_path.get(path or "")
        if summary is None:
            continue
        summary.add_group(
            rule=rules.get(employment_type, rules["PNS"]),
            count=count,
            jp_sum=jp_sum,
            reaching=reaching,
            over=over,
        )
    return [by_path[u.path] for u in units]


@dataclass
class ComplianceReport:
    """The compliance page: one page of the listing (employees with `jp`, user, unit and
    position loaded) and the per-unit summary."""

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
    """`jp_compliance_list` paginated by the database and `jp_unit_summary` over the
    filter's unit: three queries, none returning every employee. The page's employees
    carry `jp` and their rule (`jp_rule`)."""
    rules = jp_targets(target=target, agency=_Cap(pppk_cap))
    active = employees.filter(is_active=True)
    if filters.unit is not None:
        active = active.filter(unit__path__startswith=filters.unit.path)
    summary = jp_unit_summary(
        units=units, employees=active, year=filters.year, target=target, pppk_cap=pppk_cap
    )
    listing = jp_compliance_list(
        employees=employees, filters=filters, target=target, pppk_cap=pppk_cap
    )
    # `jp` is the listing's annotation (jp_compliance_list), which the stubs cannot see.
    keys_of = cast("QuerySet[Any]", listing).values_list("pk", "jp")
    page, keys = _page_of_keys(keys_of, page_number, page_size)
    loaded = Employee.objects.select_related("user", "unit", "position").in_bulk(
        [pk for pk, _jp in keys]
    )
    people = []
    for pk, jp in keys:
        employee = loaded.get(pk)
        if employee is not None:
            employee.jp = jp  # type: ignore[attr-defined]  # as employees_with_jp annotates
            employee.jp_rule = rules.get(employee.employment_type, rules["PNS"])  # type: ignore[attr-defined]
            people.append(employee)
    page.object_list = people  # the rows, now as employees
    return ComplianceReport(page=page, summary=summary)


_MAX_ROWS = 10**9  # more rows than any listing here will hold


class _Counted:
    """What `Paginator` needs of a list whose length is already known."""

    def __init__(self, count: int) -> None:
        self._count = count

    def count(self) -> int:
        return self._count

    def __getitem__(self, _slice: slice) -> list[Any]:
        return []  # the page's rows are read by `_page_of_keys`


def _page_of_keys(keys: QuerySet[Any], page_number: Any, page_size: int) -> tuple[Page, list]:
    """(the page as `Paginator.get_page` gives it, its rows of `keys`). One query: the
    rows of the page with the number of all rows beside each (a window COUNT), where
    a paginator counts first and then reads the page; a second only for a page past the
    last one (shown as the last page, as `get_page` does)."""
    try:
        number = int(page_number)
    except (TypeError, ValueError):
        number = 1
    counted = keys.annotate(total=Window(Count("pk")))

    def rows_of(number: int) -> list:
        return list(counted[(number - 1) * page_size : number * page_size])

    # A number no listing reaches is not sent to the database (an OFFSET past bigint).
    reachable = 1 <= number <= _MAX_ROWS // page_size
    rows = rows_of(number) if reachable else []
    if not rows and number != 1:  # below 1 or past the last: the last page
        number = max(1, -(-keys.count() // page_size))
        rows = rows_of(number)
    paginator: Paginator[Any] = Paginator(
        cast("Any", _Counted(rows[0][-1] if rows else 0)), page_size
    )
    page = paginator.page(number)
    return page, [row[:-1] for row in rows]


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
