"""One door (satu pintu) for classroom batches: a supervisor nominates a report, or the
employee applies and the supervisor endorses; each OPD stays within its quota; HR selects,
waitlists or rejects with a reason; a withdrawal moves the waitlist up.

Every write that counts places locks the batch row first (select_for_update), so two
nominations racing for an OPD's last place, or two selections for the batch's last seat,
are decided one after the other."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify
from competencies.selectors.hr_scope import employee_in_hr_scope
from competencies.services.audit import audit_log
from lms.models import Batch, BatchUnitQuota, Enrolment, Nomination
from lms.selectors.classroom import batch_get_for_hr, nomination_eligibility_problems

if TYPE_CHECKING:
    from accounts.models import User
    from competencies.models import Employee, OrgUnit

NOMINATE_ACTION = "lms.classroom_nominate"
DECIDE_ACTION = "lms.classroom_nomination_decide"
WITHDRAW_ACTION = "lms.classroom_nomination_withdraw"


def _is_supervisor_of(actor: User, employee: Employee) -> bool:
    return employee.supervisor is not None and employee.supervisor.user_id == actor.pk


def _lock_batch(batch: Batch) -> Batch:
    return Batch.objects.select_for_update(of=("self",)).select_related("course").get(pk=batch.pk)


def _quota_for(batch: Batch, unit: OrgUnit | None) -> BatchUnitQuota | None:
    """The quota row covering the unit: its own, or its nearest ancestor's (the OPD)."""
    if unit is None:
        return None
    rows = [
        q for q in batch.unit_quotas.select_related("unit") if unit.path.startswith(q.unit.path)
    ]
    return max(rows, key=lambda q: len(q.unit.path), default=None)


def _check_open(batch: Batch) -> None:
    if not batch.is_registration_open:
        raise ValidationError(_("This batch is not taking nominations."))


def _check_eligible(batch: Batch, employee: Employee) -> None:
    problems = nomination_eligibility_problems(batch=batch, employee=employee)
    if problems:
        raise ValidationError(problems)


def _claim_quota(batch: Batch, employee: Employee, *, exclude_pk: int | None = None) -> OrgUnit:
    """The OPD whose quota the nomination uses, refused when it is used up. The batch row
    is locked by the caller."""
    if employee.unit is None:
        raise ValidationError(_("The employee has no unit, so no OPD can nominate them."))
    if not batch.unit_quotas.exists():
        return employee.unit
    quota = _quota_for(batch, employee.unit)
    if quota is None:
        raise ValidationError(
            _("%(unit)s has no quota in this batch.") % {"unit": employee.unit.name}
        )
    used = (
        Nomination.objects.filter(
            batch=batch,
            unit__path__startswith=quota.unit.path,
            status__in=Nomination.QUOTA_STATUSES,
        )
        .exclude(pk=exclude_pk or 0)
        .count()
    )
    if used >= quota.quota:
        raise ValidationError(
            _(
                "The quota of %(unit)s for this batch is %(quota)s and all %(quota)s places "
                "are taken."
            )
            % {"unit": quota.unit.name, "quota": quota.quota}
        )
    return quota.unit


def _notify(nomination: Nomination, event: str, *, user: User | None = None) -> None:
    batch = nomination.batch
    notify(
        user=user or nomination.employee.user,
        kind=NotificationKind.CLASSROOM,
        params={
            "event": event,
            "course": batch.course.title,
            "batch": batch.number,
            "name": nomination.employee.display_name,
            "reason": nomination.reason if event == "rejected" else "",
            "starts_on": batch.starts_on.isoformat(),
        },
        url=reverse("classroom:my"),
    )


def _existing(batch: Batch, employee: Employee) -> Nomination | None:
    nomination = Nomination.objects.filter(batch=batch, employee=employee).first()
    if nomination is not None and nomination.status not in (
        Nomination.Status.WITHDRAWN,
        Nomination.Status.REJECTED,
    ):
        raise ValidationError(
            _("%(name)s is already nominated for this batch.") % {"name": employee.display_name}
        )
    return nomination


