"""What the individual development plan (competencies, docs/idp.md) needs from the lms:
the courses and classroom batches an activity may name, and which of them the employee
completed. competencies calls the first two through settings
(COMPETENCIES_IDP_TARGET_SELECTOR, COMPETENCIES_IDP_COMPLETION_SELECTOR), since it may
not import lms."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import TYPE_CHECKING

from competencies.models import IdpActivity
from competencies.selectors.idp import IdpTarget
from lms.models import Batch, CoursePage, Enrolment, Nomination

if TYPE_CHECKING:
    from django.db.models import QuerySet

# Batches that may still be planned for: not cancelled, not a draft nobody sees yet.
_PLANNABLE = [
    Batch.Status.OPEN,
    Batch.Status.SELECTION,
    Batch.Status.RUNNING,
    Batch.Status.FINISHED,
]


def idp_activity_target(*, kind: str, target_id: int) -> IdpTarget | None:
    """A live course, or a batch that is not cancelled (with its course's page), or None."""
    if kind == IdpActivity.Kind.COURSE:
        course = CoursePage.objects.live().filter(pk=target_id).only("pk", "title").first()
        return IdpTarget(title=course.title, course_page_id=course.pk) if course else None
    if kind == IdpActivity.Kind.CLASSROOM:
        batch = (
            Batch.objects.filter(pk=target_id, status__in=_PLANNABLE)
            .select_related("course")
            .first()
        )
        if batch is None:
            return None
        return IdpTarget(title=str(batch), course_page_id=batch.course_id)
    return None


def idp_completion_keys(*, user_id: int, activities: Sequence[IdpActivity]) -> dict[int, str]:
    """{activity id: source key of the training record its completion made} for course
    and batch activities the user completed (a completed enrolment in the course; for a
    batch, the enrolment its nomination made). Two queries."""
    course_ids = {
        a.course_id
        for a in activities
        if a.kind == IdpActivity.Kind.COURSE and a.course_id is not None
    }
    batch_ids = {
        a.classroom_batch_id
        for a in activities
        if a.kind == IdpActivity.Kind.CLASSROOM and a.classroom_batch_id is not None
    }
    keys: dict[int, str] = {}
    by_course: dict[int, int] = {}
    if course_ids:
        for enrolment_id, course_id in (
            Enrolment.objects.filter(
                user_id=user_id, course_id__in=course_ids, status=Enrolment.Status.COMPLETED
            )
            .order_by("completed_at")
            .values_list("pk", "course_id")
        ):
            by_course[course_id] = enrolment_id
    by_batch: dict[int, int] = {}
    if batch_ids:
        by_batch = dict(
            Nomination.objects.filter(
                employee__user_id=user_id,
                batch_id__in=batch_ids,
                enrolment__status=Enrolment.Status.COMPLETED,
            ).values_list("batch_id", "enrolment_id")
        )
    for activity in activities:
        if activity.kind == IdpActivity.Kind.COURSE and activity.course_id in by_course:
            keys[activity.pk] = f"enrolment:{by_course[activity.course_id]}"
        elif (
            activity.kind == IdpActivity.Kind.CLASSROOM and activity.classroom_batch_id in by_batch
        ):
            keys[activity.pk] = f"enrolment:{by_batch[activity.classroom_batch_id]}"
    return keys


def idp_course_options() -> QuerySet[CoursePage]:
    """Live courses, for the activity form."""
    return CoursePage.objects.live().only("pk", "title").order_by("title")


def idp_batch_options(*, year: int) -> QuerySet[Batch]:
    """Batches of the plan's year that may be planned for, for the activity form."""
    return (
        Batch.objects.filter(
            status__in=_PLANNABLE,
            starts_on__lte=datetime.date(year, 12, 31),
            ends_on__gte=datetime.date(year, 1, 1),
        )
        .select_related("course")
        .order_by("starts_on", "number")
    )
