"""Attendance (presensi) of classroom sessions: the rotating QR token, the participant's
check-in, the committee's list and HR's corrections.

The QR token is signed with Django's TimestampSigner over "<session id>:<time slot>"; a new
slot starts every CLASSROOM_QR_SLOT_SECONDS and a token is accepted for two slots, so a
photo sent to an absent colleague stops working within a minute. One row per participant
and session (a unique constraint): a second check-in, or two committee phones at once,
leave that one row."""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from competencies.services.audit import audit_log, changes_between, snapshot
from lms.models import Attendance, Batch, Nomination, Session
from lms.selectors.classroom import batch_get_for_hr, nomination_get_for_scan
from lms.services import xapi
from lms.services.classroom import require_committee_or_hr

if TYPE_CHECKING:
    from accounts.models import User

CORRECT_ACTION = "lms.classroom_attendance_correct"
QR_SALT = "lms.classroom.qr"
PERSONAL_SALT = "lms.classroom.personal-qr"
CODE_SALT = "lms.classroom.virtual-code"
CODE_DIGITS = 6


def _slot(now: datetime.datetime) -> int:
    return int(now.timestamp()) // settings.CLASSROOM_QR_SLOT_SECONDS


def _token_make(*, salt: str, value: str, now: datetime.datetime) -> str:
    # The signer's own timestamp is "now" of the server; sign the slot too so two
    # tokens of one slot are the same string (the screen may refresh more often).
    return signing.TimestampSigner(salt=salt).sign(f"{value}.{_slot(now)}")


def _token_open(*, salt: str, token: str, now: datetime.datetime, invalid: str) -> str:
    """The value signed in a rotating token; refuses a forged token (`invalid`) and one
    older than two slots."""
    try:
        value = signing.TimestampSigner(salt=salt).unsign(token)
    except signing.BadSignature as exc:
        raise ValidationError(invalid, code="invalid") from exc
    value, _sep, slot = value.rpartition(".")
    try:
        age = _slot(now) - int(slot)
    except ValueError as exc:
        raise ValidationError(invalid, code="invalid") from exc
    if age < 0 or age > 1:
        raise ValidationError(
            _("This QR code has expired. Scan the code on the screen again."), code="expired"
        )
    return value


def checkin_token_make(*, session: Session, now: datetime.datetime | None = None) -> str:
    """The token the committee's screen shows now for the session."""
    return _token_make(salt=QR_SALT, value=str(session.pk), now=now or timezone.now())


def checkin_token_check(
    *, session: Session, token: str, now: datetime.datetime | None = None
) -> None:
    """Refuses (ValidationError, with the reason) a token that is forged, from another
    session or older than two slots."""
    session_id = _token_open(
        salt=QR_SALT,
        token=token,
        now=now or timezone.now(),
        invalid=_("This QR code is not valid. Scan the code on the screen in the room."),
    )
    if session_id != str(session.pk):
        raise ValidationError(
            _("This QR code belongs to another session. Scan the code of this session."),
            code="other_session",
        )


def checkin_window(*, session: Session) -> tuple[datetime.datetime, datetime.datetime]:
    opens = session.starts_at - datetime.timedelta(minutes=settings.CLASSROOM_CHECKIN_OPENS_MINUTES)
    return opens, session.ends_at


def _check_window(session: Session, now: datetime.datetime) -> None:
    opens, closes = checkin_window(session=session)
    if not opens <= now <= closes:
        raise ValidationError(
            _("Check-in for this session is open from %(opens)s to %(closes)s.")
            % {
                "opens": timezone.localtime(opens).strftime("%H:%M"),
                "closes": timezone.localtime(closes).strftime("%H:%M"),
            },
            code="window",
        )


@dataclass(frozen=True)
class CheckIn:
    attendance: Attendance
    created: bool


def _session_with_batch(session: Session) -> Session:
    """The session with its batch: the check-in views read both (with the course the
    page shows) in one query, so nothing is read again here."""
    if Session.batch.is_cached(session):
        return session
    return Session.objects.select_related("batch").get(pk=session.pk)


