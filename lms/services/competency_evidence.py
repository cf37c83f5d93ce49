"""Competency evidence: a completed course that develops competencies is recorded as
assessments in the competencies app (the lms → competencies seam; plain data crosses it).
Queued by the completion hook (lms.tasks.enrolment_competency_evidence_hook) and caught
up by lms.tasks.enrolment_competency_evidence_sweep. Revoking the certificate withdraws
the evidence (lms.services.certificates.certificate_revoke)."""

from __future__ import annotations

from django.utils import timezone

from competencies.services.assessments import assessments_from_course_completion
from lms.models import Enrolment


def enrolment_competency_evidence(*, enrolment_id: int) -> int:
    """A completed course that develops competency C at level L is evidence of it: the
    competencies service records an assessment (method "course completion"), submitted
    to HR or approved at once when the course is marked as an assessment
    (`CoursePage.completion_is_assessment`). Plain data crosses the app boundary.
    Idempotent (keyed by the enrolment). Returns how many assessments were created."""
    enrolment = (
        Enrolment.objects.select_related("course", "user__employee")
        .filter(pk=enrolment_id, status=Enrolment.Status.COMPLETED)
        .first()
    )
    if enrolment is None or enrolment.course is None:
        return 0
    employee = getattr(enrolment.user, "employee", None)
    if employee is None:
        return 0
    course = enrolment.course
    levels = [
        (link.competency_id, link.target_level)
        for link in course.course_competencies.order_by("sort_order")
    ]
    created = assessments_from_course_completion(
        employee_id=employee.pk,
        source_key=f"enrolment:{enrolment.pk}",
        course_title=course.title,
        levels=levels,
        approve=course.completion_is_assessment,
        assessed_on=timezone.localdate(enrolment.completed_at or timezone.now()),
    )
    return len(created)
