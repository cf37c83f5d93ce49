"""Development plan demo (part of seed_demo; docs/development-plan.md): the current
year's plan built from the demo's gaps by BKPSDM (the demo HR manager), with costs,
submitted and approved by the demo administrator (a superuser stands in for the head of
agency), then partly realised: the finished classroom batch (SAKIP, Angkatan I) linked to
the first item, a demo e-learning course to the second, and one spending entry.

Idempotent: when the year already has an approved plan, nothing changes."""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from competencies.models import DevelopmentPlan, DevelopmentPlanItem, DevelopmentPlanSpend
from competencies.selectors.development_plan import plan_candidates
from competencies.services.development_plan import (
    plan_approve,
    plan_build_from_candidates,
    plan_create,
    plan_item_save,
    plan_spend_add,
    plan_submit,
)
from lms.demo.classroom import COURSE_SLUG
from lms.models import Batch, CoursePage
from lms.services.development_plan import plan_item_batch_link, plan_item_course_set

PROVIDERS = ("BKPSDM (widyaiswara sendiri)", "BPSDM Provinsi Kalimantan Timur", "LAN RI")


def development_plan_demo_seed(*, users: dict[str, User]) -> DevelopmentPlan | None:
    year = timezone.localdate().year
    if DevelopmentPlan.objects.filter(year=year, status=DevelopmentPlan.Status.APPROVED).exists():
        return None
    hr, head = users["sdm"], users["admin"]
    plan = DevelopmentPlan.objects.filter(year=year, status=DevelopmentPlan.Status.DRAFT).first()
    if plan is None:
        plan = plan_create(actor=hr, year=year, note="Rencana contoh (data demo).")
    if not plan.items.exists():
        plan_build_from_candidates(
            actor=hr, plan=plan, candidates=plan_candidates(year=year, limit=4)
        )
    items = list(plan.items.order_by("pk"))
    if not items:
        return None  # no gap in the demo data: nothing to plan
    for n, item in enumerate(items):
        item.provider = PROVIDERS[n % len(PROVIDERS)]
        item.funding = DevelopmentPlanItem.Funding.APBD
        item.unit_cost = Decimal(1_250_000 + 250_000 * n)
        plan_item_save(actor=hr, item=item)
    plan_submit(actor=hr, plan=plan)
    plan = plan_approve(actor=head, plan=plan)
    _realise(plan=plan, hr=hr)
    return plan


def _realise(*, plan: DevelopmentPlan, hr: User) -> None:
    items = list(plan.items.order_by("pk"))
    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    batch = (
        Batch.objects.filter(course=course, status=Batch.Status.FINISHED, ends_on__year=plan.year)
        .order_by("ends_on")
        .first()
    )
    if batch is not None and not hasattr(batch, "plan_item_link"):
        plan_item_batch_link(actor=hr, item=items[0], batch=batch)
    if len(items) > 1:
        elearning = CoursePage.objects.live().exclude(slug=COURSE_SLUG).order_by("title").first()
        if elearning is not None:
            plan_item_course_set(actor=hr, item=items[1], course=elearning)
    if not DevelopmentPlanSpend.objects.filter(item_key=items[0].key).exists():
        plan_spend_add(
            actor=hr,
            item=items[0],
            amount=items[0].planned_cost / 2 or Decimal(2_500_000),
            spent_on=timezone.localdate(),
            document_number="SP2D/DEMO/001",
            note="Honorarium narasumber dan konsumsi (contoh data demo).",
        )
