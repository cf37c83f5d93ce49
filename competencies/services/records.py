"""Training records (riwayat diklat): external training added by employees and approved
by HR, and portal courses recorded automatically on completion."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify
from competencies import webhooks
from competencies.models import Employee, TrainingRecord
from competencies.selectors.hr_scope import employee_in_hr_scope, hr_managers_for_employee
from competencies.services import audit
from competencies.services.summaries import jp_years_refresh

if TYPE_CHECKING:
    from accounts.models import User

APPROVE = audit.RECORD_APPROVE
REJECT = audit.RECORD_REJECT


def _record_changed(record_id: int) -> None:
    """Queues the API's outbound webhook for the record once the transaction commits."""
    transaction.on_commit(lambda: webhooks.record_changed(record_id=record_id))


@transaction.atomic
def training_record_submit(
    *,
    actor: User,
    employee: Employee,
    title: str,
    organiser: str,
    development_type: int,
    started_on: datetime.date,
    finished_on: datetime.date,
    jp: Decimal | None = None,
    certificate_number: str = "",
    proof: UploadedFile | None = None,
    activity: str = "",
    units: Decimal | None = None,
    international: bool = False,
) -> TrainingRecord:
    """An employee adds external training (with proof) for HR to approve; HR may also
    enter one for an employee in scope, which still goes through approval.

    With an `activity` the JP are COMPUTED from the conversion table (docs/jp-conversion.md)
    from the dates, `units` (sessions, semesters or scheduled hours) and `international`,
    and any `jp` given is ignored; without one (records kept from before the table) `jp`
    is taken as stated."""
    if employee.user_id != actor.pk and not employee_in_hr_scope(user=actor, employee=employee):
        raise PermissionDenied
    computation = None
    if activity:
        from competencies.selectors.jp_conversion import jp_compute_for_employee

        computation = jp_compute_for_employee(
            employee=employee,
            development_type=development_type,
            activity=activity,
            started_on=started_on,
            finished_on=finished_on,
            units=units,
            international=international,
        )
        jp = computation.jp
    if jp is None:
        raise ValidationError({"jp": _("Enter the lesson hours (JP).")})
    record = TrainingRecord(
        employee=employee,
        source=TrainingRecord.Source.EXTERNAL,
        title=title,
        organiser=organiser,
        development_type=development_type,
        started_on=started_on,
        finished_on=finished_on,
        jp=jp,
        certificate_number=certificate_number,
        submitted_by=actor,
        activity=activity,
        international=international,
    )
    if computation is not None:
        record.jp_rule = computation.rule
        record.jp_units = computation.units
        record.jp_computed = computation.jp
    if proof is not None:
        record.proof = proof
    record.full_clean()
    record.save()
    audit.audit_log(instance=record, action=audit.CREATE, user=actor)
    _record_changed(record.pk)
    for manager in hr_managers_for_employee(employee=employee):
        if manager.pk == actor.pk:
            continue
        notify(
            user=manager,
            kind=NotificationKind.RECORD_TO_APPROVE,
            params={"employee": employee.display_name, "title": title, "jp": f"{jp:g}"},
            url=reverse("competencies_record:decide", args=[record.pk]),
            dedupe_key=f"record:{record.pk}:submitted:{manager.pk}",
        )
    return record


def _status_set(
    record: TrainingRecord, *, status: str, actor: User | None, note: str, action: str
) -> None:
    """Records a decision on a locked record: status, who, when and the note; then the
    change hooks (webhook) and the audit trail."""
    previous = record.status
    record.status = status
    record.decided_by = actor
    record.decided_at = timezone.now()
    record.decision_note = note
    record.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    _record_changed(record.pk)
    audit.audit_log(
        instance=record,
        action=action,
        user=actor,
        changes={"status": [previous, status]},
        note=note,
    )


