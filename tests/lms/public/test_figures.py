from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.cache import cache
from django.utils import timezone

import pytest

from competencies.models import Employee, OrgUnit
from competencies.selectors.compliance import jp_unit_summary
from competencies.selectors.jp import jp_by_employee
from lms.models import CourseEvaluation, CoursePage, Enrolment
from lms.selectors.public import (
    public_figures,
    public_figures_compute,
    public_figures_invalidate,
)
from lms.selectors.trainer import evaluation_summary
from tests.factories.competencies import EmployeeFactory
from tests.factories.lms import EnrolmentFactory
from tests.lms.public.conftest import YEAR, add_jp
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
TARGET = 20


def _rows(figures):
    return {row["unit_code"]: row for row in figures["units"]}


def _complete(course, employee, *, when, evaluate=None):
    enrolment = EnrolmentFactory(
        course=course,
        user=employee.user,
        status=Enrolment.Status.COMPLETED,
        completed_at=when,
    )
    if evaluate is not None:
        CourseEvaluation.objects.create(
            enrolment=enrolment,
            course=course,
            content_rating=evaluate,
            trainer_rating=evaluate,
            usefulness_rating=evaluate,
            submitted_at=when,
        )
    return enrolment


def test_small_cells_are_suppressed_and_cannot_be_worked_out_from_the_total(city):
    figures = public_figures_compute(year=YEAR, target=TARGET)
    rows = _rows(figures)
    big, middle, tiny = rows["DINKES"], rows["DISDIK"], rows["KEC"]

    # A unit of three shows no people figure at all.
    for name in ("employees", "employees_trained", "employees_meeting_target", "jp_average"):
        assert tiny[name] is None
        assert name in tiny["suppressed"]
    # 6 of 8 trained would reveal the 2 who were not.
    assert middle["employees_trained"] is None
    assert middle["employees_meeting_target"] is None
    assert middle["share_meeting_target_pct"] is None
    # The city total (23 employees) minus the big unit would reveal the tiny one's 3, so
    # the next smallest unit's employee count is hidden too.
    assert figures["total"]["employees"] == 23
    assert middle["employees"] is None and "employees" in middle["suppressed"]
    shown = [r["employees"] for r in figures["units"] if r["employees"] is not None]
    assert figures["total"]["employees"] - sum(shown) >= 5  # never a small group
    # The big unit is published: 12 employees, 7 reaching the target (5 do not).
    assert big["employees"] == 12
    assert big["employees_trained"] == 12
    assert big["employees_meeting_target"] == 7
    assert big["share_meeting_target_pct"] == pytest.approx(58.3)
    assert big["suppressed"] == []


def test_figures_equal_hr_compliance_figures_on_the_same_data(city):
    figures = public_figures_compute(year=YEAR, target=TARGET)
    units = list(OrgUnit.get_root_nodes().order_by("path"))
    # What the HR compliance report computes for an unscoped HR manager.
    summary = jp_unit_summary(
        units=units, employees=Employee.objects.all(), year=YEAR, target=TARGET
    )
    compared = 0
    for hr_row, row in zip(summary, figures["units"], strict=True):
        assert row["unit_code"] == hr_row.unit.code
        pairs = {
            "employees": hr_row.employees,
            "employees_meeting_target": hr_row.meeting_target,
            "jp_average": float(hr_row.average_jp),
            "share_meeting_target_pct": round(100 * hr_row.share_meeting, 1),
        }
        for name, expected in pairs.items():
            if name in row["suppressed"]:
                continue
            assert row[name] == pytest.approx(expected), name
            compared += 1
    assert compared >= 4
    total = figures["total"]
    assert total["employees"] == sum(s.employees for s in summary)
    assert total["employees_meeting_target"] == sum(s.meeting_target for s in summary)
    # The JP rule itself is HR's: jp_by_employee agrees employee by employee.
    jp = jp_by_employee(year=YEAR, employee_ids=[e.pk for e in city["employees"]["big"]])
    assert sum(jp.values()) == Decimal(7 * 24 + 5 * 6)


