"""The assessment workflow: draft → submitted → approved / rejected.

Who may do what:
- HR managers (within their unit subtree) and administrators record any method and
  decide (approve or reject) submitted assessments of other people.
- A supervisor rates their direct reports (method "supervisor"); HR approves.
- An employee assesses themself (method "self"); it never counts until HR approves.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify
from competencies.models import Assessment, Competency, Employee
from competencies.selectors.hr_scope import employee_in_hr_scope, hr_managers_for_employee
from competencies.services import audit
from competencies.services.summaries import current_levels_refresh, employee_lock

if TYPE_CHECKING:
    from accounts.models import User


def _is_supervisor_of(user: User, employee: Employee) -> bool:
    return bool(
        employee.supervisor_id
        and Employee.objects.filter(pk=employee.supervisor_id, user_id=user.pk).exists()
    )


def assessment_methods_for(*, actor: User, employee: Employee) -> list[str]:
    """The methods `actor` may record for `employee` (empty: none)."""
    if employee_in_hr_scope(user=actor, employee=employee) and employee.user_id != actor.pk:
        return [m for m in Assessment.Method.values if m != Assessment.Method.SELF]
    if employee.user_id == actor.pk:
        return [Assessment.Method.SELF]
    if _is_supervisor_of(actor, employee):
        return [Assessment.Method.SUPERVISOR]
    return []


@transaction.atomic
def assessment_create(
    *,
    actor: User,
    employee: Employee,
    competency: Competency,
    level: int,
    method: str,
    assessed_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
    note: str = "",
    evidence: UploadedFile | None = None,
    submit: bool = False,
) -> Assessment:
    if method not in assessment_methods_for(actor=actor, employee=employee):
        raise PermissionDenied(_("You may not record this kind of assessment for this employee."))
    if not employee.is_active:
        raise ValidationError(_("This employee is no longer active."))
    assessment = Assessment(
        employee=employee,
        competency=competency,
        level=level,
        method=method,
        assessor=actor,
        assessed_on=assessed_on or timezone.localdate(),
        valid_until=valid_until,
        note=note,
    )
    if evidence is not None:
        assessment.evidence = evidence
    assessment.full_clean()
    assessment.save()
    audit.audit_log(instance=assessment, action=audit.CREATE, user=actor)
    if submit:
        assessment = assessment_submit(actor=actor, assessment=assessment)
    return assessment


def assessment_draft_update(
    *, actor: User, assessment: Assessment, changes: dict[str, list[Any]], changed: bool
) -> Assessment:
    """Saves a draft edited in the admin (the admin lists only drafts for editing: a
    decided assessment stays as it was decided). `changed` says whether the form changed
    at all; an unchanged save writes no audit entry."""
    audit.instance_save_audited(
        instance=assessment,
        actor=actor,
        action=audit.EDIT,
        changes=changes,
        log_entry=bool(changes) or changed,
    )
    return assessment


def _locked(assessment: Assessment) -> Assessment:
    return (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("employee__unit", "employee__user", "competency")
        .get(pk=assessment.pk)
    )


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    assessment = _locked(assessment)
    if assessment.status == Assessment.Status.SUBMITTED:
        return assessment  # a double click submits once
    if assessment.status != Assessment.Status.DRAFT:
        raise ValidationError(_("Only a draft can be submitted."))
    if assessment.assessor_id != actor.pk and not employee_in_hr_scope(
        user=actor, employee=assessment.employee
    ):
        raise PermissionDenied
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by", "updated_at"])
    audit.audit_log(
        instance=assessment,
        action=audit.SUBMIT,
        user=actor,
        changes={"status": [Assessment.Status.DRAFT, Assessment.Status.SUBMITTED]},
    )
    for manager in hr_managers_for_employee(employee=assessment.employee):
        if manager.pk == actor.pk:
            continue
        notify(
            user=manager,
            kind=NotificationKind.ASSESSMENT_TO_APPROVE,
            params={
                "employee": assessment.employee.display_name,
                "assessor": str(actor),
                "competency": assessment.competency.name_id,
                "level": assessment.level,
            },
            url=reverse("competencies_assessment:decide", args=[assessment.pk]),
            dedupe_key=f"assessment:{assessment.pk}:submitted:{manager.pk}",
        )
    return assessment


def _decide(
    *, actor: User, assessment: Assessment, status: str, note: str, action: str
) -> Assessment:
    employee_lock(employee_id=assessment.employee_id)  # before the assessment: lock order
    assessment = _locked(assessment)
    if assessment.status == status:
        return assessment  # deciding twice the same way is a no-op
    if assessment.status != Assessment.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted assessment can be approved or rejected."))
    if not actor.has_perm("portal.access_hr") or not employee_in_hr_scope(
        user=actor, employee=assessment.employee
    ):
        raise PermissionDenied(_("Only HR managers of this employee's unit decide assessments."))
    if assessment.employee.user_id == actor.pk:
        raise PermissionDenied(_("You cannot decide an assessment of yourself."))
    previous = assessment.status
    assessment.status = status
    assessment.decided_at = timezone.now()
    assessment.decided_by = actor
    assessment.decision_note = note
    assessment.save(
        update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"]
    )
    audit.audit_log(
        instance=assessment,
        action=action,
        user=actor,
        changes={"status": [previous, status]},
        note=note,
    )
    if status == Assessment.Status.APPROVED:
        current_levels_refresh(employee_ids=[assessment.employee_id])
    notify(
        user=assessment.employee.user,
        kind=NotificationKind.ASSESSMENT_DECIDED,
        params={
            "approved": status == Assessment.Status.APPROVED,
            "competency": assessment.competency.name_id,
            "level": assessment.level,
            "note": note,
        },
        url=reverse("competencies:profile"),
        dedupe_key=f"assessment:{assessment.pk}:decided",
    )
    return assessment


@transaction.atomic
def assessment_approve(*, actor: User, assessment: Assessment, note: str = "") -> Assessment:
    return _decide(
        actor=actor,
        assessment=assessment,
        status=Assessment.Status.APPROVED,
        note=note,
        action=audit.APPROVE,
    )


@transaction.atomic
def assessment_reject(*, actor: User, assessment: Assessment, note: str) -> Assessment:
    if not note.strip():
        raise ValidationError(_("Give the reason for rejecting, so the assessor can act on it."))
    return _decide(
        actor=actor,
        assessment=assessment,
        status=Assessment.Status.REJECTED,
        note=note,
        action=audit.REJECT,
    )


@transaction.atomic
def assessments_withdraw_for_source(
    *, employee_id: int, source_key: str, reason: str, actor: User | None = None
) -> int:
    """Withdraws the course-completion evidence made under `source_key` (e.g.
    `enrolment:<id>`) because what it rests on was withdrawn (lms revoked the
    certificate): each such assessment still submitted or approved becomes REJECTED with
    `reason` as the decision note, so it leaves HR's queue and the current levels. Plain
    data crosses the app boundary; the caller (the revocation) checked the permission.
    Idempotent: a second call finds nothing left to withdraw. Returns how many changed."""
    marker = f"[{source_key}]"
    employee_lock(employee_id=employee_id)  # before the assessments: lock order
    assessments = list(
        Assessment.objects.select_for_update()
        .filter(
            employee_id=employee_id,
            method=Assessment.Method.COURSE,
            note__startswith=marker,
            status__in=[Assessment.Status.SUBMITTED, Assessment.Status.APPROVED],
        )
        .order_by("pk")
    )
    now = timezone.now()
    counted = any(a.status == Assessment.Status.APPROVED for a in assessments)
    for assessment in assessments:
        previous = assessment.status
        assessment.status = Assessment.Status.REJECTED
        assessment.decided_at = now
        assessment.decided_by = actor
        assessment.decision_note = reason
        assessment.save(
            update_fields=["status", "decided_at", "decided_by", "decision_note", "updated_at"]
        )
        audit.audit_log(
            instance=assessment,
            action=audit.REJECT,
            user=actor,
            changes={"status": [previous, Assessment.Status.REJECTED]},
            note=reason,
        )
    if counted:  # a submitted one never was a current level
        current_levels_refresh(employee_ids=[employee_id])
    return len(assessments)


@transaction.atomic  # its row lock needs a transaction: a Celery worker has none
def assessments_from_course_completion(
    *,
    employee_id: int,
    source_key: str,
    course_title: str,
    levels: list[tuple[int, int]],
    approve: bool,
    assessed_on: datetime.date | None = None,
) -> list[Assessment]:
    """Competency evidence from a completed course (called by lms with plain data:
    competencies never imports lms). Each (competency id, level) becomes an assessment
    with method "course completion": submitted for HR to approve, or approved at once
    when the course is marked as an assessment. Idempotent per `source_key` (e.g.
    `enrolment:<id>`) and competency: a second call creates nothing."""
    employee = (
        Employee.objects.select_for_update(of=("self",))
        .select_related("unit", "user")
        .filter(pk=employee_id, is_active=True)
        .first()
    )
    if employee is None or not levels:
        return []
    marker = f"[{source_key}]"
    done = set(
        Assessment.objects.filter(
            employee=employee, method=Assessment.Method.COURSE, note__startswith=marker
        ).values_list("competency_id", flat=True)
    )
    competencies = Competency.objects.in_bulk([c for c, _level in levels])
    now = timezone.now()
    created: list[Assessment] = []
    for competency_id, level in levels:
        competency = competencies.get(competency_id)
        if competency is None or competency_id in done:
            continue
        assessment = Assessment(
            employee=employee,
            competency=competency,
            level=min(max(int(level), 1), 5),
            method=Assessment.Method.COURSE,
            assessor=None,
            assessed_on=assessed_on or timezone.localdate(),
            note=f"{marker} " + _("Completed the course %(course)s.") % {"course": course_title},
            status=Assessment.Status.APPROVED if approve else Assessment.Status.SUBMITTED,
            submitted_at=now,
        )
        if approve:
            assessment.decided_at = now
        assessment.save()
        done.add(competency_id)
        audit.audit_log(
            instance=assessment,
            action=audit.APPROVE if approve else audit.SUBMIT,
            user=None,
            note=assessment.note,
        )
        created.append(assessment)
        if approve:
            continue
        for manager in hr_managers_for_employee(employee=employee):
            notify(
                user=manager,
                kind=NotificationKind.ASSESSMENT_TO_APPROVE,
                params={
                    "employee": employee.display_name,
                    "assessor": course_title,
                    "competency": competency.name_id,
                    "level": assessment.level,
                },
                url=reverse("competencies_assessment:decide", args=[assessment.pk]),
                dedupe_key=f"assessment:{assessment.pk}:submitted:{manager.pk}",
            )
    if approve and created:
        current_levels_refresh(employee_ids=[employee.pk])
    return created
