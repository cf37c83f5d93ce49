"""The .ics calendar invitation of a batch (RFC 5545, with the `icalendar` library): one
event per session, its UID stable for the session's life and its SEQUENCE the session's
revision, so a calendar replaces the event when the timetable changes. A cancelled batch
gives the same events with STATUS:CANCELLED and METHOD:CANCEL, which withdraws them."""

from __future__ import annotations

import datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings

from icalendar import Calendar, Event

from config.links import portal_base_url, portal_url
from lms.models import Batch, Session


def session_uid(session: Session) -> str:
    host = urlsplit(portal_base_url()).hostname or "portal"
    return f"classroom-session-{session.pk}@{host}"


def batch_calendar_ics(*, batch: Batch, detail_path: str = "") -> bytes:
    """The batch's timetable as one .ics file (times in the portal's zone, WITA)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    cancelled = batch.status == Batch.Status.CANCELLED
    calendar = Calendar()
    calendar.add("prodid", "-//Portal Pembelajaran ASN//Kelas//ID")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancelled else "PUBLISH")
    calendar.add("x-wr-calname", f"{batch.course.title} — {batch.number}")
    stamp = datetime.datetime.now(tz=datetime.UTC)
    for session in batch.sessions.all().order_by("date", "start_time"):
        event = Event()
        event.add("uid", session_uid(session))
        event.add("sequence", session.sequence)
        event.add("dtstamp", stamp)
        event.add("dtstart", datetime.datetime.combine(session.date, session.start_time, zone))
        event.add("dtend", datetime.datetime.combine(session.date, session.end_time, zone))
        event.add("summary", f"{batch.course.title}: {session.topic}")
        location = ", ".join(p for p in (session.room, batch.venue) if p)
        link = session.meeting_url or batch.meeting_url
        if location or link:
            event.add("location", location or link)
        description = [f"{batch.course.title} — {batch.number}"]
        if link:
            description.append(link)
        if detail_path:
            description.append(portal_url(detail_path))
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()
