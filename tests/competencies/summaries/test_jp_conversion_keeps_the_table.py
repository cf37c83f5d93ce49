"""The JP table (EmployeeJpYear) stores the one JP rule's output; the JP conversion
services change that output (an override, a re-computation, a table version with a
yearly cap), so each of them must leave the table equal to the rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from competencies.models import JpConversionRule
from competencies.selectors.jp import jp_target_for_employee, jp_years_for_employee
from competencies.selectors.summaries import jp_for_employee_year
from competencies.services.jp_conversion import (
    jp_recompute_confirm,
    jp_recompute_request,
    jp_rule_create,
    training_record_jp_override,
)
from competencies.services.records import training_record_approve, training_record_submit
from competencies.siasn import DevelopmentType as T

pytestmark = pytest.mark.django_db

D = datetime.date


def _approved_seminar(org, employee, when):
    record = training_record_submit(
        actor=employee.user, employee=employee, title="Seminar", organiser="X",
        development_type=T.SEMINAR, activity="seminar", started_on=when, finished_on=when,
    )  # fmt: skip
    training_record_approve(actor=org.hr, record=record)
    return record


def _rule_jp(employee, year):
    rule = jp_target_for_employee(employee=employee)
    return {y.year: y.jp for y in jp_years_for_employee(employee=employee, rule=rule)}.get(
        year, Decimal(0)
    )


def test_an_override_updates_the_jp_table(org):
    employee = org.employee()
    record = _approved_seminar(org, employee, D(2026, 3, 5))
    assert jp_for_employee_year(employee=employee, year=2026) == 4

    training_record_jp_override(actor=org.hr, record=record, jp=Decimal(2), reason="Half day.")

    assert _rule_jp(employee, 2026) == 2
    assert jp_for_employee_year(employee=employee, year=2026) == 2


def test_an_applied_recomputation_updates_the_jp_table(org, django_capture_on_commit_callbacks):
    employee = org.employee()
    _approved_seminar(org, employee, D(2026, 8, 5))
    jp_rule_create(
        actor=org.hr,
        rule=JpConversionRule(
            development_type=T.SEMINAR, activity="seminar", unit="day",
            jp_national=Decimal(5), jp_international=Decimal(8),
            effective_from=D(2026, 7, 1),
        ),
    )  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        run = jp_recompute_request(actor=org.hr)
    run.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        jp_recompute_confirm(actor=org.hr, run=run)
    run.refresh_from_db()
    assert run.applied_count == 1

    assert _rule_jp(employee, 2026) == 5
    assert jp_for_employee_year(employee=employee, year=2026) == 5


def test_a_version_with_a_yearly_cap_updates_the_jp_table(org, django_capture_on_commit_callbacks):
    employee = org.employee()
    for month in (2, 3, 4):  # 12 JP of seminars
        _approved_seminar(org, employee, D(2026, month, 5))
    assert jp_for_employee_year(employee=employee, year=2026) == 12
    seminar = JpConversionRule.objects.get(development_type=T.SEMINAR, activity="seminar")

    with django_capture_on_commit_callbacks(execute=True):
        jp_rule_create(
            actor=org.hr,
            rule=JpConversionRule(
                development_type=T.SEMINAR, activity="seminar", unit="day",
                jp_national=seminar.jp_national, jp_international=seminar.jp_international,
                cap_per_year=Decimal(10), effective_from=D(2026, 1, 1),
            ),
        )  # fmt: skip

    assert _rule_jp(employee, 2026) == 10
    assert jp_for_employee_year(employee=employee, year=2026) == 10
