from __future__ import annotations

import datetime

import pytest

from competencies.models import Assessment, Employee
from competencies.selectors.gaps import (
    competency_gaps_for_employee,
    employee_gaps,
    employee_gaps_counted,
    gap_counts_for_employees,
    gap_heatmap,
    position_gap_summary,
    unit_gap_summary,
)
from competencies.selectors.levels import current_levels
from competencies.services.summaries import current_levels_refresh
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


def _assess(
    employee,
    competency,
    level,
    *,
    status=Assessment.Status.APPROVED,
    on,
    until=None,
    method=Assessment.Method.TEST,
):
    assessment = Assessment.objects.create(
        employee=employee, competency=competency, level=level, method=method,
        assessed_on=on, valid_until=until, status=status,
    )  # fmt: skip
    # Written past the services: keep the current-level table as they would.
    current_levels_refresh(employee_ids=[employee.pk])
    return assessment


def test_current_level_is_the_latest_approved_valid_assessment(org, today):
    e = org.employee()
    _assess(e, org.m05, 1, on=today - 100 * DAY)
    _assess(e, org.m05, 3, on=today - 10 * DAY)
    _assess(e, org.m05, 2, on=today - 50 * DAY)

    assert current_levels(employee_ids=[e.pk]) == {(e.pk, org.m05.pk): 3}


@pytest.mark.parametrize(
    "status",
    [Assessment.Status.DRAFT, Assessment.Status.SUBMITTED, Assessment.Status.REJECTED],
)
def test_unapproved_assessments_never_count(org, today, status):
    e = org.employee()
    _assess(e, org.m05, 1, on=today - 100 * DAY)
    _assess(e, org.m05, 4, on=today - DAY, status=status, method=Assessment.Method.SELF)

    assert current_levels(employee_ids=[e.pk]) == {(e.pk, org.m05.pk): 1}


def test_expired_assessment_falls_back_to_the_previous_valid_one(org, today):
    e = org.employee()
    _assess(e, org.m05, 2, on=today - 400 * DAY, until=today + 10 * DAY)
    _assess(e, org.m05, 4, on=today - 200 * DAY, until=today - DAY)  # expired yesterday

    assert current_levels(employee_ids=[e.pk]) == {(e.pk, org.m05.pk): 2}
    assert current_levels(employee_ids=[e.pk], as_of=today - 2 * DAY) == {(e.pk, org.m05.pk): 4}


def test_assessment_dated_in_the_future_does_not_count_yet(org, today):
    e = org.employee()
    _assess(e, org.m05, 3, on=today + 5 * DAY)

    assert current_levels(employee_ids=[e.pk]) == {}


def test_gaps_for_an_employee(org, today):
    e = org.employee()
    _assess(e, org.m05, 1, on=today)
    _assess(e, org.m01, 2, on=today)
    other = type(org.m05).objects.create(
        code="M.08", name_id="Pengambilan Keputusan", kind="manajerial"
    )
    _assess(e, other, 2, on=today)

    gaps = {g.competency.code: g for g in competency_gaps_for_employee(employee=e)}

    assert [(c, g.required_level, g.current_level, g.gap) for c, g in gaps.items()] == [
        ("M.01", 1, 2, 0),
        ("M.05", 2, 1, 1),
        ("T.01", 2, None, 2),
        ("M.08", None, 2, 0),
    ]
    assert gaps["M.01"].meets_standard and not gaps["T.01"].assessed


def test_gaps_for_an_employee_without_a_position(org, today):
    e = org.employee()
    e.position = None
    e.save()
    _assess(e, org.m05, 2, on=today)

    assert [
        (g.competency.code, g.required_level) for g in competency_gaps_for_employee(employee=e)
    ] == [("M.05", None)]


def test_unit_summary_counts_employees_below_standard_and_average_gap(org, today):
    a1, a2 = org.employee(), org.employee()
    b1 = org.employee(unit=org.unit_b)
    org.employee(unit=org.other)  # outside DINAS
    _assess(a1, org.m05, 2, on=today)  # meets
    _assess(a2, org.m05, 1, on=today)  # gap 1
    # b1 not assessed on M.05: gap 2

    summary = unit_gap_summary(unit=org.dinas)

    cell = summary.cells[org.m05.pk]
    assert (summary.employees, cell.required, cell.below, cell.gap_total) == (3, 3, 2, 3)
    assert cell.average_gap == pytest.approx(1.0)
    assert unit_gap_summary(unit=org.dinas, include_subunits=False).employees == 0
    assert unit_gap_summary(unit=org.unit_b).cells[org.m05.pk].below == 1
    assert b1.unit == org.unit_b


def test_inactive_employees_are_left_out_of_summaries(org, today):
    e = org.employee()
    e.is_active = False
    e.save()

    assert unit_gap_summary(unit=org.dinas).employees == 0


def test_position_summary(org, today):
    head = org.employee(position=org.head)
    org.employee(position=org.staff)
    _assess(head, org.m05, 3, on=today)

    summary = position_gap_summary(position=org.head)

    assert summary.employees == 1
    assert summary.cells[org.m05.pk].below == 0
    assert summary.cells[org.m01.pk].below == 1
    assert org.t01.pk not in summary.cells


def test_heatmap_rows_are_top_level_units_aggregating_their_subtrees(org, today):
    org.employee(unit=org.unit_a)
    org.employee(unit=org.unit_b)
    org.employee(unit=org.other)

    heatmap = gap_heatmap()

    assert [u.code for u in heatmap.units] == ["DINAS", "LAIN"]
    assert heatmap.cell(org.dinas.pk, org.m05.pk).required == 2
    assert heatmap.cell(org.other.pk, org.m05.pk).required == 1
    drill = gap_heatmap(root=org.dinas)
    assert [u.code for u in drill.units] == ["DINAS.A", "DINAS.B"]
    assert drill.cell(org.unit_a.pk, org.m05.pk).below == 1


def test_nobody_has_no_gap_rather_than_an_error(org, today):
    """A supervisor without reports, a scope with no employee: `pk__in=[]` makes the
    ORM refuse to write SQL (EmptyResultSet); the raw gap query must answer "none"."""
    org.employee(unit=org.unit_a)
    nobody = Employee.objects.filter(pk__in=[])

    assert gap_counts_for_employees(employee_ids=[]) == {}
    assert employee_gaps(employees=nobody) == []
    assert employee_gaps_counted(employees=nobody) == ([], 0)


def _grow(org, today, n):
    for i in range(n):
        e = org.employee(
            unit=org.unit_b if i % 2 else org.unit_a, position=org.head if i % 3 else org.staff
        )
        _assess(e, org.m05, 1 + i % 3, on=today)
        _assess(e, org.m01, 1, on=today - DAY)


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        (lambda org: competency_gaps_for_employee(employee=org.probe), 2),
        (lambda org: unit_gap_summary(unit=org.dinas), 3),
        (lambda org: position_gap_summary(position=org.head), 3),
        (lambda org: gap_heatmap(), 3),
        (lambda org: gap_heatmap(root=org.dinas), 3),
    ],
)
def test_gap_selectors_query_count_does_not_grow_with_data(org, today, selector, expected):
    org.probe = org.employee()
    _grow(org, today, 3)

    # Cold and exact: these selectors keep no cache between calls.
    assert (
        assert_constant_queries(
            lambda: selector(org), grow=lambda: _grow(org, today, 15), limit=expected, warm_up=0
        )
        == expected
    )
