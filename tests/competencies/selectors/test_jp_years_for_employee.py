"""`jp_years_for_employee`: the transcript's years are the JP rule's years, each summing
to what `jp_total_for_employee` gives for that year, judged by the employee's own rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from competencies.selectors.jp import JpTarget, jp_total_for_employee, jp_years_for_employee
from competencies.services.records import training_record_from_course, training_record_submit
from competencies.siasn import DevelopmentType

pytestmark = pytest.mark.django_db


@pytest.fixture
def employee(org):
    employee = org.employee(full_name="Siti Rahmawati")
    for n, (day, jp) in enumerate(
        ((datetime.date(2025, 12, 31), "12.5"), (datetime.date(2026, 1, 1), "8"),
         (datetime.date(2026, 6, 1), "4"))
    ):  # fmt: skip
        training_record_from_course(
            employee=employee, source_key=f"enrolment:{n}", title=f"Pelatihan {n}",
            organiser="BKPSDM", development_type=DevelopmentType.KURSUS,
            started_on=day, finished_on=day, jp=Decimal(jp),
        )  # fmt: skip
    training_record_submit(
        actor=employee.user, employee=employee, title="Menunggu", organiser="Lain",
        development_type=DevelopmentType.SEMINAR, started_on=datetime.date(2026, 4, 1),
        finished_on=datetime.date(2026, 4, 1), jp=Decimal("3"),
    )  # fmt: skip
    return employee


def test_jp_years_for_employee_agrees_with_the_yearly_total(employee):
    years = jp_years_for_employee(employee=employee, rule=JpTarget(JpTarget.FLOOR, 12))

    assert [y.year for y in years] == [2026, 2025]  # newest first
    for year in years:
        assert year.jp == jp_total_for_employee(employee=employee, year=year.year)
    assert [r.title for r in years[0].records] == ["Pelatihan 2", "Pelatihan 1"]
    assert [(y.target, y.cap, y.met) for y in years] == [(12, False, True), (12, False, True)]


def test_jp_years_for_employee_judges_a_cap_as_met_while_not_exceeded(employee):
    years = jp_years_for_employee(employee=employee, rule=JpTarget(JpTarget.CAP, 12))

    assert [(y.jp, y.cap, y.met) for y in years] == [
        (Decimal(12), True, True),
        (Decimal("12.5"), True, False),
    ]
