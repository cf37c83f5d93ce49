"""Attendance (presensi) of classroom sessions: the rotating QR token, the participant's
check-in, the committee's list and HR's corrections.

The QR token is signed with Django's TimestampSigner over "<session id>:<time slot>"; a new
slot starts every CLASSROOM_QR_SLOT_SECONDS and a token is accepted for two slots, so a
photo sent to an absent colleague stops working within a minute. One row per participant
and session (a unique constraint): a second check-in, or two committee phones at once,
leave that one row."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.services.audit import audit_log, changes_between, snapshot
from lms.models import Attendance, Batch, Nomination, Session
from lms.selectors.classroom import batch_get_for_hr
from lms.services import xapi
from lms.services.classroom import require_committee_or_hr

if TYPE_CHECKING:
    from accounts.models import User

CORRECT_ACTION = "lms.classroom_attendance_correct"
QR_SALT = "lms.classroom.qr"


def _slot(now: datetime.datetime) -> int:
    return int(now.timestamp()) // settings.CLASSROOM_QR_SLOT_SECONDS


def checkin_token_make(*, session: Session, now: datetime.datetime | None = None) -> str:
    """The token the committee's screen shows now for the session."""
    now = now or timezone.now()
    signer = signing.TimestampSigner(salt=QR_SALT)
    # The signer's own timestamp is "now" of the server; sign the slot too so two
    # tokens of one slot are the same string (the screen may refresh more often).
    return signer.sign(f"{session.pk}.{_slot(now)}")


def checkin_token_check(
    *, session: Session, token: str, now: datetime.datetime | None = None
) -> None:
    """Refuses (ValidationError, with the reason) a token that is forged, from another
    session or older than two slots."""
    now = now or timezone.now()
    signer = signing.TimestampSigner(salt=QR_SALT)
    try:
        value = signer.unsign(token)
    except signing.BadSignature as exc:
        raise ValidationError(
            _("This QR code is not valid. Scan the code on the screen in the room."),
            code="invalid",
        ) from exc
    session_id, _sep, slot = value.partition(".")
    if session_id != str(session.pk):
        raise ValidationError(
            _("This QR code belongs to another session. Scan the code of this session."),
            code="other_session",
        )
    try:
        age = _slot(now) - int(slot)
    except ValueError as exc:
        raise ValidationError(_("This QR code is not valid."), code="invalid") from exc
    if age < 0 or age > 1:
        raise ValidationError(
            _("This QR code has expired. Scan the code on the screen again."), code="expired"
        )


