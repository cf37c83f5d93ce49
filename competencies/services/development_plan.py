"""Writes of the agency's development plan (docs/development-plan.md): preparing a plan
and its items (BKPSDM), building items from the gaps, submitting, approving (the head of
agency) and returning, revising an approved plan, and HR's spending entries. Every write
is atomic and audited; an approved plan refuses every change with the same message."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.formats import date_display
from competencies.models import (
    DevelopmentPlan,
    DevelopmentPlanItem,
    DevelopmentPlanSpend,
    Employee,
)
from competencies.models.development_plan import MAX_AMOUNT, PUBLIC_FIGURES_VERSION_KEY
from competencies.selectors.development_plan import PlanCandidate, plan_item_gap_now
from competencies.services import audit, development_notices
from config import request_cache

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from accounts.models import User

PLAN_SUBMIT = "competencies.plan_submit"
PLAN_APPROVE = "competencies.plan_approve"
PLAN_RETURN = "competencies.plan_return"
PLAN_REVISE = "competencies.plan_revise"
PLAN_SPEND = "competencies.plan_spend"
PLAN_SPEND_CANCEL = "competencies.plan_spend_cancel"

ITEM_FIELDS = (
    "competency", "title", "target_kind", "target_unit", "target_position", "route",
    "provider", "planned_batches", "planned_participants", "planned_jp", "cost_basis",
    "unit_cost", "lump_sum", "funding", "source",
)  # fmt: skip


def may_prepare_plan(user: Any) -> bool:
    """BKPSDM: HR managers who see the whole organisation (the plan is the agency's)."""
    from competencies.admin_views.base import sees_whole_organisation

    return bool(user.has_perm("portal.access_hr") and sees_whole_organisation(user))


def may_approve_plan(user: Any) -> bool:
    return bool(user.has_perm("competencies.approve_development_plan"))


def _require_preparer(actor: User) -> None:
    if not may_prepare_plan(actor):
        raise PermissionDenied(
            _("Only BKPSDM staff who see the whole organisation prepare the plan.")
        )


def _locked_message(plan: DevelopmentPlan) -> str:
    if plan.status == DevelopmentPlan.Status.APPROVED:
        return _(
            "This plan was approved on %(date)s and is locked. To change it, start a "
            "revision: it begins as a copy of the approved plan."
        ) % {"date": date_display(timezone.localdate(plan.approved_at)) if plan.approved_at else ""}
    if plan.status == DevelopmentPlan.Status.SUBMITTED:
        return _(
            "This plan is waiting for approval and cannot change. Ask the approver to "
            "return it if it needs a change."
        )
    return _("This revision has been superseded by a later one and cannot change.")


def _require_editable(plan: DevelopmentPlan) -> None:
    if not plan.is_editable:
        raise ValidationError(_locked_message(plan))


def _lock(plan: DevelopmentPlan) -> DevelopmentPlan:
    """The plan's row, locked for this transaction, with its current status."""
    return DevelopmentPlan.objects.select_for_update().get(pk=plan.pk)


def plan_public_figures_changed() -> None:
    """The public figures of the plan (the transparency dashboard, the open data) are
    computed afresh at the next request: their version is bumped at once and again when
    the transaction commits (a request in between would otherwise cache the old rows
    under the new version). Called by approval, the realisation links and spending."""
    request_cache.bump(PUBLIC_FIGURES_VERSION_KEY)


# THE PLAN --------------------------------------------------------------------------------


@transaction.atomic
def plan_create(*, actor: User, year: int, note: str = "") -> DevelopmentPlan:
    _require_preparer(actor)
    existing = DevelopmentPlan.objects.filter(year=year).order_by("-revision").first()
    if existing is not None:
        if existing.status in (DevelopmentPlan.Status.DRAFT, DevelopmentPlan.Status.SUBMITTED):
            raise ValidationError(
                _("A plan for %(year)s is already being prepared.") % {"year": year}
            )
        raise ValidationError(
            _("The plan for %(year)s is approved already: start a revision of it instead.")
            % {"year": year}
        )
    plan = DevelopmentPlan(year=year, note=note, prepared_by=actor)
    plan.full_clean()
    plan.save()
    audit.audit_log(instance=plan, action=audit.CREATE, user=actor)
    return plan


@transaction.atomic
def plan_item_save(
    *,
    actor: User,
    item: DevelopmentPlanItem,
    target_employees: list[Employee] | None = None,
) -> DevelopmentPlanItem:
    """Adds or edits an item of a draft plan (a form's unsaved instance). Refused with
    the lock message once the plan is submitted or approved."""
    _require_preparer(actor)
    plan = _lock(item.plan)
    _require_editable(plan)
    adding = item.pk is None
    before = (
        audit.snapshot(DevelopmentPlanItem.objects.get(pk=item.pk), ITEM_FIELDS)
        if not adding
        else None
    )
    item.full_clean()
    if (
        item.target_kind == DevelopmentPlanItem.TargetKind.PEOPLE
        and not target_employees
        and (adding or not item.target_employees.exists())
    ):
        raise ValidationError({"target_employees": _("Name at least one employee.")})
    item.save()
    if target_employees is not None:
        item.target_employees.set(
            target_employees if item.target_kind == DevelopmentPlanItem.TargetKind.PEOPLE else []
        )
    if adding:
        audit.audit_log(instance=item, action=audit.CREATE, user=actor)
    else:
        changes = audit.changes_between(before or {}, audit.snapshot(item, ITEM_FIELDS))
        audit.audit_log(instance=item, action=audit.EDIT, user=actor, changes=changes)
    return item


@transaction.atomic
def plan_item_delete(*, actor: User, item: DevelopmentPlanItem) -> None:
    _require_preparer(actor)
    plan = _lock(item.plan)
    _require_editable(plan)
    audit.audit_log(instance=item, action=audit.DELETE, user=actor, note=item.title)
    item.delete()


@transaction.atomic
def plan_build_from_candidates(
    *, actor: User, plan: DevelopmentPlan, candidates: list[PlanCandidate]
) -> int:
    """Prefills one item per candidate (a competency for a perangkat daerah) the plan does
    not have yet: target the OPD, as many participants as employees below standard, 20 JP
    each, classical with the course that closes the gap when there is one. HR completes
    the costs and the provider. Returns the number of items added; running it twice adds
    nothing the second time."""
    _require_preparer(actor)
    plan = _lock(plan)
    _require_editable(plan)
    have = set(
        plan.items.filter(target_kind=DevelopmentPlanItem.TargetKind.UNIT).values_list(
            "competency_id", "target_unit_id"
        )
    )
    added = 0
    for c in candidates:
        if (c.competency.pk, c.unit.pk) in have:
            continue
        course = (c.course or {}).get("title", "")
        item = DevelopmentPlanItem(
            plan=plan,
            competency=c.competency,
            title=(
                course or _("Development of %(competency)s") % {"competency": c.competency.name}
            )[:200],
            target_kind=DevelopmentPlanItem.TargetKind.UNIT,
            target_unit=c.unit,
            route=DevelopmentPlanItem.Route.CLASSICAL
            if course
            else DevelopmentPlanItem.Route.NON_CLASSICAL,
            planned_batches=1,
            planned_participants=c.below,
            planned_jp=Decimal(20),
            cost_basis=DevelopmentPlanItem.CostBasis.PER_PARTICIPANT,
            unit_cost=Decimal(0),
            funding=DevelopmentPlanItem.Funding.NONE,
            source=c.source,
            gap_at_plan=c.below,
        )
        item.full_clean()
        item.save()
        have.add((c.competency.pk, c.unit.pk))
        added += 1
    if added:
        audit.audit_log(
            instance=plan,
            action=audit.EDIT,
            user=actor,
            note=_("%(count)d items built from the gaps.") % {"count": added},
        )
    return added


@transaction.atomic
def plan_submit(*, actor: User, plan: DevelopmentPlan) -> DevelopmentPlan:
    _require_preparer(actor)
    plan = _lock(plan)
    _require_editable(plan)
    if not plan.items.exists():
        raise ValidationError(_("Add at least one item before submitting the plan."))
    plan.status = DevelopmentPlan.Status.SUBMITTED
    plan.submitted_at = timezone.now()
    plan.prepared_by = actor
    plan.save(update_fields=["status", "submitted_at", "prepared_by", "updated_at"])
    audit.audit_log(instance=plan, action=PLAN_SUBMIT, user=actor)
    development_notices.plan_submitted_notify(plan=plan, actor=actor)
    return plan


@transaction.atomic
def plan_return(*, actor: User, plan: DevelopmentPlan, reason: str) -> DevelopmentPlan:
    """The approver sends a submitted plan back to BKPSDM with a reason."""
    if not may_approve_plan(actor):
        raise PermissionDenied(_("Only the head of agency approves or returns the plan."))
    plan = _lock(plan)
    if plan.status != DevelopmentPlan.Status.SUBMITTED:
        raise ValidationError(_("Only a plan waiting for approval can be returned."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say what should change.")})
    plan.status = DevelopmentPlan.Status.DRAFT
    plan.save(update_fields=["status", "updated_at"])
    audit.audit_log(instance=plan, action=PLAN_RETURN, user=actor, note=reason.strip())
    development_notices.plan_decided_notify(
        plan=plan, actor=actor, event="returned", reason=reason.strip()
    )
    return plan


@transaction.atomic
def plan_approve(*, actor: User, plan: DevelopmentPlan) -> DevelopmentPlan:
    """Approves a submitted plan: fixes each item's gap (the target group's employees
    below standard now), supersedes the revision approved before, and locks the plan.
    Approving twice is refused, not repeated."""
    if not may_approve_plan(actor):
        raise PermissionDenied(_("Only the head of agency approves or returns the plan."))
    plan = _lock(plan)
    if plan.status != DevelopmentPlan.Status.SUBMITTED:
        if plan.status == DevelopmentPlan.Status.APPROVED:
            raise ValidationError(_locked_message(plan))
        raise ValidationError(_("Only a plan submitted by BKPSDM can be approved."))
    items = list(plan.items.select_related("target_unit"))
    gaps = plan_item_gap_now(items=items)
    for item in items:
        _size, below = gaps[item.pk]
        item.gap_at_plan = len(below)
        item.gap_employee_ids = below
    DevelopmentPlanItem.objects.bulk_update(items, ["gap_at_plan", "gap_employee_ids"])
    previous = list(
        DevelopmentPlan.objects.select_for_update().filter(
            year=plan.year, status=DevelopmentPlan.Status.APPROVED
        )
    )
    for old in previous:
        old.status = DevelopmentPlan.Status.SUPERSEDED
        old.save(update_fields=["status", "updated_at"])
        audit.audit_log(
            instance=old,
            action=audit.EDIT,
            user=actor,
            changes={"status": ["approved", "superseded"]},
        )
    plan.status = DevelopmentPlan.Status.APPROVED
    plan.approved_by = actor
    plan.approved_at = timezone.now()
    plan.save(update_fields=["status", "approved_by", "approved_at", "updated_at"])
    audit.audit_log(instance=plan, action=PLAN_APPROVE, user=actor)
    plan_public_figures_changed()
    development_notices.plan_decided_notify(plan=plan, actor=actor, event="approved")
    return plan


@transaction.atomic
def plan_revise(*, actor: User, plan: DevelopmentPlan) -> DevelopmentPlan:
    """A new draft revision of an approved plan, a copy of it (items keep their keys, so
    linked batches, courses and spending follow them). The approved one stays in force
    until the revision is approved."""
    _require_preparer(actor)
    plan = _lock(plan)
    if plan.status != DevelopmentPlan.Status.APPROVED:
        raise ValidationError(_("Only the approved plan can be revised."))
    if DevelopmentPlan.objects.filter(
        year=plan.year,
        status__in=[DevelopmentPlan.Status.DRAFT, DevelopmentPlan.Status.SUBMITTED],
    ).exists():
        raise ValidationError(_("A revision of this plan is already being prepared."))
    last = DevelopmentPlan.objects.filter(year=plan.year).order_by("-revision").first()
    revision = DevelopmentPlan(
        year=plan.year,
        revision=(last.revision if last else plan.revision) + 1,
        note=plan.note,
        prepared_by=actor,
    )
    revision.full_clean()
    try:
        with transaction.atomic():
            revision.save()
    except IntegrityError as exc:  # a double submit
        raise ValidationError(_("A revision of this plan is already being prepared.")) from exc
    for item in plan.items.prefetch_related("target_employees"):
        people = list(item.target_employees.all())
        item.pk = None
        item._state.adding = True
        item.plan = revision
        item.save()
        item.target_employees.set(people)
    audit.audit_log(instance=revision, action=PLAN_REVISE, user=actor, note=str(plan))
    return revision


# SPENDING --------------------------------------------------------------------------------


def _amount(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError({"amount": _("Give the amount as a number of rupiah.")}) from exc
    if not amount.is_finite() or amount <= 0:
        raise ValidationError({"amount": _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {"amount": _("The amount is above Rp 100 billion: check the number of digits.")}
        )
    return amount.quantize(Decimal("0.01"))


@transaction.atomic
def plan_spend_add(
    *,
    actor: User,
    item: DevelopmentPlanItem,
    amount: Any,
    spent_on: datetime.date,
    document_number: str,
    attachment: UploadedFile | None = None,
    note: str = "",
) -> DevelopmentPlanSpend:
    """Records money spent on an item of the plan in force (BKPSDM), with the date in
    the plan year and the document number (one entry per document and item)."""
    _require_preparer(actor)
    plan = _lock(item.plan)
    if plan.status != DevelopmentPlan.Status.APPROVED:
        raise ValidationError(
            _(
                "Spending is entered on the approved plan in force, not on a draft or an old revision."
            )
        )
    spend = DevelopmentPlanSpend(
        item_key=item.key,
        year=plan.year,
        amount=_amount(amount),
        spent_on=spent_on,
        document_number=document_number.strip(),
        note=note,
        entered_by=actor,
    )
    if attachment is not None:
        spend.attachment = attachment
    if DevelopmentPlanSpend.objects.filter(
        item_key=item.key, document_number=spend.document_number, cancelled=False
    ).exists():
        raise ValidationError(
            {"document_number": _("This document is already entered for this item.")}
        )
    spend.full_clean()
    spend.save()
    audit.audit_log(
        instance=spend,
        action=PLAN_SPEND,
        user=actor,
        changes={"amount": [None, str(spend.amount)], "item": [None, item.title]},
    )
    plan_public_figures_changed()
    return spend


@transaction.atomic
def plan_spend_cancel(
    *, actor: User, spend: DevelopmentPlanSpend, reason: str
) -> DevelopmentPlanSpend:
    """A wrong entry is cancelled with a reason, never edited or deleted (the trail)."""
    _require_preparer(actor)
    spend = DevelopmentPlanSpend.objects.select_for_update().get(pk=spend.pk)
    if spend.cancelled:
        return spend
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the entry is cancelled.")})
    spend.cancelled = True
    spend.cancel_reason = reason.strip()[:500]
    spend.save(update_fields=["cancelled", "cancel_reason"])
    audit.audit_log(instance=spend, action=PLAN_SPEND_CANCEL, user=actor, note=spend.cancel_reason)
    plan_public_figures_changed()
    return spend
