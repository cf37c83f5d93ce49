"""Query-count guards for the three check-in requests (issue 17: 500 participants in five
minutes must never queue). Each POST is the signed-in request's own two reads (the
session row and the user; a running server keeps the session in the cache), the
session or the participant with what the page shows, and ONE statement that records the
participant: an INSERT … SELECT … ON CONFLICT DO NOTHING that checks the selection and
the once-per-session rule in the database (lms.services.classroom_attendance). A second
check-in costs one more read (the first row, shown unchanged). Timing is measured by
bench/run.py *classroom check-in*, never here."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from lms.models import Attendance, Batch, Nomination
from lms.services.classroom_attendance import (
    checkin_code_make,
    checkin_token_make,
    personal_token_make,
)
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.accounts import UserFactory
from tests.factories.lms import SessionFactory
from tests.perf.queries import captured

pytestmark = pytest.mark.django_db

# django_session + accounts_user + the session (or participant) read + the INSERT.
CHECK_IN_QUERIES = 4
# The personal QR also finds the batch's session open now.
PERSONAL_QR_QUERIES = 5
# Already recorded: the INSERT finds its conflict, then one read of the first row.
ALREADY_RECORDED_QUERIES = CHECK_IN_QUERIES + 1


@pytest.fixture
def committee(db):
    return UserFactory()


@pytest.fixture
def open_now(batch, supervisor, staff, hr, committee):
    """staff[0] and staff[1] selected, the batch running with `committee`, and a session
    (with a meeting link, so the virtual code works too) open for check-in now."""
    nominations = []
    for employee in staff[:2]:
        nomination = nomination_create(batch=batch, employee=employee, actor=supervisor.user)
        nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
        nominations.append(Nomination.objects.get(pk=nomination.pk))
    batch.status = Batch.Status.RUNNING
    batch.save()
    batch.committee.add(committee)
    now = timezone.localtime()
    start = (now - datetime.timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(minutes=60)).time().replace(second=0, microsecond=0)
    if end <= start:
        pytest.skip("the session would cross midnight")
    session = SessionFactory(
        batch=batch,
        date=now.date(),
        start_time=start,
        end_time=end,
        meeting_url="https://meet.example.org/kelas",
    )
    return session, nominations


def _count(action) -> tuple[int, list[str]]:
    action()  # warm the per-process caches (navigation, site settings), as a running server
    Attendance.objects.all().delete()
    return captured(action)


def _sql(sql: list[str]) -> str:
    return "\n".join(sql)


def test_room_qr_check_in_is_one_insert(client, open_now, staff):
    session, _nominations = open_now
    client.force_login(staff[0].user)
    url = reverse("classroom:check_in", args=[session.pk])

    def post():
        response = client.post(url, {"t": checkin_token_make(session=session)})
        assert response.status_code == 200, response.content
        return response

    count, sql = _count(post)
    assert count == CHECK_IN_QUERIES, _sql(sql)
    assert Attendance.objects.get().method == Attendance.Method.QR
    # The session is read with only what the page and the service use: not the course
    # page's whole row (Wagtail's page columns cost CPU to build and read each time).
    (read,) = [q for q in sql if 'FROM "lms_session"' in q]
    assert '"wagtailcore_page"."path"' not in read and '"lms_coursepage"."jp_hours"' not in read
    count, sql = captured(post)
    assert count == ALREADY_RECORDED_QUERIES, _sql(sql)
    assert "already recorded" in post().content.decode() or "sudah tercatat" in (
        post().content.decode()
    )
    assert Attendance.objects.count() == 1


def test_virtual_code_check_in_is_one_insert(client, open_now, staff):
    session, _nominations = open_now
    client.force_login(staff[0].user)
    url = reverse("classroom:check_in_code", args=[session.pk])

    def post():
        response = client.post(url, {"code": checkin_code_make(session=session)})
        assert response.status_code == 200, response.content
        return response

    count, sql = _count(post)
    assert count == CHECK_IN_QUERIES, _sql(sql)
    assert Attendance.objects.get().method == Attendance.Method.VIRTUAL_CODE
    count, sql = captured(post)
    assert count == ALREADY_RECORDED_QUERIES, _sql(sql)
    assert Attendance.objects.count() == 1


def test_personal_qr_scan_is_one_insert(client, open_now, committee, staff):
    _session, nominations = open_now
    client.force_login(committee)
    url = reverse("classroom:scan")

    def post():
        response = client.post(url, {"t": personal_token_make(nomination=nominations[1])})
        assert response.status_code == 200, response.content
        return response

    count, sql = _count(post)
    assert count == PERSONAL_QR_QUERIES, _sql(sql)
    row = Attendance.objects.get()
    assert row.method == Attendance.Method.PERSONAL_QR and row.nomination_id == nominations[1].pk
    assert staff[1].display_name in post().content.decode()
    count, sql = captured(post)
    assert count == PERSONAL_QR_QUERIES + 1, _sql(sql)
    assert Attendance.objects.count() == 1


def test_a_refused_check_in_records_nothing_in_one_read_more(client, open_now, staff):
    """Someone not selected: the INSERT finds no selected nomination, one read tells
    why, nothing is recorded."""
    session, _nominations = open_now
    client.force_login(staff[2].user)
    url = reverse("classroom:check_in", args=[session.pk])

    def post():
        response = client.post(url, {"t": checkin_token_make(session=session)})
        assert response.status_code == 400
        return response

    count, sql = _count(post)
    assert count == ALREADY_RECORDED_QUERIES, _sql(sql)
    assert not Attendance.objects.exists()