def checkin_window(*, session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    opens = session.starts_at - datetime.timedelta(minutes=settings.CLASSROOM_CHECKIN_OPENS_MINUTES)
    return opens, session.ends_at


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    created: bool


def attendance_check_in(
    *, session: Session, user: User, token: str, now: datetime.datetime | None = None
) -> CheckIn:
    """The participant's own check-in with the room's QR token: only within the window,
    only for a selected participant, once (a second one returns the first row)."""
    now = now or timezone.now()
    checkin_token_check(session=session, token=token, now=now)
    session = Session.objects.select_related("batch").get(pk=session.pk)
    if session.batch.status != Batch.Status.RUNNING:
        raise ValidationError(_("Check-in is not open: the batch is not running."))
    opens, closes = checkin_window(session=session)
    if not opens <= now <= closes:
        raise ValidationError(
            _("Check-in for this session is open from %(opens)s to %(closes)s.")
            % {
                "opens": timezone.localtime(opens).strftime("%H:%M"),
                "closes": timezone.localtime(closes).strftime("%H:%M"),
            }
        )
    nomination = Nomination.objects.filter(
        batch_id=session.batch_id, employee__user_id=user.pk, status=Nomination.Status.SELECTED
    ).first()
    if nomination is None:
        raise ValidationError(_("You are not a selected participant of this batch."))
    late = now > session.starts_at + datetime.timedelta(
        minutes=settings.CLASSROOM_LATE_AFTER_MINUTES
    )
    existing = Attendance.objects.filter(session=session, nomination=nomination).first()
    if existing is not None:
        return CheckIn(existing, False)
    attendance = Attendance(
        session=session,
        nomination=nomination,
        status=Attendance.Status.TERLAMBAT if late else Attendance.Status.HADIR,
        method=Attendance.Method.QR,
        checked_in_at=now,
        recorded_by=user,
    )
    try:
        with transaction.atomic():
            attendance.save()
            xapi.xapi_record_attendance(attendance=attendance)
    except IntegrityError:
        # A double tap that raced the look-up above: the first row stands.
        return CheckIn(Attendance.objects.get(session=session, nomination=nomination), False)
    return CheckIn(attendance, True)


def attendance_mark(
    *,
    session: Session,
    nomination: Nomination,
    actor: User,
    status: str,
    now: datetime.datetime | None = None,
) -> Attendance:
    """The committee ticks a participant on its phone list (or sets izin/sakit/alfa).
    Two phones at once end in one row with the last status."""
    session = Session.objects.select_related("batch").get(pk=session.pk)
    require_committee_or_hr(batch=session.batch, user=actor)
    if nomination.batch_id != session.batch_id or nomination.status != Nomination.Status.SELECTED:
        raise ValidationError(_("Only the batch's selected participants have attendance."))
    if session.batch.status != Batch.Status.RUNNING:
        raise ValidationError(_("Attendance is recorded while the batch is running."))
    if status not in Attendance.Status.values:
        raise ValidationError(_("Unknown attendance status."))
    now = now or timezone.now()
    present = status in Attendance.PRESENT
    for _attempt in range(2):
        try:
            with transaction.atomic():
                attendance, created = Attendance.objects.select_for_update().get_or_create(
                    session=session,
                    nomination=nomination,
                    defaults={
                        "status": status,
                        "method": Attendance.Method.COMMITTEE,
                        "checked_in_at": now if present else None,
                        "recorded_by": actor,
                    },
                )
                if not created and attendance.status != status:
                    attendance.status = status
                    attendance.method = Attendance.Method.COMMITTEE
                    attendance.recorded_by = actor
                    attendance.checked_in_at = (
                        (attendance.checked_in_at or now) if present else None
                    )
                    attendance.save()
                xapi.xapi_record_attendance(attendance=attendance)
                return attendance
        except IntegrityError:
            continue  # the other phone inserted first: update its row
    raise ValidationError(_("The attendance could not be saved; try again."))


def attendance_correct(
    *, session: Session, nomination: Nomination, actor: User, status: str, reason: str
) -> Attendance:
    """HR corrects a participant's attendance, with a reason, audited. After the batch
    has finished the participant's completion is settled again."""
    session = Session.objects.select_related("batch").get(pk=session.pk)
    nomination = Nomination.objects.select_related("enrolment").get(pk=nomination.pk)
    batch_get_for_hr(user=actor, pk=session.batch_id)
    if not actor.has_perm("portal.access_hr"):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Give the reason for the correction."))
    if nomination.batch_id != session.batch_id or nomination.status != Nomination.Status.SELECTED:
        raise ValidationError(_("Only the batch's selected participants have attendance."))
    if status not in Attendance.Status.values:
        raise ValidationError(_("Unknown attendance status."))
    with transaction.atomic():
        attendance = (
            Attendance.objects.select_for_update()
            .filter(session=session, nomination=nomination)
            .first()
        )
        if attendance is None:
            attendance = Attendance(session=session, nomination=nomination, status="")
        before = snapshot(attendance, ("status",))
        attendance.status = status
        attendance.method = Attendance.Method.CORRECTION
        attendance.recorded_by = actor
        attendance.note = reason.strip()
        if status in Attendance.PRESENT and attendance.checked_in_at is None:
            attendance.checked_in_at = session.starts_at
        attendance.full_clean()
        attendance.save()
        xapi.xapi_record_attendance(attendance=attendance)
        audit_log(
            instance=attendance,
            action=CORRECT_ACTION,
            user=actor,
            changes=changes_between(before, snapshot(attendance, ("status",))),
            note=reason.strip(),
        )
        enrolment = nomination.enrolment
        if session.batch.status == Batch.Status.FINISHED and enrolment is not None:
            from lms.services.enrolments import enrolment_completion_check

            transaction.on_commit(lambda: enrolment_completion_check(enrolment=enrolment))
    return attendance
