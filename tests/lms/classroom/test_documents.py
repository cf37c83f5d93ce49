"""The .ics invitation (parsed back: stable UIDs, SEQUENCE bumped on a change, cancelled
batches withdrawn), the calling letter and the attendance list PDFs, session JP and
conflicts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from icalendar import Calendar

from lms.classroom_pdf import render_attendance_sheet, render_calling_letter
from lms.models import Batch, Nomination, Session, Trainer
from lms.selectors.classroom import (
    attendance_sheet_data,
    calling_letter_data,
    session_conflicts,
)
from lms.services.classroom import batch_status_change, session_save
from lms.services.classroom_calendar import batch_calendar_ics
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.lms import SessionFactory
from tests.pdfa import pdfa_problems

pytestmark = pytest.mark.django_db


def _events(batch):
    calendar = Calendar.from_ical(batch_calendar_ics(batch=batch))
    return calendar, {str(e["uid"]): e for e in calendar.walk("VEVENT")}


def test_the_ics_has_every_session_and_a_changed_one_gets_a_higher_sequence(batch, hr):
    first = SessionFactory(batch=batch, topic="Pembukaan")
    SessionFactory(
        batch=batch, topic="Etika", start_time=datetime.time(10), end_time=datetime.time(12)
    )
    calendar, events = _events(batch)
    assert len(events) == 2
    uid = next(u for u, e in events.items() if "Pembukaan" in str(e["summary"]))
    assert int(events[uid]["sequence"]) == 0
    start = events[uid].decoded("dtstart")
    assert start.utcoffset() == datetime.timedelta(hours=8)  # WITA
    assert calendar.walk("VTIMEZONE")

    first.start_time = datetime.time(8, 30)
    session_save(session=first, actor=hr)
    _calendar, events = _events(batch)
    assert int(events[uid]["sequence"]) == 1  # same UID, so calendars replace it


def test_a_cancelled_batch_withdraws_the_events(batch, hr):
    SessionFactory(batch=batch)
    batch_status_change(batch=batch, actor=hr, status=Batch.Status.CANCELLED)
    batch.refresh_from_db()
    calendar, events = _events(batch)
    assert str(calendar["method"]) == "CANCEL"
    event = next(iter(events.values()))
    assert str(event["status"]) == "CANCELLED"
    assert int(event["sequence"]) == 1


def test_session_jp_defaults_to_minutes_over_45(batch, hr):
    session = Session(
        batch=batch,
        date=batch.starts_on,
        start_time=datetime.time(8),
        end_time=datetime.time(9, 30),
        topic="Materi",
    )
    session_save(session=session, actor=hr)
    assert session.jp == Decimal("2.0")


def test_trainer_and_room_double_booking_is_flagged(batch, classroom_course):
    trainer = Trainer.objects.create(kind="external", name="Dr. Sari")
    one = SessionFactory(
        batch=batch, room="Aula", start_time=datetime.time(8), end_time=datetime.time(10)
    )
    other = SessionFactory(
        room="aula ",
        start_time=datetime.time(9),
        end_time=datetime.time(11),
        batch__course=classroom_course,
    )
    one.trainers.add(trainer)
    other.trainers.add(trainer)
    problems = session_conflicts(session=one)
    assert any("Dr. Sari also teaches" in p for p in problems)
    assert any("The room Aula is also booked" in p for p in problems)


def test_calling_letter_and_attendance_list_are_pdfs(batch, supervisor, staff, hr):
    SessionFactory(batch=batch, topic="Pembukaan")
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    letter = render_calling_letter(calling_letter_data(nomination=nomination))
    sheet = render_attendance_sheet(attendance_sheet_data(session=batch.sessions.get()))
    assert letter.startswith(b"%PDF") and len(letter) > 1000
    assert sheet.startswith(b"%PDF")
    assert pdfa_problems(letter) == [] and pdfa_problems(sheet) == []


def test_trainer_ledger_counts_sessions_and_jp_per_year_with_a_csv(client, batch, hr):
    from django.urls import reverse

    from lms.selectors.classroom import trainer_jp_ledger

    trainer = Trainer.objects.create(kind="external", name="Dr. Sari", institution="Unmul")
    for hour, jp in ((8, "2"), (10, "3")):
        session = SessionFactory(
            batch=batch,
            start_time=datetime.time(hour),
            end_time=datetime.time(hour + 1),
            jp=Decimal(jp),
        )
        session.trainers.add(trainer)
    cancelled = SessionFactory(batch__course=batch.course, batch__status=Batch.Status.CANCELLED)
    cancelled.trainers.add(trainer)

    [row] = trainer_jp_ledger(user=hr, year=batch.starts_on.year)
    assert (row.trainer, row.sessions, row.jp) == ("Dr. Sari", 2, Decimal("5.0"))

    client.force_login(hr)
    url = reverse("lms_classroom_trainer_ledger")
    assert "Dr. Sari" in client.get(url).content.decode()
    csv = b"".join(client.get(url, {"format": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Dr. Sari" in csv and "5.0" in csv
