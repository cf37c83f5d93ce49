"""Batches and their timetable (docs/classroom.md): the batch's status moves, a session
saved with its default JP and revision, and what finishing or cancelling a batch does.
Nominations are in classroom_nominations, attendance in classroom_attendance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind
from accounts.services import notify_many
from competencies.services.audit import audit_log
from lms.models import Batch, Nomination, Session
from lms.selectors.classroom import batch_get_for_hr, session_default_jp
from lms.services.development_plan import plan_realisation_changed

if TYPE_CHECKING:
    from accounts.models import User

STATUS_ACTION = "lms.classroom_batch_status"
SESSION_ACTION = "lms.classroom_session_save"

# The session fields whose change sends participants an updated invitation.
SESSION_CALENDAR_FIELDS = ("date", "start_time", "end_time", "topic", "room", "meeting_url")


def batch_status_change(*, batch: Batch, actor: User, status: str) -> Batch:
    """Moves the batch along its allowed transitions (Batch.TRANSITIONS). Finishing
    settles every participant's completion by attendance; cancelling notifies the
    nominees and withdraws their invitations (the .ics of a cancelled batch is CANCELLED)."""
    batch_get_for_hr(user=actor, pk=batch.pk)  # HR in scope, else 403/404
    with transaction.atomic():
        batch = (
            Batch.objects.select_for_update(of=("self",)).select_related("course").get(pk=batch.pk)
        )
        if status not in Batch.TRANSITIONS[batch.status]:
            raise ValidationError(
                _("A batch cannot go from %(old)s to %(new)s.")
                % {
                    "old": batch.get_status_display(),
                    "new": Batch.Status(status).label if status in Batch.Status else status,
                }
            )
        old = batch.status
        batch.status = status
        batch.full_clean()
        batch.save(update_fields=["status", "updated_at"])
        audit_log(
            instance=batch, action=STATUS_ACTION, user=actor, changes={"status": [old, status]}
        )
        if status == Batch.Status.CANCELLED:
            Session.objects.filter(batch=batch).update(sequence=F("sequence") + 1)
            _notify_batch(batch, event="cancelled")
        elif status == Batch.Status.FINISHED:
            batch_id = batch.pk
            transaction.on_commit(lambda: batch_completions_settle(batch_id=batch_id))
        if status in (Batch.Status.FINISHED, Batch.Status.CANCELLED):
            plan_realisation_changed(batch_id=batch.pk)  # batches held, for the public
    return batch


def batch_completions_settle(*, batch_id: int) -> int:
    """Runs the completion engine for every selected participant of a finished batch;
    returns how many completed. Safe to run twice (the engine completes once)."""
    from lms.services.enrolments import enrolment_completion_check

    completed = 0
    nominations = Nomination.objects.filter(
        batch_id=batch_id, status=Nomination.Status.SELECTED, enrolment__isnull=False
    ).select_related("enrolment")
    for nomination in nominations:
        if nomination.enrolment is None:
            continue
        enrolment = enrolment_completion_check(enrolment=nomination.enrolment)
        completed += int(enrolment.is_completed)
    return completed


def _notify_batch(batch: Batch, *, event: str) -> None:
    """The same notice to everyone nominated (not rejected or withdrawn)."""
    user_ids = list(
        batch.nominations.exclude(
            status__in=[Nomination.Status.REJECTED, Nomination.Status.WITHDRAWN]
        ).values_list("employee__user_id", flat=True)
    )
    notify_many(
        user_ids=user_ids,
        kind=NotificationKind.CLASSROOM,
        params={"event": event, "course": batch.course.title, "batch": batch.number},
        url=reverse("classroom:my"),
        dedupe_prefix=f"classroom:{batch.pk}:{event}",
    )


def session_save(*, session: Session, actor: User, trainer_ids: list[int] | None = None) -> Session:
    """Saves a session of a batch in the actor's scope: the JP defaults to the minutes /
    45; a change of time or place bumps `sequence` (the .ics SEQUENCE) and tells the
    selected participants their calendar changed. Conflicts are not refused, only shown
    (lms.selectors.classroom.session_conflicts)."""
    batch_get_for_hr(user=actor, pk=session.batch_id)
    if session.batch.status in (Batch.Status.FINISHED, Batch.Status.CANCELLED):
        raise ValidationError(_("The timetable of a finished or cancelled batch is closed."))
    if session.jp is None and session.start_time and session.end_time and session.date:
        session.jp = session_default_jp(minutes=session.minutes)
    session.full_clean()
    with transaction.atomic():
        changed: dict[str, list] = {}
        if session.pk:
            before = Session.objects.select_for_update().get(pk=session.pk)
            changed = {
                f: [str(getattr(before, f)), str(getattr(session, f))]
                for f in (*SESSION_CALENDAR_FIELDS, "jp")
                if getattr(before, f) != getattr(session, f)
            }
            if any(f in changed for f in SESSION_CALENDAR_FIELDS):
                session.sequence = before.sequence + 1
        session.save()
        if trainer_ids is not None:
            session.trainers.set(trainer_ids)
        audit_log(
            instance=session,
            action=SESSION_ACTION,
            user=actor,
            changes=changed or {"topic": ["", session.topic]},
        )
        if session.sequence and any(f in changed for f in SESSION_CALENDAR_FIELDS):
            batch = session.batch
            notify_many(
                user_ids=list(
                    batch.nominations.filter(status=Nomination.Status.SELECTED).values_list(
                        "employee__user_id", flat=True
                    )
                ),
                kind=NotificationKind.CLASSROOM,
                params={
                    "event": "rescheduled",
                    "course": batch.course.title,
                    "batch": batch.number,
                    "topic": session.topic,
                },
                url=reverse("classroom:my"),
                dedupe_prefix=f"classroom:s{session.pk}:{session.sequence}",
            )
    return session


def require_committee_or_hr(*, batch: Batch, user: User) -> None:
    from lms.selectors.classroom import batch_is_committee

    if batch_is_committee(batch=batch, user=user):
        return
    if user.has_perm("portal.access_hr"):
        batch_get_for_hr(user=user, pk=batch.pk)
        return
    raise PermissionDenied
