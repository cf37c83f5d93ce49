"""Rotating QR check-in (expiry, other session, forged, replay), the window, late marks,
the committee list and HR corrections."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

import pytest

from lms.models import Attendance, Batch, Nomination
from lms.services.classroom_attendance import (
    attendance_check_in,
    attendance_correct,
    attendance_mark,
    checkin_token_make,
)
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.lms import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(batch, supervisor, staff, hr):
    """The batch running with staff[0] selected and one session from 08:00 to 09:30
    today; `at(h, m)` is a time of that day."""
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.status = Batch.Status.RUNNING
    batch.save()
    session = SessionFactory(batch=batch)
    return session, Nomination.objects.get(pk=nomination.pk)


def at(hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute, second))
    )


def test_check_in_with_a_fresh_token_records_present_once(running, staff):
    session, nomination = running
    now = at(7, 55)
    token = checkin_token_make(session=session, now=now)
    first = attendance_check_in(session=session, user=staff[0].user, token=token, now=now)
    again = attendance_check_in(
        session=session, user=staff[0].user, token=token, now=now + datetime.timedelta(seconds=5)
    )
    assert first.created and not again.created
    assert first.attendance.status == Attendance.Status.HADIR
    assert Attendance.objects.filter(session=session, nomination=nomination).count() == 1


def test_a_check_in_after_the_late_mark_is_late(running, staff):
    session, _nomination = running
    now = at(8, 20)
    token = checkin_token_make(session=session, now=now)
    result = attendance_check_in(session=session, user=staff[0].user, token=token, now=now)
    assert result.attendance.status == Attendance.Status.TERLAMBAT


def test_an_expired_token_is_refused_and_records_nothing(running, staff):
    session, _nomination = running
    shown = at(8, 0)
    token = checkin_token_make(session=session, now=shown)
    with pytest.raises(ValidationError, match="expired") as exc:
        attendance_check_in(
            session=session,
            user=staff[0].user,
            token=token,
            now=shown + datetime.timedelta(seconds=65),
        )
    assert exc.value.code == "expired"
    assert not Attendance.objects.exists()


def test_a_token_of_another_session_is_refused(running, staff):
    session, _nomination = running
    other = SessionFactory(
        batch=session.batch, start_time=datetime.time(10), end_time=datetime.time(11)
    )
    now = at(8, 0)
    with pytest.raises(ValidationError, match="another session"):
        attendance_check_in(
            session=session,
            user=staff[0].user,
            token=checkin_token_make(session=other, now=now),
            now=now,
        )
    assert not Attendance.objects.exists()


def test_a_forged_token_is_refused(running, staff):
    session, _nomination = running
    with pytest.raises(ValidationError, match="not valid"):
        attendance_check_in(
            session=session, user=staff[0].user, token=f"{session.pk}.1:forged", now=at(8)
        )


def test_check_in_outside_the_window_is_refused(running, staff):
    session, _nomination = running
    now = at(7, 0)
    with pytest.raises(ValidationError, match="open from 07:30 to 09:30"):
        attendance_check_in(
            session=session,
            user=staff[0].user,
            token=checkin_token_make(session=session, now=now),
            now=now,
        )


def test_only_selected_participants_check_in(running, staff):
    session, _nomination = running
    now = at(8, 0)
    with pytest.raises(ValidationError, match="not a selected participant"):
        attendance_check_in(
            session=session,
            user=staff[1].user,
            token=checkin_token_make(session=session, now=now),
            now=now,
        )


def test_two_committee_marks_leave_one_row_with_the_last_status(running, hr):
    session, nomination = running
    session.batch.committee.add(hr)
    attendance_mark(session=session, nomination=nomination, actor=hr, status="hadir")
    attendance_mark(session=session, nomination=nomination, actor=hr, status="izin")
    row = Attendance.objects.get()
    assert row.status == Attendance.Status.IZIN
    assert row.checked_in_at is None


def test_hr_correction_needs_a_reason_and_is_audited(running, hr):
    from wagtail.models import ModelLogEntry

    session, nomination = running
    with pytest.raises(ValidationError, match="reason"):
        attendance_correct(
            session=session, nomination=nomination, actor=hr, status="sakit", reason=""
        )
    row = attendance_correct(
        session=session,
        nomination=nomination,
        actor=hr,
        status="sakit",
        reason="Surat dokter",
    )
    assert row.method == Attendance.Method.CORRECTION
    entry = ModelLogEntry.objects.get(action="lms.classroom_attendance_correct")
    assert entry.data["note"] == "Surat dokter"
    assert entry.data["changes"]["status"] == ["", "sakit"]