def nomination_create(
    *, batch: Batch, employee: Employee, actor: User, reason: str = ""
) -> Nomination:
    """The supervisor (or an HR manager in scope) nominates an employee, within the
    OPD's quota and the batch's eligibility rules."""
    if not (
        _is_supervisor_of(actor, employee) or employee_in_hr_scope(user=actor, employee=employee)
    ):
        raise PermissionDenied
    with transaction.atomic():
        batch = _lock_batch(batch)
        _check_open(batch)
        _check_eligible(batch, employee)
        nomination = _existing(batch, employee) or Nomination(batch=batch, employee=employee)
        nomination.unit = _claim_quota(batch, employee, exclude_pk=nomination.pk)
        nomination.status = Nomination.Status.NOMINATED
        nomination.nominated_by = actor
        nomination.reason = reason.strip()
        nomination.decided_by = None
        nomination.decided_at = None
        nomination.full_clean()
        nomination.save()
        audit_log(instance=nomination, action=NOMINATE_ACTION, user=actor)
        _notify(nomination, "nominated")
    return nomination


def nomination_apply(*, batch: Batch, user: User, reason: str = "") -> Nomination:
    """The employee applies; the place is claimed when the supervisor endorses."""
    employee = getattr(user, "employee", None)
    if employee is None:
        raise PermissionDenied
    with transaction.atomic():
        batch = _lock_batch(batch)
        _check_open(batch)
        _check_eligible(batch, employee)
        if employee.unit is None:
            raise ValidationError(_("The employee has no unit, so no OPD can nominate them."))
        if employee.supervisor is None:
            raise ValidationError(
                _("You have no supervisor on record to endorse the application; ask HR.")
            )
        nomination = _existing(batch, employee) or Nomination(batch=batch, employee=employee)
        nomination.unit = employee.unit
        nomination.status = Nomination.Status.APPLIED
        nomination.nominated_by = user
        nomination.reason = reason.strip()
        nomination.full_clean()
        nomination.save()
        audit_log(instance=nomination, action=NOMINATE_ACTION, user=user)
        _notify(nomination, "applied", user=employee.supervisor.user)
    return nomination


def nomination_endorse(
    *, nomination: Nomination, actor: User, approve: bool, reason: str = ""
) -> Nomination:
    """The supervisor endorses an application (claiming the OPD's place) or declines it
    with a reason."""
    employee = nomination.employee
    if not _is_supervisor_of(actor, employee):
        raise PermissionDenied
    with transaction.atomic():
        batch = _lock_batch(nomination.batch)
        nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
        if nomination.status != Nomination.Status.APPLIED:
            raise ValidationError(_("This application has already been answered."))
        if approve:
            _check_open(batch)
            nomination.unit = _claim_quota(batch, employee, exclude_pk=nomination.pk)
            nomination.status = Nomination.Status.NOMINATED
            nomination.nominated_by = actor
        else:
            if not reason.strip():
                raise ValidationError(_("Give the reason for declining."))
            nomination.status = Nomination.Status.REJECTED
            nomination.reason = reason.strip()
            nomination.decided_by = actor
            nomination.decided_at = timezone.now()
        nomination.full_clean()
        nomination.save()
        audit_log(
            instance=nomination,
            action=NOMINATE_ACTION if approve else DECIDE_ACTION,
            user=actor,
            changes={"status": [Nomination.Status.APPLIED, nomination.status]},
        )
        _notify(nomination, "nominated" if approve else "rejected")
    return nomination


def _selected_count(batch: Batch) -> int:
    return batch.nominations.filter(status=Nomination.Status.SELECTED).count()


def _select(nomination: Nomination, actor: User | None) -> None:
    """Makes the nomination a participant: an enrolment in the course (through the
    enrolment service, so completion, JP and certificate follow the one path). An existing
    enrolment is reused as it is (an assignment keeps its own due date)."""
    from lms.services.enrolments import enrolment_create

    batch = nomination.batch
    nomination.status = Nomination.Status.SELECTED
    enrolment = enrolment_create(
        user=nomination.employee.user,
        course=batch.course,
        source=Enrolment.Source.ADMIN,
        actor=actor,
    )
    nomination.enrolment = enrolment