def _decide(
    *, actor: User, record: TrainingRecord, status: str, note: str, action: str
) -> TrainingRecord:
    record = (
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("employee__unit", "employee__user")
        .get(pk=record.pk)
    )
    if record.status == status:
        return record
    if record.status != TrainingRecord.Status.SUBMITTED:
        raise ValidationError(_("Only a record waiting for approval can be decided."))
    if not actor.has_perm("portal.access_hr") or not employee_in_hr_scope(
        user=actor, employee=record.employee
    ):
        raise PermissionDenied
    if record.employee.user_id == actor.pk:
        raise PermissionDenied(_("You cannot approve your own training record."))
    _status_set(record, status=status, actor=actor, note=note, action=action)
    if status == TrainingRecord.Status.APPROVED:
        jp_years_refresh(employee_ids=[record.employee_id])
    notify(
        user=record.employee.user,
        kind=NotificationKind.RECORD_DECIDED,
        params={
            "approved": status == TrainingRecord.Status.APPROVED,
            "title": record.title,
            "jp": f"{record.jp:g}",
            "note": note,
        },
        url=reverse("competencies:records"),
        dedupe_key=f"record:{record.pk}:decided",
    )
    return record


@transaction.atomic
def training_record_approve(
    *, actor: User, record: TrainingRecord, note: str = ""
) -> TrainingRecord:
    return _decide(
        actor=actor, record=record, status=TrainingRecord.Status.APPROVED, note=note, action=APPROVE
    )


@transaction.atomic
def training_record_reject(*, actor: User, record: TrainingRecord, note: str) -> TrainingRecord:
    if not note.strip():
        raise ValidationError(_("Give the reason for rejecting, so the employee can act on it."))
    return _decide(
        actor=actor, record=record, status=TrainingRecord.Status.REJECTED, note=note, action=REJECT
    )


def training_record_from_course(
    *,
    employee: Employee,
    source_key: str,
    title: str,
    organiser: str,
    development_type: int,
    started_on: datetime.date,
    finished_on: datetime.date,
    jp: Decimal,
    certificate_number: str = "",
) -> TrainingRecord:
    """Records a completed portal course, approved at once. `source_key` (e.g.
    "enrolment:42") makes it idempotent: a second call, even a racing one, returns the
    existing record. A later call with a certificate number fills it in."""
    existing = TrainingRecord.objects.filter(source_key=source_key).first()
    if existing is None:
        record = TrainingRecord(
            employee=employee, source=TrainingRecord.Source.COURSE, source_key=source_key,
            title=title, organiser=organiser, development_type=development_type,
            started_on=started_on, finished_on=finished_on, jp=jp,
            certificate_number=certificate_number, status=TrainingRecord.Status.APPROVED,
            decided_at=timezone.now(),
        )  # fmt: skip
        # The values come from the portal's own enrolment and certificate: field checks
        # only. The database enforces the check constraints and the employee key, and
        # checking them here would cost seven queries on every certificate issued.
        record.full_clean(exclude=["employee"], validate_unique=False, validate_constraints=False)
        try:
            with transaction.atomic():
                record.save()
        except IntegrityError:
            existing = TrainingRecord.objects.get(source_key=source_key)
        else:
            _record_changed(record.pk)
            jp_years_refresh(employee_ids=[employee.pk])
            return record
    if certificate_number and existing.certificate_number != certificate_number:
        existing.certificate_number = certificate_number
        fields = ["certificate_number", "updated_at"]
        if existing.status == TrainingRecord.Status.REJECTED:
            # Withdrawn when its certificate was revoked (training_record_withdraw; course
            # records are never rejected otherwise): a new certificate restores it.
            existing.status = TrainingRecord.Status.APPROVED
            existing.decided_by = None
            existing.decided_at = timezone.now()
            existing.decision_note = ""
            fields += ["status", "decided_by", "decided_at", "decision_note"]
        existing.save(update_fields=fields)
        _record_changed(existing.pk)
        if "status" in fields:
            jp_years_refresh(employee_ids=[existing.employee_id])
    return existing


@transaction.atomic
def training_record_withdraw(
    *, record: TrainingRecord, reason: str, actor: User | None = None
) -> TrainingRecord:
    """Takes a record out of the approved set because what it rests on was withdrawn
    (e.g. lms revoked its certificate): it becomes REJECTED with `reason` as the note, so
    it stops counting toward JP, leaves the SIASN export and the transcript, and the
    change hooks (outbound webhook) fire. The caller has checked the permission (the
    revocation did). Idempotent: a record already rejected is returned unchanged."""
    record = TrainingRecord.objects.select_for_update().get(pk=record.pk)
    if record.status == TrainingRecord.Status.REJECTED:
        return record
    previous = record.status
    _status_set(
        record, status=TrainingRecord.Status.REJECTED, actor=actor, note=reason, action=REJECT
    )
    if previous == TrainingRecord.Status.APPROVED:
        jp_years_refresh(employee_ids=[record.employee_id])
    return record
