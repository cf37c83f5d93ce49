"""Preparing, approving, locking and revising the plan; spending entries and bad input."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from wagtail.models import ModelLogEntry

import pytest

from competencies.models import DevelopmentPlan, DevelopmentPlanItem, DevelopmentPlanSpend
from competencies.selectors.development_plan import plan_candidates
from competencies.services.development_plan import (
    plan_approve,
    plan_build_from_candidates,
    plan_create,
    plan_item_delete,
    plan_item_save,
    plan_return,
    plan_revise,
    plan_spend_add,
    plan_spend_cancel,
    plan_submit,
)
from tests.competencies.development_plan.conftest import make_item
from tests.factories.competencies import AssessmentFactory

pytestmark = pytest.mark.django_db


def test_plan_create_refuses_a_second_plan_for_the_year(draft, bkpsdm, year):
    with pytest.raises(ValidationError, match="already being prepared"):
        plan_create(actor=bkpsdm, year=year)


def test_plan_create_is_for_bkpsdm_only(scoped_hr, head, year):
    for user in (scoped_hr, head):
        with pytest.raises(PermissionDenied):
            plan_create(actor=user, year=year)


def test_plan_item_planned_cost_unit_cost_times_participants_or_lump_sum(draft, competency, opd_a):
    item = make_item(draft, competency=competency, target_unit=opd_a)
    assert item.planned_cost == Decimal("9000000")
    item.cost_basis = DevelopmentPlanItem.CostBasis.LUMP_SUM
    item.lump_sum = Decimal("5000000")
    assert item.planned_cost == Decimal("5000000")
    assert item.planned_jp_total == Decimal("144")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("unit_cost", Decimal("-1")),
        ("unit_cost", Decimal("2000000000")),
        ("planned_participants", 0),
    ],
)
def test_plan_item_save_refuses_negative_or_absurd_amounts(
    draft, bkpsdm, competency, opd_a, field, value
):
    item = make_item(draft, competency=competency, target_unit=opd_a, **{field: value})
    with pytest.raises(ValidationError) as exc:
        plan_item_save(actor=bkpsdm, item=item)
    assert field in exc.value.message_dict
    assert not DevelopmentPlanItem.objects.exists()


def test_plan_item_save_refuses_a_unit_target_without_unit(draft, bkpsdm, competency):
    with pytest.raises(ValidationError) as exc:
        plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency))
    assert "target_unit" in exc.value.message_dict


def test_plan_item_save_named_people_need_someone(draft, bkpsdm, competency):
    item = make_item(
        draft, competency=competency, target_kind=DevelopmentPlanItem.TargetKind.PEOPLE
    )
    with pytest.raises(ValidationError):
        plan_item_save(actor=bkpsdm, item=item, target_employees=[])
    assert not DevelopmentPlanItem.objects.exists()


def test_plan_approval_fixes_the_gap_and_locks_the_plan(
    approved, bkpsdm, competency, opd_a, staff_a
):
    item = approved.items.get()
    assert approved.status == DevelopmentPlan.Status.APPROVED
    assert item.gap_at_plan == 6
    assert sorted(item.gap_employee_ids) == sorted(e.pk for e in staff_a)
    item.title = "Changed"
    with pytest.raises(ValidationError, match="locked"):
        plan_item_save(actor=bkpsdm, item=item)
    with pytest.raises(ValidationError, match="locked"):
        plan_item_delete(actor=bkpsdm, item=item)
    with pytest.raises(ValidationError, match="locked"):
        plan_build_from_candidates(actor=bkpsdm, plan=approved, candidates=[])
    assert DevelopmentPlanItem.objects.get().title == "Bimtek pelayanan publik"


def test_plan_locked_message_in_indonesian(approved, bkpsdm):
    item = approved.items.get()
    with translation.override("id"), pytest.raises(ValidationError) as exc:
        plan_item_save(actor=bkpsdm, item=item)
    assert "dikunci" in exc.value.messages[0]


def test_plan_approve_needs_the_permission_and_a_submitted_plan(
    draft, bkpsdm, head, competency, opd_a
):
    plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a))
    with pytest.raises(ValidationError):
        plan_approve(actor=head, plan=draft)  # not submitted
    plan_submit(actor=bkpsdm, plan=draft)
    with pytest.raises(PermissionDenied):
        plan_approve(actor=bkpsdm, plan=draft)  # preparer is not the approver
    plan_approve(actor=head, plan=draft)
    with pytest.raises(ValidationError, match="locked"):
        plan_approve(actor=head, plan=draft)  # a double submit approves once
    assert ModelLogEntry.objects.filter(action="competencies.plan_approve").count() == 1


def test_plan_submit_refuses_an_empty_plan(draft, bkpsdm):
    with pytest.raises(ValidationError, match="at least one item"):
        plan_submit(actor=bkpsdm, plan=draft)


def test_plan_return_sends_it_back_to_draft_with_a_reason(draft, bkpsdm, head, competency, opd_a):
    plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a))
    plan_submit(actor=bkpsdm, plan=draft)
    with pytest.raises(ValidationError):
        plan_return(actor=head, plan=draft, reason="  ")
    plan_return(actor=head, plan=draft, reason="Biaya terlalu tinggi")
    draft.refresh_from_db()
    assert draft.status == DevelopmentPlan.Status.DRAFT


def test_plan_revise_copies_the_approved_plan_and_supersedes_it_on_approval(approved, bkpsdm, head):
    revision = plan_revise(actor=bkpsdm, plan=approved)
    assert revision.revision == 2 and revision.status == DevelopmentPlan.Status.DRAFT
    old, new = approved.items.get(), revision.items.get()
    assert new.key == old.key and new.pk != old.pk and new.title == old.title
    with pytest.raises(ValidationError, match="already being prepared"):
        plan_revise(actor=bkpsdm, plan=approved)
    new.planned_participants = 8
    plan_item_save(actor=bkpsdm, item=new)
    plan_submit(actor=bkpsdm, plan=revision)
    plan_approve(actor=head, plan=revision)
    approved.refresh_from_db()
    assert approved.status == DevelopmentPlan.Status.SUPERSEDED
    assert DevelopmentPlanItem.objects.get(pk=old.pk).planned_participants == 6


def test_plan_spend_add_records_and_audits(approved, bkpsdm, spend_date):
    item = approved.items.get()
    spend = plan_spend_add(
        actor=bkpsdm, item=item, amount="4500000", spent_on=spend_date, document_number="SP2D-001"
    )
    assert spend.amount == Decimal("4500000.00") and spend.year == approved.year
    assert ModelLogEntry.objects.filter(action="competencies.plan_spend").count() == 1
    with pytest.raises(ValidationError) as exc:
        plan_spend_add(
            actor=bkpsdm, item=item, amount="1", spent_on=spend_date, document_number="SP2D-001"
        )
    assert "document_number" in exc.value.message_dict


@pytest.mark.parametrize("amount", ["-5", "0", "abc", "1e15", "NaN"])
def test_plan_spend_add_refuses_negative_or_absurd_amounts(approved, bkpsdm, spend_date, amount):
    with pytest.raises(ValidationError) as exc:
        plan_spend_add(
            actor=bkpsdm, item=approved.items.get(), amount=amount, spent_on=spend_date,
            document_number="X-1",
        )  # fmt: skip
    assert "amount" in exc.value.message_dict
    assert not DevelopmentPlanSpend.objects.exists()


def test_plan_spend_add_refuses_a_date_outside_the_plan_year(approved, bkpsdm):
    with pytest.raises(ValidationError) as exc:
        plan_spend_add(
            actor=bkpsdm, item=approved.items.get(), amount="100",
            spent_on=datetime.date(approved.year - 1, 12, 31), document_number="X-1",
        )  # fmt: skip
    assert "spent_on" in exc.value.message_dict
    assert not DevelopmentPlanSpend.objects.exists()


def test_plan_spend_add_refuses_a_draft_plan(draft, bkpsdm, competency, opd_a, spend_date):
    item = plan_item_save(
        actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a)
    )
    with pytest.raises(ValidationError, match="approved plan"):
        plan_spend_add(
            actor=bkpsdm, item=item, amount="1", spent_on=spend_date, document_number="X"
        )


def test_plan_spend_cancel_keeps_the_entry(approved, bkpsdm, spend_date):
    spend = plan_spend_add(
        actor=bkpsdm,
        item=approved.items.get(),
        amount="10",
        spent_on=spend_date,
        document_number="A",
    )
    plan_spend_cancel(actor=bkpsdm, spend=spend, reason="Salah ketik")
    spend.refresh_from_db()
    assert spend.cancelled and spend.cancel_reason == "Salah ketik"


def test_plan_build_from_gaps_prefills_items_once(
    draft, bkpsdm, competency, opd_a, opd_b, staff_a, staff_b, year
):
    candidates = plan_candidates(year=year)
    assert [(c.unit, c.below) for c in candidates] == [(opd_a, 6), (opd_b, 2)]
    assert plan_build_from_candidates(actor=bkpsdm, plan=draft, candidates=candidates) == 2
    item = draft.items.get(target_unit=opd_a)
    assert item.competency == competency and item.planned_participants == 6
    assert item.source == DevelopmentPlanItem.Source.GAPS
    assert plan_build_from_candidates(actor=bkpsdm, plan=draft, candidates=candidates) == 0


def test_plan_candidates_take_idp_goal_counts_when_given(draft, competency, staff_a, year):
    candidates = plan_candidates(year=year, idp_goal_counts={competency.pk: 4}, lms_sources={})
    assert candidates[0].idp_goals == 4
    assert candidates[0].source == DevelopmentPlanItem.Source.IDP


def test_gap_closed_after_training_counts_in_report(approved, staff_a, competency):
    from competencies.models import Assessment
    from competencies.selectors.development_plan import development_plan_report

    AssessmentFactory(
        employee=staff_a[0], competency=competency, level=3, status=Assessment.Status.APPROVED
    )
    report = development_plan_report(plan=approved)
    row = report.items[0]
    assert (row.below_at_plan, row.below_now, row.gaps_closed) == (6, 5, 1)