def nomination_decide(
    *, nomination: Nomination, actor: User, status: str, reason: str = ""
) -> Nomination:
    """HR selects, waitlists or rejects (with a reason) a nomination. Selection is
    refused past the batch's total quota: waitlist instead."""
    batch_get_for_hr(user=actor, pk=nomination.batch_id)
    allowed = (
        Nomination.Status.SELECTED,
        Nomination.Status.WAITLISTED,
        Nomination.Status.REJECTED,
    )
    if status not in allowed:
        raise ValidationError(_("Choose select, waitlist or reject."))
    with transaction.atomic():
        batch = _lock_batch(nomination.batch)
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("employee__user", "batch__course")
            .get(pk=nomination.pk)
        )
        if batch.status not in (Batch.Status.OPEN, Batch.Status.SELECTION, Batch.Status.RUNNING):
            raise ValidationError(_("Nominations of this batch can no longer be decided."))
        if nomination.status not in (
            Nomination.Status.NOMINATED,
            Nomination.Status.WAITLISTED,
            Nomination.Status.SELECTED,
        ):
            raise ValidationError(_("Only nominations endorsed by the OPD can be decided."))
        old = nomination.status
        if old == status:
            return nomination
        if status == Nomination.Status.REJECTED and not reason.strip():
            raise ValidationError(_("Give the reason for the rejection."))
        if status == Nomination.Status.SELECTED:
            if _selected_count(batch) >= batch.quota_total:
                raise ValidationError(
                    _(
                        "The batch's total quota of %(quota)s participants is full; "
                        "waitlist this nomination instead."
                    )
                    % {"quota": batch.quota_total}
                )
            _select(nomination, actor)
        else:
            nomination.status = status
            if old == Nomination.Status.SELECTED:
                _enrolment_withdraw(nomination)
        nomination.reason = reason.strip() or nomination.reason
        nomination.decided_by = actor
        nomination.decided_at = timezone.now()
        nomination.full_clean()
        nomination.save()
        audit_log(
            instance=nomination,
            action=DECIDE_ACTION,
            user=actor,
            changes={"status": [old, status]},
            note=reason.strip(),
        )
        _notify(nomination, status)
        if old == Nomination.Status.SELECTED:
            _promote_waitlist(batch, actor)
    return nomination


def _enrolment_withdraw(nomination: Nomination) -> None:
    enrolment = nomination.enrolment
    if enrolment is not None and enrolment.status == Enrolment.Status.ACTIVE:
        Enrolment.objects.filter(pk=enrolment.pk).update(
            status=Enrolment.Status.WITHDRAWN, updated_at=timezone.now()
        )


def _promote_waitlist(batch: Batch, actor: User | None) -> list[Nomination]:
    """Fills free seats from the waitlist, first come first served. The batch row is
    locked by the caller."""
    promoted: list[Nomination] = []
    free = batch.quota_total - _selected_count(batch)
    if free <= 0:
        return promoted
    waiting = (
        Nomination.objects.select_for_update(of=("self",))
        .filter(batch=batch, status=Nomination.Status.WAITLISTED)
        .select_related("employee__user", "batch__course")
        .order_by("decided_at", "created_at", "pk")[:free]
    )
    for nomination in waiting:
        _select(nomination, actor)
        nomination.decided_at = timezone.now()
        nomination.save()
        audit_log(
            instance=nomination,
            action=DECIDE_ACTION,
            user=actor,
            changes={"status": [Nomination.Status.WAITLISTED, Nomination.Status.SELECTED]},
            note="waitlist",
        )
        _notify(nomination, "promoted")
        promoted.append(nomination)
    return promoted


def nomination_withdraw(*, nomination: Nomination, actor: User, reason: str = "") -> Nomination:
    """The employee, their supervisor or HR withdraws a nomination; a freed seat goes to
    the first on the waitlist."""
    employee = nomination.employee
    allowed = (
        employee.user_id == actor.pk
        or _is_supervisor_of(actor, employee)
        or employee_in_hr_scope(user=actor, employee=employee)
    )
    if not allowed:
        raise PermissionDenied
    with transaction.atomic():
        batch = _lock_batch(nomination.batch)
        nomination = (
            Nomination.objects.select_for_update(of=("self",))
            .select_related("employee__user", "batch__course", "enrolment")
            .get(pk=nomination.pk)
        )
        if nomination.status in (Nomination.Status.WITHDRAWN, Nomination.Status.REJECTED):
            return nomination
        if batch.status in (Batch.Status.FINISHED, Batch.Status.CANCELLED):
            raise ValidationError(_("The batch is over; nothing to withdraw from."))
        old = nomination.status
        nomination.status = Nomination.Status.WITHDRAWN
        nomination.reason = reason.strip() or nomination.reason
        nomination.full_clean()
        nomination.save()
        if old == Nomination.Status.SELECTED:
            _enrolment_withdraw(nomination)
        audit_log(
            instance=nomination,
            action=WITHDRAW_ACTION,
            user=actor,
            changes={"status": [old, Nomination.Status.WITHDRAWN]},
            note=reason.strip(),
        )
        _notify(nomination, "withdrawn")
        if old == Nomination.Status.SELECTED:
            _promote_waitlist(batch, actor)
    return nomination
