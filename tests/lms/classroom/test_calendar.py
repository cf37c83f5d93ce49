"""HR's batch calendar: the month grid with the sessions by day and links to each batch,
previous and next month, the OPD and mode filters, the HR manager's scope, the empty
state, and a fixed number of queries however full the month is."""

from __future__ import annotations

import datetime

from django.urls import reverse

import pytest

from lms.models import Batch
from lms.selectors.classroom_calendar import batch_calendar_month, month_parse
from tests.factories.competencies import HRScopeFactory, OrgUnitFactory
from tests.factories.lms import BatchFactory, SessionFactory

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2026, 3, 1)


@pytest.fixture
def march(classroom_course):
    """Two batches in March 2026 organised by two OPDs, one virtual; a cancelled one."""
    kesehatan, pendidikan = OrgUnitFactory(name="Dinkes"), OrgUnitFactory(name="Disdik")
    klasikal = BatchFactory(
        course=classroom_course,
        number="Angkatan I",
        unit=kesehatan,
        starts_on=datetime.date(2026, 3, 10),
        ends_on=datetime.date(2026, 3, 11),
    )
    virtual = BatchFactory(
        course=classroom_course,
        number="Angkatan II",
        unit=pendidikan,
        mode=Batch.Mode.VIRTUAL,
        meeting_url="https://meet.example.org/x",
        starts_on=datetime.date(2026, 3, 20),
        ends_on=datetime.date(2026, 3, 20),
    )
    cancelled = BatchFactory(
        course=classroom_course,
        number="Angkatan Batal",
        unit=kesehatan,
        status=Batch.Status.CANCELLED,
        starts_on=datetime.date(2026, 3, 12),
        ends_on=datetime.date(2026, 3, 12),
    )
    SessionFactory(batch=klasikal, date=datetime.date(2026, 3, 10), topic="Pembukaan")
    SessionFactory(batch=klasikal, date=datetime.date(2026, 3, 11), topic="Praktik")
    SessionFactory(batch=virtual, date=datetime.date(2026, 3, 20), topic="Daring")
    SessionFactory(batch=cancelled, date=datetime.date(2026, 3, 12), topic="Batal")
    return {"klasikal": klasikal, "virtual": virtual, "units": (kesehatan, pendidikan)}


def _topics(month):
    return {s.topic: day.date for week in month.weeks for day in week for s in day.sessions}


def test_the_month_puts_each_session_on_its_day_and_leaves_out_cancelled_batches(march, hr):
    month = batch_calendar_month(user=hr, first=MARCH)
    assert _topics(month) == {
        "Pembukaan": datetime.date(2026, 3, 10),
        "Praktik": datetime.date(2026, 3, 11),
        "Daring": datetime.date(2026, 3, 20),
    }
    assert month.weeks[0][0].date == datetime.date(2026, 2, 23)  # a Monday
    assert all(len(week) == 7 for week in month.weeks)
    assert month.session_count == 3
    assert {b.number for b in month.batches} == {"Angkatan I", "Angkatan II", "Angkatan Batal"}
    assert (month.previous, month.next) == (datetime.date(2026, 2, 1), datetime.date(2026, 4, 1))


def test_the_filters_by_opd_and_mode(march, hr):
    kesehatan, _pendidikan = march["units"]
    assert set(_topics(batch_calendar_month(user=hr, first=MARCH, unit=kesehatan))) == {
        "Pembukaan",
        "Praktik",
    }
    assert set(_topics(batch_calendar_month(user=hr, first=MARCH, mode="virtual"))) == {"Daring"}


def test_a_scoped_hr_manager_sees_only_the_batches_of_their_subtree(march):
    kesehatan, _pendidikan = march["units"]
    scoped = HRScopeFactory(unit=kesehatan).user
    assert set(_topics(batch_calendar_month(user=scoped, first=MARCH))) == {"Pembukaan", "Praktik"}


def test_month_parse_falls_back_to_this_month():
    assert month_parse("2026-03") == MARCH
    assert month_parse("nonsense").day == 1
    assert month_parse("2026-13").day == 1


def test_the_page_is_an_accessible_table_with_links_and_month_navigation(client, march, hr):
    client.force_login(hr)
    page = client.get(reverse("lms_classroom_calendar"), {"month": "2026-03"})
    html = page.content.decode()
    assert page.status_code == 200
    assert '<th scope="col">' in html  # weekday headers
    assert reverse("lms_classroom_batch", args=[march["klasikal"].pk]) in html
    assert "?month=2026-02" in html and "?month=2026-04" in html
    assert 'datetime="2026-03-10"' in html


def test_the_page_keeps_the_filters_in_the_month_links(client, march, hr):
    client.force_login(hr)
    page = client.get(reverse("lms_classroom_calendar"), {"month": "2026-03", "mode": "virtual"})
    html = page.content.decode()
    assert "?month=2026-04&amp;mode=virtual" in html
    assert "Daring" in html and "Pembukaan" not in html


def test_an_empty_month_says_so(client, hr):
    client.force_login(hr)
    page = client.get(reverse("lms_classroom_calendar"), {"month": "2030-01"})
    assert page.status_code == 200
    assert page.context["month"].session_count == 0
    assert "Tidak ada sesi" in page.content.decode()


def _full_march(course):
    for i in range(12):
        batch = BatchFactory(
            course=course,
            starts_on=datetime.date(2026, 3, 1 + i),
            ends_on=datetime.date(2026, 3, 2 + i),
        )
        for day in (1 + i, 2 + i):
            SessionFactory(batch=batch, date=datetime.date(2026, 3, day))


def test_the_months_reads_are_a_few_queries_however_full(
    classroom_course, hr, django_assert_max_num_queries
):
    """The calendar's own reads: the HR scope, the sessions and the batches (the OPD
    choices of the filter are one more, in the page)."""
    _full_march(classroom_course)
    hr.has_perm("portal.access_hr")  # the role check is cached per request, as on the page
    with django_assert_max_num_queries(3):
        month = batch_calendar_month(user=hr, first=MARCH)
        sessions = [s.batch.course.title for w in month.weeks for d in w for s in d.sessions]
        batches = [(b.course.title, b.unit.name) for b in month.batches]
    assert len(sessions) == 24 and len(batches) == 12


def test_the_page_runs_the_same_number_of_queries_for_an_empty_and_a_full_month(
    client, classroom_course, hr
):
    """The page is the calendar's four reads plus the Wagtail admin's fixed shell
    (session, user, Wagtail's user profile, locales; the permission reads are kept across
    requests, accounts/cache.py): the same count whatever the month holds, and within
    issue 17's target of 10."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(hr)
    url = reverse("lms_classroom_calendar")
    client.get(url, {"month": "2026-03"})  # warm the session and the admin's caches
    with CaptureQueriesContext(connection) as empty:
        client.get(url, {"month": "2026-03"})
    _full_march(classroom_course)
    with CaptureQueriesContext(connection) as full:
        page = client.get(url, {"month": "2026-03"})
    assert page.context["month"].session_count == 24
    assert len(full.captured_queries) == len(empty.captured_queries)
    assert len(full.captured_queries) <= 8, [q["sql"] for q in full.captured_queries]
    calendar_reads = [
        q["sql"]
        for q in full.captured_queries
        if any(t in q["sql"] for t in ('FROM "lms_', 'FROM "competencies_'))
    ]
    assert len(calendar_reads) <= 4
