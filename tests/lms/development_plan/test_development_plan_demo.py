"""The demo has an approved plan for the current year, partly realised, and seeding
again changes nothing."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from competencies.models import DevelopmentPlan, DevelopmentPlanSpend
from competencies.selectors.development_plan import development_plan_report

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_an_approved_partly_realised_plan_once():
    call_command("seed_demo", stdout=StringIO())
    plan = DevelopmentPlan.objects.get(year=timezone.localdate().year)
    assert plan.status == DevelopmentPlan.Status.APPROVED
    report = development_plan_report(plan=plan)
    assert report.items
    assert 0 < report.total.spent < report.total.planned_cost
    spends = DevelopmentPlanSpend.objects.count()
    call_command("seed_demo", stdout=StringIO())
    assert DevelopmentPlan.objects.count() == 1
    assert DevelopmentPlanSpend.objects.count() == spends
