"""The participant's personal QR (scanned by the committee) and the virtual session's
check-in code: expiry, forgery, the window, who may scan, once per session, the rate
limit on codes."""

from __future__ import annotations

import datetime
import re

from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

import pytest

from lms.models import Attendance, Batch, Nomination
from lms.services.classroom_attendance import (
    attendance_check_in_code,
    attendance_check_in_personal,
    checkin_code_make,
    personal_token_make,
    personal_token_read,
)
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.accounts import UserFactory
from tests.factories.lms import SessionFactory

pytestmark = pytest.mark.django_db


def at(hour: int, minute: int = 0, second: int = 0) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate(), datetime.time(hour, minute, second))
    )


@pytest.fixture
def committee(db):
    return UserFactory()


@pytest.fixture
def running(batch, supervisor, staff, hr, committee):
    """staff[0] selected, the batch running with `committee` as its panitia and one
    session from 08:00 to 09:30 today."""
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.status = Batch.Status.RUNNING
    batch.save()
    batch.committee.add(committee)
    session = SessionFactory(batch=batch)
    return session, Nomination.objects.select_related("batch").get(pk=nomination.pk)


# --- personal QR ------------------------------------------------------------------------


def test_committee_scans_a_personal_qr_and_records_present_once(running, committee):
    session, nomination = running
    token = personal_token_make(nomination=nomination, now=at(7, 50))
    first = attendance_check_in_personal(token=token, actor=committee, now=at(7, 50, 10))
    again = attendance_check_in_personal(token=token, actor=committee, now=at(7, 50, 20))
    assert first.created and not again.created
    assert first.attendance.session_id == session.pk
    assert first.attendance.status == Attendance.Status.HADIR
    assert first.attendance.method == Attendance.Method.PERSONAL_QR
    assert Attendance.objects.count() == 1


def test_a_personal_qr_scanned_after_the_late_mark_is_late(running, committee):
    _session, nomination = running
    now = at(8, 30)
    token = personal_token_make(nomination=nomination, now=now)
    result = attendance_check_in_personal(token=token, actor=committee, now=now)
    assert result.attendance.status == Attendance.Status.TERLAMBAT


def test_an_expired_personal_qr_is_refused_and_records_nothing(running, committee):
    _session, nomination = running
    token = personal_token_make(nomination=nomination, now=at(8, 0))
    with pytest.raises(ValidationError) as exc:
        attendance_check_in_personal(token=token, actor=committee, now=at(8, 1, 5))
    assert exc.value.code == "expired"
    assert not Attendance.objects.exists()


def test_a_room_qr_token_is_not_a_personal_qr(running, committee):
    from lms.services.classroom_attendance import checkin_token_make

    session, _nomination = running
    token = checkin_token_make(session=session, now=at(8, 0))
    with pytest.raises(ValidationError) as exc:
        personal_token_read(token=token, actor=committee, now=at(8, 0))
    assert exc.value.code == "invalid"


def test_a_personal_qr_outside_any_session_window_is_refused(running, committee):
    _session, nomination = running
    now = at(10, 0)
    token = personal_token_make(nomination=nomination, now=now)
    with pytest.raises(ValidationError, match="No session of this batch is open"):
        attendance_check_in_personal(token=token, actor=committee, now=now)
    assert not Attendance.objects.exists()


def test_only_the_committee_or_hr_may_scan_a_personal_qr(running, staff, hr):
    _session, nomination = running
    now = at(8, 0)
    token = personal_token_make(nomination=nomination, now=now)
    with pytest.raises(PermissionDenied):
        attendance_check_in_personal(token=token, actor=staff[1].user, now=now)
    assert attendance_check_in_personal(token=token, actor=hr, now=now).created


def test_a_personal_qr_of_a_withdrawn_participant_is_refused(running, committee, staff):
    from lms.services.classroom_nominations import nomination_withdraw

    _session, nomination = running
    token = personal_token_make(nomination=nomination, now=at(8, 0))
    nomination_withdraw(nomination=nomination, actor=staff[0].user)
    with pytest.raises(ValidationError, match="not a selected participant"):
        attendance_check_in_personal(token=token, actor=committee, now=at(8, 0))