def test_course_completions_certificates_and_ratings(city, course):
    when = timezone.make_aware(datetime.datetime(YEAR, 5, 1, 10))  # noqa: DTZ001
    course.offering_unit = city["big"]
    course.save_revision().publish()
    CoursePage.objects.filter(pk=course.pk).update(first_published_at=when)
    for i, employee in enumerate(city["employees"]["big"][:6]):
        _complete(course, employee, when=when, evaluate=4 if i % 2 else 5)
    for employee in city["employees"]["middle"][:5]:
        _complete(course, employee, when=when)
    _complete(course, city["employees"]["tiny"][0], when=when)

    figures = public_figures_compute(year=YEAR, target=TARGET)
    rows = _rows(figures)

    assert rows["DINKES"]["course_completions"] == 6
    assert rows["KEC"]["course_completions"] is None  # one completion
    # The total (12) would reveal it, so the smallest other count (5) is hidden too.
    assert rows["DISDIK"]["course_completions"] is None
    assert figures["total"]["course_completions"] == 12
    assert rows["DINKES"]["courses_offered"] == 1
    [rating] = figures["courses"]
    expected = evaluation_summary(course_ids=[course.pk], with_comments=False)
    assert rating["evaluations"] == expected["count"] == 6
    assert rating["content_rating"] == pytest.approx(expected["content"], abs=0.01)
    assert rating["overall_rating"] == pytest.approx(4.5)


def test_ratings_of_fewer_than_five_evaluations_are_suppressed(city, course):
    when = timezone.make_aware(datetime.datetime(YEAR, 5, 1, 10))  # noqa: DTZ001
    for employee in city["employees"]["big"][:4]:
        _complete(course, employee, when=when, evaluate=1)

    [rating] = public_figures_compute(year=YEAR, target=TARGET)["courses"]

    assert rating["evaluations"] is None
    assert rating["content_rating"] is None
    assert "overall_rating" in rating["suppressed"]


def test_figures_are_cached_per_year_until_invalidated(city):
    first = public_figures(year=YEAR, target=TARGET)
    for _ in range(5):
        add_jp(EmployeeFactory(unit=city["big"]), 25)

    assert public_figures(year=YEAR, target=TARGET) == first  # served from the cache
    assert cache.get(f"lms:public-figures:v2:{YEAR - 1}") is None  # one key per year

    public_figures_invalidate(year=YEAR)
    fresh = public_figures(year=YEAR, target=TARGET)
    assert _rows(fresh)["DINKES"]["employees"] == 17


def test_a_new_jp_target_is_not_served_from_the_cache(city):
    public_figures(year=YEAR, target=TARGET)

    figures = public_figures(year=YEAR, target=24)

    assert figures["jp_target"] == 24
    # 7 in the big unit and the tiny unit's 3 reach 24 JP; the middle unit's 20 JP do not.
    assert figures["total"]["employees_meeting_target"] == 10


def test_figures_take_a_fixed_number_of_queries(city):
    def ten_more_employees_with_jp():
        for _ in range(10):
            add_jp(EmployeeFactory(unit=city["middle"]), 3)

    assert_constant_queries(
        lambda: public_figures_compute(year=YEAR, target=TARGET),
        grow=ten_more_employees_with_jp,
        limit=11,  # 9, and two for the classroom figures (batches; attended sessions)
        warm_up=0,
    )


def test_average_jp_is_suppressed_with_the_small_count_it_is_derived_from(db):
    """Five employees, one of them trained (6 JP): the average 1.2 × 5 would reveal that
    one person's JP, so it is hidden with the count of those trained."""
    from tests.factories.competencies import OrgUnitFactory

    unit = OrgUnitFactory(code="KECIL", name="Unit Lima")
    employees = [EmployeeFactory(unit=unit) for _ in range(5)]
    add_jp(employees[0], 6)

    figures = public_figures_compute(year=YEAR, target=TARGET)

    row = _rows(figures)["KECIL"]
    assert row["employees"] == 5
    assert row["employees_trained"] is None
    assert row["jp_average"] is None
    assert "jp_average" in row["suppressed"]
    # The city total is the same unit here: hidden there too.
    assert figures["total"]["jp_average"] is None
