"""The development-plan part of `seed_scale` (issue 18's speed section): an approved plan
for this year with items of every target kind, realisation links to scale batches and
courses, spending, and an IDP for every scale employee; idempotent and deterministic."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

import pytest

from competencies.demo.scale import SCALE_DOMAIN, scale_seed_idps
from competencies.models import (
    DevelopmentPlan,
    DevelopmentPlanItem,
    DevelopmentPlanSpend,
    Employee,
    Idp,
)
from lms.demo.scale_development_plan import PLAN_NOTE, scale_seed_plan
from lms.models import PlanItemBatch, PlanItemCourse

pytestmark = pytest.mark.django_db


@pytest.fixture
def scale(home_page):
    from tests.factories.lms import CourseIndexPageFactory

    CourseIndexPageFactory(parent=home_page)
    call_command("seed_scale", "--factor", "0.02", "--seed", "5", stdout=StringIO())


def _snapshot() -> dict:
    plan = DevelopmentPlan.objects.get(note=PLAN_NOTE)
    items = DevelopmentPlanItem.objects.filter(plan=plan)
    return {
        "plan": (plan.year, plan.status),
        "items": sorted(
            items.values_list("title", "target_kind", "route", "funding", "competency__code")
        ),
        "named": DevelopmentPlanItem.target_employees.through.objects.filter(
            developmentplanitem__plan=plan
        ).count(),
        "batches": PlanItemBatch.objects.count(),
        "courses": PlanItemCourse.objects.count(),
        "spending": sorted(DevelopmentPlanSpend.objects.values_list("document_number", "amount")),
        "idps": Idp.objects.count(),
    }


def test_seed_scale_adds_an_approved_plan_with_realisation_once(scale):
    plan = DevelopmentPlan.objects.get(note=PLAN_NOTE)
    year = timezone.localdate().year
    assert (plan.year, plan.status) == (year, DevelopmentPlan.Status.APPROVED)
    # One approved plan a year: the demo's, approved before, is superseded.
    assert DevelopmentPlan.objects.filter(year=year, status="approved").get() == plan
    items = DevelopmentPlanItem.objects.filter(plan=plan)
    assert items.count() == 6  # 300 × 0.02
    kinds = set(items.values_list("target_kind", flat=True))
    assert DevelopmentPlanItem.TargetKind.UNIT in kinds
    assert items.filter(target_kind="people").count() == sum(
        1 for i in items if i.target_kind == "people" and i.target_employees.exists()
    )
    assert {i.route for i in items} == {"classical", "non_classical"}
    keys = {i.key for i in items}
    assert PlanItemBatch.objects.filter(item_key__in=keys).exists()
    assert PlanItemCourse.objects.filter(item_key__in=keys).exists()
    assert DevelopmentPlanSpend.objects.filter(item_key__in=keys, year=year).exists()
    # Every item passes the model's own checks (costs, target group).
    for item in items:
        item.full_clean()
    # Every scale employee has this year's IDP.
    scale_people = Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}")
    assert Idp.objects.filter(employee__in=scale_people, year=year).count() == scale_people.count()

    first = _snapshot()
    out = StringIO()
    call_command("seed_scale", "--factor", "0.02", "--seed", "5", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert _snapshot() == first
    assert scale_seed_plan(seed=5, factor=0.02).created is False
    assert scale_seed_idps(seed=5) == 0
    from competencies.selectors.development_plan import development_plan_report

    report = development_plan_report(plan=DevelopmentPlan.objects.get(note=PLAN_NOTE))
    assert len(report.items) == 6
    assert report.total.planned_cost > 0 and report.total.spent > 0
    assert report.total.batches_held > 0


def test_a_database_seeded_before_gets_only_the_idps_and_the_plan(scale):
    before = DevelopmentPlan.objects.count()
    DevelopmentPlan.objects.filter(note=PLAN_NOTE).delete()
    PlanItemBatch.objects.all().delete()
    PlanItemCourse.objects.all().delete()
    DevelopmentPlanSpend.objects.all().delete()
    Idp.objects.filter(employee__user__email__endswith=f"@{SCALE_DOMAIN}").delete()
    employees = Employee.objects.count()

    out = StringIO()
    call_command("seed_scale", "--factor", "0.02", "--seed", "5", stdout=out)

    assert "Development plans added" in out.getvalue()
    assert Employee.objects.count() == employees
    assert DevelopmentPlan.objects.count() == before
    scale_people = Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}")
    assert Idp.objects.filter(employee__in=scale_people).count() == scale_people.count()
