"""Development hours (JP): the one JP rule, and who is held to which yearly target.

THE JP RULE (docs/competencies.md, "Yearly JP"): an employee's JP for a calendar year is
the sum of `jp` over their APPROVED training records whose end date (`finished_on`) falls
in that year. Approved records are completed portal courses with a valid certificate (a
revoked certificate withdraws its record) and external training HR approved; submitted
and rejected records never count. Every page, export and report (dashboard, history,
transcript, compliance report, team page, API, SIASN export, public figures) reads JP
through this module: `jp_counted_records` (the records), `jp_by_employee` (bulk sum),
`jp_total_for_employee` (one person), `jp_years_for_employee` (one person, every year)
and `employees_with_jp` (the same sum as a SQL annotation).

Converted records (docs/jp-conversion.md) hold the JP the conversion table gave them, the
caps per day and per month already applied; the YEARLY caps of the table
(`JpConversionRule.cap_per_year`, per activity) are applied here, to each employee's sum
of a year, by every function below (`competencies.selectors.jp_conversion`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, QuerySet, Sum, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce

from competencies.models import Employee, JpConversionRule, TrainingRecord
from competencies.selectors.jp_conversion import (
    jp_apply_yearly_caps,
    jp_yearly_cap_subquery,
)

_JP_FIELD = DecimalField(max_digits=7, decimal_places=1)


def jp_counted_records(
    *, year: int | None = None, employee_ids: Iterable[int] | QuerySet | None = None
) -> QuerySet[TrainingRecord]:
    """The training records that count toward JP (the rule above), optionally of one
    calendar year (by end date) and of some employees."""
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
    without any counted record are absent. One query: the sums per activity, each with
    its yearly cap (a subquery on the conversion table), added up here."""
    rows = (
        jp_counted_records(year=year, employee_ids=employee_ids)
        .order_by()
        .values("employee_id", "activity")
        .annotate(total=Sum("jp"), cap=jp_yearly_cap_subquery(year=year))
        .values_list("employee_id", "total", "cap")
    )
    totals: dict[int, Decimal] = {}
    for employee_id, total, cap in rows:
        counted = min(total, cap) if cap is not None else total
        totals[employee_id] = totals.get(employee_id, Decimal(0)) + counted
    return totals


def jp_total_for_employee(*, employee: Employee, year: int) -> Decimal:
    """One employee's JP for a calendar year: `jp_by_employee` for one person, so a page
    and a report can never disagree."""
    return jp_by_employee(year=year, employee_ids=[employee.pk]).get(employee.pk, Decimal(0))


def employees_with_jp(*, employees: QuerySet[Employee], year: int) -> QuerySet[Employee]:
    """Annotates `jp` (the rule above, for `year`, the yearly caps applied) with a
    correlated subquery, so the database filters, sorts and paginates on it. The sums per
    activity, each held to its yearly cap, are added up inside the subquery (raw SQL: a
    sum over a grouped derived table, which the ORM cannot express); it reads the same
    records as `jp_counted_records` and the same caps as `jp_yearly_cap_subquery`."""
    record = TrainingRecord._meta.db_table
    rule = JpConversionRule._meta.db_table
    employee = Employee._meta.db_table
    start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    sql = f"""
        SELECT COALESCE(SUM(CASE WHEN c.cap IS NOT NULL AND c.total > c.cap
                                 THEN c.cap ELSE c.total END), 0)
        FROM (
            SELECT SUM(r.jp) AS total, (
                SELECT MIN(j.cap_per_year) FROM {rule} j
                WHERE j.activity = r.activity AND j.cap_per_year IS NOT NULL
                  AND j.effective_from = (
                      SELECT MAX(k.effective_from) FROM {rule} k
                      WHERE k.development_type = j.development_type
                        AND k.activity = j.activity AND k.effective_from <= %s)
            ) AS cap
            FROM {record} r
            WHERE r.employee_id = {employee}.id AND r.status = %s
              AND r.finished_on >= %s AND r.finished_on <= %s
            GROUP BY r.activity
        ) c"""  # noqa: S608  # nosec B608 - table names from _meta; values are parameters
    params = (end, TrainingRecord.Status.APPROVED.value, start, end)
    raw = RawSQL(sql, params, output_field=_JP_FIELD)  # noqa: S611  # nosec B611 - see above
    # Coalesce (a database function) makes SQLite compare the sum as a number.
    return employees.annotate(jp=Coalesce(raw, Value(Decimal(0)), output_field=_JP_FIELD))


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
    floor = target or getattr(agency, "yearly_jp_target", None) or PNS_JP_FLOOR_DEFAULT
    cap = getattr(agency, "pppk_jp_cap", None) or PPPK_JP_CAP_DEFAULT
    return {
        Employee.EmploymentType.PNS: JpTarget(JpTarget.FLOOR, int(floor)),
        Employee.EmploymentType.PPPK: JpTarget(JpTarget.CAP, int(cap)),
    }


def jp_target_for_employee(*, employee: Employee | None, agency: Any = None) -> JpTarget:
    """The JP rule that applies to this employee (a PNS floor or a PPPK cap, above)."""
    rules = jp_targets(agency=agency)
    kind = employee.employment_type if employee is not None else Employee.EmploymentType.PNS
    return rules.get(kind, rules[Employee.EmploymentType.PNS])


@dataclass
class JpYear:
    """One calendar year of an employee's counted records, against their JP rule."""

    year: int
    rule: JpTarget
    records: list[TrainingRecord] = field(default_factory=list)
    jp: Decimal = Decimal(0)
    # JP the records add up to beyond the conversion table's yearly caps (not counted).
    over_cap: Decimal = Decimal(0)

    @property
    def target(self) -> int:
        return self.rule.value

    @property
    def cap(self) -> bool:
        return self.rule.is_cap

    @property
    def met(self) -> bool:
        return self.rule.is_compliant(self.jp)


def jp_years_for_employee(*, employee: Employee, rule: JpTarget) -> list[JpYear]:
    """Every year the employee has counted records in (the rule above), newest first,
    each with its records (newest first) and its JP, which is that year's
    `jp_total_for_employee` (the yearly caps applied). One query: each record carries its
    activity's yearly cap for its year (`year_cap`)."""
    records = (
        jp_counted_records(employee_ids=[employee.pk])
        .annotate(year_cap=jp_yearly_cap_subquery())
        .order_by("-finished_on", "-id")
    )
    years: dict[int, JpYear] = {}
    by_activity: dict[int, dict[str, Decimal]] = {}
    caps: dict[int, dict[str, Decimal]] = {}
    for record in records:
        year = years.setdefault(
            record.finished_on.year, JpYear(year=record.finished_on.year, rule=rule)
        )
        year.records.append(record)
        sums = by_activity.setdefault(year.year, {})
        sums[record.activity] = sums.get(record.activity, Decimal(0)) + record.jp
        if record.year_cap is not None:
            caps.setdefault(year.year, {})[record.activity] = record.year_cap
    for year in years.values():
        year.jp, year.over_cap = jp_apply_yearly_caps(
            by_activity=by_activity[year.year], caps=caps.get(year.year, {})
        )
    return sorted(years.values(), key=lambda y: y.year, reverse=True)