def _insert_present(
    *,
    session: Session,
    by: User,
    method: str,
    now: datetime.datetime,
    nomination_id: int | None = None,
    user_id: int | None = None,
) -> Attendance | None:
    """ONE statement records the participant (issue 17: 500 check-ins in five minutes
    must never queue): INSERT … SELECT from the batch's SELECTED nomination (of
    `nomination_id`, or of the employee signed in as `user_id`) … ON CONFLICT DO NOTHING
    on the one-row-per-session constraint. So the selection and the once-per-session rule
    are checked by the database in the same statement, a double tap or two committee
    phones at once leave one row, and no lock is held past the statement. Present, or
    late past the late mark. Returns the new row, or None when nothing was inserted
    (already recorded, or no selected nomination: the caller reads which)."""
    from competencies.models import Employee

    late = now > session.starts_at + datetime.timedelta(
        minutes=settings.CLASSROOM_LATE_AFTER_MINUTES
    )
    status = Attendance.Status.TERLAMBAT if late else Attendance.Status.HADIR
    qn = connection.ops.quote_name

    def col(model: type[models.Model], name: str) -> str:
        field = model._meta.get_field(name)
        if not isinstance(field, models.Field) or not field.column:  # concrete columns only
            raise TypeError(f"{model.__name__}.{name} has no column")
        return qn(field.column)

    att, nom, emp = Attendance._meta, Nomination._meta, Employee._meta
    columns = ", ".join(
        col(Attendance, name)
        for name in (
            "session",
            "nomination",
            "status",
            "method",
            "checked_in_at",
            "recorded_by",
            "note",
            "updated_at",
        )
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    nomination_pk = f"n.{col(Nomination, 'id')}"
    who_param: int | None
    if user_id is not None:
        source = (
            f"{qn(nom.db_table)} n INNER JOIN {qn(emp.db_table)} e"
            f" ON e.{col(Employee, 'id')} = n.{col(Nomination, 'employee')}"
        )
        who, who_param = f"e.{col(Employee, 'user')} = %s", user_id
    else:
        source = f"{qn(nom.db_table)} n"
        who, who_param = f"{nomination_pk} = %s", nomination_id
    sql = (
        f"INSERT INTO {qn(att.db_table)} ({columns})"  # noqa: S608  # nosec B608 - names from _meta; values are parameters
        f" SELECT %s, {nomination_pk}, %s, %s, %s, %s, '', %s FROM {source}"
        f" WHERE n.{col(Nomination, 'batch')} = %s"
        f" AND n.{col(Nomination, 'status')} = %s AND {who}"
        f" ON CONFLICT ({col(Attendance, 'session')},"
        f" {col(Attendance, 'nomination')}) DO NOTHING"
        f" RETURNING {col(Attendance, 'id')}, {col(Attendance, 'nomination')}"
    )
    params: list[Any] = [
        session.pk,
        status,
        method,
        stamp,
        by.pk,
        stamp,
        session.batch_id,
        Nomination.Status.SELECTED,
        who_param,
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    attendance = Attendance(
        pk=row[0],
        session=session,
        nomination_id=row[1],
        status=status,
        method=method,
        checked_in_at=now,
        recorded_by=by,
        note="",
        updated_at=now,
    )
    attendance._state.adding = False
    attendance._state.db = connection.alias
    return attendance


def _record_present(
    *,
    session: Session,
    by: User,
    method: str,
    now: datetime.datetime,
    nomination: Nomination | None = None,
    user: User | None = None,
) -> CheckIn:
    """One row per participant and session: the INSERT above; when it inserts nothing,
    one read returns the first row ("already recorded, nothing changed") or finds that
    the person is not (or no longer) a selected participant. The xAPI statement, when an
    LRS is configured, is written in the same transaction (its outbox)."""
    insert = functools.partial(
        _insert_present,
        session=session,
        by=by,
        method=method,
        now=now,
        nomination_id=nomination.pk if nomination is not None else None,
        user_id=user.pk if user is not None else None,
    )
    if xapi.xapi_enabled():
        with transaction.atomic():
            attendance = insert()
            if attendance is not None:
                xapi.xapi_record_attendance(attendance=attendance)
    else:
        attendance = insert()  # one statement: its own transaction
    if attendance is not None:
        if nomination is not None:
            attendance.nomination = nomination
        return CheckIn(attendance, True)
    first = Attendance.objects.filter(
        session=session,
        nomination__batch_id=session.batch_id,
        nomination__status=Nomination.Status.SELECTED,
    )
    if nomination is not None:
        first = first.filter(nomination_id=nomination.pk)
    elif user is not None:
        first = first.filter(nomination__employee__user_id=user.pk)
    else:
        raise TypeError("_record_present needs a nomination or a user")
    existing = first.first()
    if existing is None:
        if nomination is not None:
            raise ValidationError(
                _("%(name)s is not a selected participant of this batch.")
                % {"name": nomination.employee.display_name},
                code="not_selected",
            )
        raise ValidationError(
            _("You are not a selected participant of this batch."), code="not_selected"
        )
    if nomination is not None:
        existing.nomination = nomination
    existing.session = session
    return CheckIn(existing, False)


def _self_check_in(*, session: Session, user: User, method: str, now: datetime.datetime) -> CheckIn:
    session = _session_with_batch(session)
    if session.batch.status != Batch.Status.RUNNING:
        raise ValidationError(_("Check-in is not open: the batch is not running."))
    _check_window(session, now)
    return _record_present(session=session, user=user, by=user, method=method, now=now)


def attendance_check_in(
    *, session: Session, user: User, token: str, now: datetime.datetime | None = None
) -> CheckIn:
    """The participant's own check-in with the room's QR token: only within the window,
    only for a selected participant, once (a second one returns the first row)."""
    now = now or timezone.now()
    checkin_token_check(session=session, token=token, now=now)
    return _self_check_in(session=session, user=user, method=Attendance.Method.QR, now=now)


# --- the participant's personal QR (the committee scans it) -------------------------------


def personal_token_make(*, nomination: Nomination, now: datetime.datetime | None = None) -> str:
    """The token of the participant's personal QR: it names the participant and the
    batch and rotates like the room's code, so a screenshot stops working within a
    minute."""
    return _token_make(
        salt=PERSONAL_SALT,
        value=f"{nomination.pk}:{nomination.batch_id}",
        now=now or timezone.now(),
    )


@dataclass(frozen=True)
class PersonalScan:
    """What the committee's phone shows after scanning a personal QR."""

    nomination: Nomination
    session: Session


def personal_token_read(
    *, token: str, actor: User, now: datetime.datetime | None = None
) -> PersonalScan:
    """Checks a scanned personal QR for the committee member (or HR in scope) of its
    batch: a valid, fresh token of a selected participant of a running batch with a
    session open for check-in now. Records nothing."""
    now = now or timezone.now()
    invalid = _("This is not a participant's check-in QR code.")
    value = _token_open(salt=PERSONAL_SALT, token=token, now=now, invalid=invalid)
    nomination_id, _sep, batch_id = value.partition(":")
    try:
        nomination = nomination_get_for_scan(
            pk=int(nomination_id or 0), batch_id=int(batch_id or 0), actor=actor
        )
    except ValueError as exc:
        raise ValidationError(invalid, code="invalid") from exc
    if nomination is None:
        raise ValidationError(invalid, code="invalid")
    batch = nomination.batch
    # `scanned_by_committee` is annotated by the selector: read with the nomination, one
    # query less.
    if not getattr(nomination, "scanned_by_committee", False):
        require_committee_or_hr(batch=batch, user=actor)
    if nomination.status != Nomination.Status.SELECTED:
        raise ValidationError(
            _("%(name)s is not a selected participant of this batch.")
            % {"name": nomination.employee.display_name},
            code="not_selected",
        )
    if batch.status != Batch.Status.RUNNING:
        raise ValidationError(_("Check-in is not open: the batch is not running."))
    # The batch's session whose check-in window is open now (the earliest, if two are).
    opens = now + datetime.timedelta(minutes=settings.CLASSROOM_CHECKIN_OPENS_MINUTES)
    local = timezone.localtime(now)
    candidates = Session.objects.filter(batch=batch, date=local.date()).order_by("start_time")
    for session in candidates:
        if session.starts_at <= opens and now <= session.ends_at:
            session.batch = batch
            return PersonalScan(nomination, session)
    raise ValidationError(_("No session of this batch is open for check-in now."), code="window")


def attendance_check_in_personal(
    *, token: str, actor: User, now: datetime.datetime | None = None
) -> CheckIn:
    """The committee scans the participant's personal QR and confirms: the participant
    is recorded present (or late) at the batch's session open now, once."""
    now = now or timezone.now()
    scan = personal_token_read(token=token, actor=actor, now=now)
    return _record_present(
        session=scan.session,
        nomination=scan.nomination,
        by=actor,
        method=Attendance.Method.PERSONAL_QR,
        now=now,
    )


# --- the virtual session's check-in code --------------------------------------------------


def session_is_virtual(session: Session) -> bool:
    """A session held online: it has a meeting link, or its batch is virtual."""
    return bool(session.meeting_url) or session.batch.mode == Batch.Mode.VIRTUAL


def _code_slot(now: datetime.datetime) -> int:
    return int(now.timestamp()) // settings.CLASSROOM_CODE_SLOT_SECONDS


def _code_for(session: Session, slot: int) -> str:
    digest = salted_hmac(CODE_SALT, f"{session.pk}.{slot}", algorithm="sha256").hexdigest()
    return f"{int(digest[:12], 16) % 10**CODE_DIGITS:0{CODE_DIGITS}d}"


def checkin_code_make(*, session: Session, now: datetime.datetime | None = None) -> str:
    """The short code the host of a virtual session shows now; it changes every
    CLASSROOM_CODE_SLOT_SECONDS and is accepted in its slot and the next."""
    return _code_for(session, _code_slot(now or timezone.now()))


def checkin_code_check(
    *, session: Session, code: str, now: datetime.datetime | None = None
) -> None:
    slot = _code_slot(now or timezone.now())
    code = "".join(code.split())
    if not any(constant_time_compare(code, _code_for(session, s)) for s in (slot, slot - 1)):
        raise ValidationError(
            _("This check-in code is wrong or has expired. Enter the code the host shows now."),
            code="invalid",
        )


def attendance_check_in_code(
    *, session: Session, user: User, code: str, now: datetime.datetime | None = None
) -> CheckIn:
    """The participant of a virtual session checks in with the host's code: only within
    the window, only for a selected participant, once."""
    now = now or timezone.now()
    session = _session_with_batch(session)
    if not session_is_virtual(session):
        raise ValidationError(
            _("This session is held in a room: scan the QR code shown there."), code="not_virtual"
        )
    checkin_code_check(session=session, code=code, now=now)
    return _self_check_in(
        session=session, user=user, method=Attendance.Method.VIRTUAL_CODE, now=now
    )


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
