"""The learner dashboard's JP figure is read from the JP table, not computed (issue 23,
item 4): whatever the table holds is what the learner sees, and the services keep the
table equal to the JP rule."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

import pytest

from competencies.models import EmployeeJpYear
from competencies.selectors.jp import jp_total_for_employee
from lms.selectors.dashboard import dashboard_for_user
from tests.factories.competencies import EmployeeFactory, TrainingRecordFactory

pytestmark = pytest.mark.django_db


def test_dashboard_jp_is_the_tables_figure(home_page):
    employee = EmployeeFactory()
    today = timezone.localdate()
    TrainingRecordFactory(employee=employee, finished_on=today.replace(month=1, day=2))

    assert dashboard_for_user(user=employee.user).jp_this_year == jp_total_for_employee(
        employee=employee, year=today.year
    )
    EmployeeJpYear.objects.filter(employee=employee, year=today.year).update(jp=Decimal("99.5"))
    assert dashboard_for_user(user=employee.user).jp_this_year == Decimal("99.5")
