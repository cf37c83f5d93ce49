"""Linking the training that realises the agency's development plan to its items
(docs/development-plan.md): a classroom batch held for an item, the e-learning course of
an item. BKPSDM links; the links follow the item into later revisions (its key)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from competencies.models import DevelopmentPlanItem
from competencies.services import audit
from competencies.services.development_plan import (
    _require_preparer,
    plan_public_figures_changed,
)
from lms.models import Batch, CoursePage, PlanItemBatch, PlanItemCourse

if TYPE_CHECKING:
    from accounts.models import User

PLAN_LINK = "competencies.plan_link"


def plan_realisation_changed(*, course_id: int | None = None, batch_id: int | None = None) -> None:
    """A completion in a course, or a batch finished or cancelled: when the course or the
    batch serves a plan item, the plan's public figures are computed afresh at the next
    request (`plan_public_figures_changed`). One query; nothing is bumped for training
    that realises no item, so the public cache survives the day's other completions.
    Check-ins do not call this: a running batch's attendance reaches the public figures
    when the batch finishes or the cache expires (docs/development-plan.md)."""
    if course_id is not None:
        linked = PlanItemCourse.objects.filter(course_id=course_id).exists()
    elif batch_id is not None:
        linked = PlanItemBatch.objects.filter(batch_id=batch_id).exists()
    else:
        raise TypeError("plan_realisation_changed needs a course_id or a batch_id")
    if linked:
        plan_public_figures_changed()


@transaction.atomic
def plan_item_batch_link(*, actor: User, item: DevelopmentPlanItem, batch: Batch) -> PlanItemBatch:
    _require_preparer(actor)
    if batch.status == Batch.Status.CANCELLED:
        raise ValidationError(_("A cancelled batch delivers nothing: choose another one."))
    existing = PlanItemBatch.objects.filter(batch=batch).first()
    if existing is not None:
        if existing.item_key == item.key:
            return existing  # a double submit
        raise ValidationError(_("This batch is already linked to another plan item."))
    if batch.ends_on.year != item.plan.year:
        raise ValidationError(
            _("The batch ends in %(batch_year)s, outside the plan year %(year)s.")
            % {"batch_year": batch.ends_on.year, "year": item.plan.year}
        )
    try:
        with transaction.atomic():
            link = PlanItemBatch.objects.create(batch=batch, item_key=item.key, linked_by=actor)
    except IntegrityError as exc:
        raise ValidationError(_("This batch is already linked to another plan item.")) from exc
    audit.audit_log(
        instance=item, action=PLAN_LINK, user=actor, changes={"batch": [None, str(batch)]}
    )
    plan_public_figures_changed()
    return link


@transaction.atomic
def plan_item_batch_unlink(*, actor: User, item: DevelopmentPlanItem, batch_id: int) -> None:
    _require_preparer(actor)
    deleted, _rows = PlanItemBatch.objects.filter(batch_id=batch_id, item_key=item.key).delete()
    if deleted:
        audit.audit_log(
            instance=item, action=PLAN_LINK, user=actor, changes={"batch": [batch_id, None]}
        )
        plan_public_figures_changed()


@transaction.atomic
def plan_item_course_set(
    *, actor: User, item: DevelopmentPlanItem, course: CoursePage | None
) -> PlanItemCourse | None:
    """Sets (or, with None, removes) the e-learning course of an item. A course serves one
    item of a plan, or its completions would count twice."""
    _require_preparer(actor)
    current = PlanItemCourse.objects.filter(item_key=item.key).first()
    if course is None:
        if current is not None:
            current.delete()
            audit.audit_log(
                instance=item,
                action=PLAN_LINK,
                user=actor,
                changes={"course": [str(current.course_id), None]},
            )
            plan_public_figures_changed()
        return None
    other_keys = list(
        DevelopmentPlanItem.objects.filter(plan=item.plan)
        .exclude(key=item.key)
        .values_list("key", flat=True)
    )
    if PlanItemCourse.objects.filter(course=course, item_key__in=other_keys).exists():
        raise ValidationError(_("This course already counts for another item of the plan."))
    if current is not None and current.course_id == course.pk:
        return current
    if current is not None:
        current.course = course
        current.linked_by = actor
        current.save(update_fields=["course", "linked_by"])
    else:
        current = PlanItemCourse.objects.create(item_key=item.key, course=course, linked_by=actor)
    audit.audit_log(
        instance=item, action=PLAN_LINK, user=actor, changes={"course": [None, course.title]}
    )
    plan_public_figures_changed()
    return current