def test_scan_page_shows_the_participant_and_records_on_post_only(
    client, batch, supervisor, staff, hr, committee
):
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.status = Batch.Status.RUNNING
    batch.save()
    batch.committee.add(committee)
    now = timezone.localtime()
    start = (now - datetime.timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(minutes=60)).time().replace(second=0, microsecond=0)
    if end <= start:
        pytest.skip("session would cross midnight")
    SessionFactory(batch=batch, date=now.date(), start_time=start, end_time=end)
    # The participant's page shows the personal QR.
    client.force_login(staff[0].user)
    page = client.get(reverse("classroom:my_qr", args=[batch.pk]))
    assert page.status_code == 200 and b"<svg" in page.content
    # Scaled by its viewBox to fit the phone: a fixed width would be clipped, not shrunk.
    svg = re.search(r"<svg[^>]*>", page.content.decode()).group(0)
    assert "viewBox" in svg and "width=" not in svg
    token = personal_token_make(nomination=nomination)
    client.force_login(committee)
    url = reverse("classroom:scan") + f"?t={token}"
    page = client.get(url)
    assert page.status_code == 200
    assert staff[0].display_name in page.content.decode()
    assert not Attendance.objects.exists()
    response = client.post(reverse("classroom:scan"), {"t": token})
    assert response.status_code == 200
    assert Attendance.objects.get().method == Attendance.Method.PERSONAL_QR
    forged = client.post(reverse("classroom:scan"), {"t": token + "x"})
    assert forged.status_code == 400


def test_my_qr_page_is_for_selected_participants_only(client, batch, staff):
    client.force_login(staff[1].user)
    assert client.get(reverse("classroom:my_qr", args=[batch.pk])).status_code == 404


# --- virtual check-in code ------------------------------------------------------------------


@pytest.fixture
def virtual(running):
    session, nomination = running
    session.meeting_url = "https://meet.example.org/kelas"
    session.room = ""
    session.save()
    return session, nomination


def test_the_host_code_checks_a_participant_in_once(virtual, staff):
    session, _nomination = virtual
    code = checkin_code_make(session=session, now=at(8, 0))
    assert len(code) == 6 and code.isdigit()
    first = attendance_check_in_code(session=session, user=staff[0].user, code=code, now=at(8, 1))
    again = attendance_check_in_code(session=session, user=staff[0].user, code=code, now=at(8, 2))
    assert first.created and not again.created
    assert first.attendance.method == Attendance.Method.VIRTUAL_CODE
    assert Attendance.objects.count() == 1


@override_settings(CLASSROOM_CODE_SLOT_SECONDS=300)
def test_an_expired_or_wrong_code_is_refused_and_records_nothing(virtual, staff):
    session, _nomination = virtual
    code = checkin_code_make(session=session, now=at(7, 45))
    with pytest.raises(ValidationError, match="wrong or has expired"):
        attendance_check_in_code(session=session, user=staff[0].user, code=code, now=at(7, 56))
    wrong = f"{(int(checkin_code_make(session=session, now=at(8, 0))) + 1) % 10**6:06d}"
    with pytest.raises(ValidationError, match="wrong or has expired"):
        attendance_check_in_code(session=session, user=staff[0].user, code=wrong, now=at(8, 0))
    assert not Attendance.objects.exists()


def test_a_code_of_another_session_is_refused(virtual, staff):
    session, _nomination = virtual
    other = SessionFactory(batch=session.batch, meeting_url="https://meet.example.org/x")
    code = checkin_code_make(session=other, now=at(8, 0))
    if code == checkin_code_make(session=session, now=at(8, 0)):
        pytest.skip("one-in-a-million collision")
    with pytest.raises(ValidationError):
        attendance_check_in_code(session=session, user=staff[0].user, code=code, now=at(8, 0))


def test_a_room_session_takes_no_code(running, staff):
    session, _nomination = running
    code = checkin_code_make(session=session, now=at(8, 0))
    with pytest.raises(ValidationError) as exc:
        attendance_check_in_code(session=session, user=staff[0].user, code=code, now=at(8, 0))
    assert exc.value.code == "not_virtual"


def test_a_code_outside_the_window_or_from_a_non_participant_is_refused(virtual, staff):
    session, _nomination = virtual
    late = at(9, 45)
    with pytest.raises(ValidationError, match="open from"):
        attendance_check_in_code(
            session=session,
            user=staff[0].user,
            code=checkin_code_make(session=session, now=late),
            now=late,
        )
    now = at(8, 0)
    with pytest.raises(ValidationError, match="not a selected participant"):
        attendance_check_in_code(
            session=session,
            user=staff[1].user,
            code=checkin_code_make(session=session, now=now),
            now=now,
        )
    assert not Attendance.objects.exists()


@override_settings(CLASSROOM_CODE_RATE="3/m")
def test_code_attempts_are_rate_limited_per_person(client, virtual, staff):
    session, _nomination = virtual
    cache.clear()
    client.force_login(staff[0].user)
    url = reverse("classroom:check_in_code", args=[session.pk])
    assert client.get(url).status_code == 200
    statuses = [client.post(url, {"code": "000000"}).status_code for _ in range(4)]
    assert statuses[-1] == 429
    assert not Attendance.objects.exists()


def test_the_host_code_screen_is_for_the_committee_of_a_virtual_session(
    client, virtual, running, committee, staff
):
    session, _nomination = virtual
    client.force_login(staff[0].user)
    assert client.get(reverse("classroom:code", args=[session.pk])).status_code == 404
    client.force_login(committee)
    assert client.get(reverse("classroom:code", args=[session.pk])).status_code == 200
