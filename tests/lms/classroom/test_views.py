"""The classroom pages end to end over HTTP: HR's overview and decisions, a session added
in the admin, the learner's calendar and calling letter, the QR screen and the check-in
it opens, the committee's phone list, HR's correction."""

from __future__ import annotations

import datetime
import re

from django.urls import reverse
from django.utils import timezone

import pytest
from icalendar import Calendar

from lms.models import Attendance, Batch, Nomination, Session
from lms.services.classroom_attendance import checkin_token_make
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.lms import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def selected(batch, supervisor, staff, hr):
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    return nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)


@pytest.fixture
def live_session(batch, selected):
    """A session running now (started 10 minutes ago), the batch running."""
    batch.status = Batch.Status.RUNNING
    batch.save()
    now = timezone.localtime()
    start = (now - datetime.timedelta(minutes=10)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(minutes=60)).time().replace(second=0, microsecond=0)
    if end <= start:  # near midnight: the window is not the subject here
        pytest.skip("session would cross midnight")
    return SessionFactory(batch=batch, date=now.date(), start_time=start, end_time=end)


def test_hr_overview_shows_fill_per_opd_and_decides(client, batch, supervisor, staff, hr):
    nomination = nomination_create(batch=batch, employee=staff[1], actor=supervisor.user)
    client.force_login(hr)
    page = client.get(reverse("lms_classroom_batch", args=[batch.pk]))
    assert page.status_code == 200
    assert "Dinas Kesehatan" in page.content.decode()
    response = client.post(
        reverse("lms_classroom_nomination_decide", args=[nomination.pk]),
        {"status": "selected", "reason": ""},
    )
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.status == Nomination.Status.SELECTED
    response = client.post(
        reverse("lms_classroom_batch_status", args=[batch.pk]), {"status": "selection"}
    )
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SELECTION


def test_hr_adds_a_session_in_the_admin_with_the_default_jp(client, batch, hr):
    client.force_login(hr)
    response = client.post(
        reverse("lms_classroom_sessions:add"),
        {
            "batch": batch.pk,
            "date": batch.starts_on.isoformat(),
            "start_time": "08:00",
            "end_time": "10:15",
            "topic": "Etika pelayanan",
            "room": "Aula",
            "meeting_url": "",
            "jp": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get()
    assert str(session.jp) == "3.0"


def test_learner_downloads_the_calendar_and_the_calling_letter(client, batch, selected, staff):
    SessionFactory(batch=batch, topic="Pembukaan")
    client.force_login(staff[0].user)
    page = client.get(reverse("classroom:my"))
    assert reverse("classroom:calendar_ics", args=[batch.pk]) in page.content.decode()
    ics = client.get(reverse("classroom:calendar_ics", args=[batch.pk]))
    assert ics["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(ics.content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Pelayanan Publik Prima: Pembukaan"]
    letter = client.get(reverse("classroom:calling_letter", args=[batch.pk]))
    assert letter.content.startswith(b"%PDF")


def test_someone_not_selected_gets_no_calendar(client, batch, selected, staff):
    client.force_login(staff[1].user)
    assert client.get(reverse("classroom:calendar_ics", args=[batch.pk])).status_code == 404


def test_the_qr_screen_opens_a_check_in_that_records_once(client, live_session, staff, hr):
    live_session.batch.committee.add(hr)
    client.force_login(hr)
    screen = client.get(reverse("classroom:qr", args=[live_session.pk]))
    assert screen.status_code == 200
    html = screen.content.decode()
    assert "<svg" in html and 'http-equiv="refresh"' in html
    # Scaled by its viewBox to the screen: a fixed width would be clipped, not shrunk.
    svg = re.search(r"<svg[^>]*>", html).group(0)
    assert "viewBox" in svg and "width=" not in svg

    token = checkin_token_make(session=live_session)
    client.force_login(staff[0].user)
    url = reverse("classroom:check_in", args=[live_session.pk])
    confirm = client.get(url, {"t": token})
    assert confirm.status_code == 200 and not Attendance.objects.exists()
    for _ in range(2):
        done = client.post(url, {"t": token})
        assert done.status_code == 200
    assert Attendance.objects.filter(session=live_session).count() == 1
    assert "Anda sudah tercatat untuk sesi ini" in done.content.decode()


def test_an_expired_token_shows_why_and_records_nothing(client, live_session, staff):
    old = timezone.now() - datetime.timedelta(minutes=5)
    token = checkin_token_make(session=live_session, now=old)
    client.force_login(staff[0].user)
    response = client.post(reverse("classroom:check_in", args=[live_session.pk]), {"t": token})
    assert response.status_code == 400
    assert "Kode QR ini sudah kedaluwarsa" in response.content.decode()
    assert not Attendance.objects.exists()
    # A refused check-in is not a dead end on the phone: the way back is in the card
    # itself, not only in the site menu (folded away on a phone).
    assert f'href="{reverse("classroom:my")}"' in _check_in_card(response)


def test_a_refused_code_check_in_links_back(client, live_session, staff):
    client.force_login(staff[0].user)
    response = client.post(
        reverse("classroom:check_in_code", args=[live_session.pk]), {"code": "000000"}
    )
    assert response.status_code == 400
    assert f'href="{reverse("classroom:my")}"' in _check_in_card(response)


def _check_in_card(response) -> str:
    page = response.content.decode()
    start = page.index('<div class="check-in">')
    return page[start : page.index("</div>", start)]


def test_committee_ticks_names_on_the_phone_list(client, live_session, selected, hr):
    committee = selected.employee.supervisor.user
    live_session.batch.committee.add(committee)
    client.force_login(committee)
    assert live_session in client.get(reverse("classroom:committee")).context["sessions"]
    board = client.get(reverse("classroom:session_board", args=[live_session.pk]))
    assert board.status_code == 200
    client.post(
        reverse("classroom:mark", args=[live_session.pk]),
        {"nomination": selected.pk, "status": "hadir"},
    )
    assert Attendance.objects.get().status == "hadir"
    pdf = client.get(reverse("classroom:attendance_pdf", args=[live_session.pk]))
    assert pdf.content.startswith(b"%PDF")


def test_a_stranger_cannot_open_the_committee_pages(client, live_session, staff):
    client.force_login(staff[1].user)
    for name in ("classroom:session_board", "classroom:qr", "classroom:attendance_pdf"):
        assert client.get(reverse(name, args=[live_session.pk])).status_code == 404


def test_hr_corrects_attendance_with_a_reason(client, live_session, selected, hr):
    client.force_login(hr)
    url = reverse("lms_classroom_session_attendance", args=[live_session.pk])
    assert client.get(url).status_code == 200
    client.post(url, {"nomination": selected.pk, "status": "sakit", "reason": "Surat dokter"})
    row = Attendance.objects.get()
    assert (row.status, row.note) == ("sakit", "Surat dokter")


def test_supervisor_nominates_from_the_team_page(client, batch, supervisor, staff):
    client.force_login(supervisor.user)
    page = client.get(reverse("classroom:team"))
    assert page.status_code == 200
    client.post(
        reverse("classroom:nominate"),
        {"batch": batch.pk, "employee": staff[2].pk, "reason": "Pelayanan loket"},
    )
    assert Nomination.objects.get().employee == staff[2]


def test_the_batch_list_shows_the_selected_count(client, batch, selected, hr):
    client.force_login(hr)
    page = client.get(reverse("lms_classroom_batches:index"))
    assert page.status_code == 200
    assert re.search(r"Angkatan \d+", page.content.decode())
