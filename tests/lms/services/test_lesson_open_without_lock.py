"""Issue 23, item 5: opening a lesson (its GET) takes no row lock, so two tabs of one
learner never queue on the enrolment row; the opening is still recorded once per
lesson, the first-opening time (the minimum time's start) is kept, and the resume point
follows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from lms.models import LessonProgress
from lms.services.enrolments import enrolment_create, lesson_progress_open

pytestmark = pytest.mark.django_db


@pytest.fixture
def locks(monkeypatch) -> list[QuerySet]:
    """Every `select_for_update()` asked for (SQLite leaves FOR UPDATE out of its SQL)."""
    asked: list[QuerySet] = []
    original = QuerySet.select_for_update

    def recording(self, *args, **kwargs):
        asked.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", recording)
    return asked


def test_lesson_get_takes_no_lock_and_records_the_opening(client, course, lessons, learner, locks):
    enrolment = enrolment_create(user=learner, course=course)
    client.force_login(learner)
    locks.clear()  # enrolling locks; only the GET counts
    with CaptureQueriesContext(connection) as queries:
        assert client.get(lessons[1].url).status_code == 200
    assert locks == []
    assert not any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)

    progress = LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[1])
    assert progress.first_opened_at == progress.last_opened_at
    assert progress.lesson_title == lessons[1].title
    enrolment.refresh_from_db()
    assert enrolment.last_lesson_id == lessons[1].pk

    assert client.get(lessons[1].url).status_code == 200  # a second tab, a reload
    assert locks == []
    again = LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[1])
    assert again.first_opened_at == progress.first_opened_at
    assert again.last_opened_at >= progress.last_opened_at
    assert LessonProgress.objects.filter(enrolment=enrolment).count() == 1


def test_a_row_inserted_meanwhile_keeps_its_first_opening(course, lessons, learner):
    """Two first openings at once: both insert; the second updates the last opening
    only (ON CONFLICT DO UPDATE), so the minimum time still runs from the first."""
    enrolment = enrolment_create(user=learner, course=course)
    first = timezone.now() - dt.timedelta(minutes=5)
    LessonProgress.objects.create(
        enrolment=enrolment, lesson=lessons[0], lesson_title="x",
        first_opened_at=first, last_opened_at=first,
    )  # fmt: skip
    # As if this request had read the rows before the other one inserted.
    real_filter = LessonProgress.objects.filter

    def stale(*args, **kwargs):
        return (
            real_filter(*args, **kwargs).none()
            if "enrolment" in kwargs
            else real_filter(*args, **kwargs)
        )

    LessonProgress.objects.filter = stale  # type: ignore[method-assign]
    try:
        now = timezone.now()
        lesson_progress_open(user=learner, lesson=lessons[0], now=now)
    finally:
        del LessonProgress.objects.filter
    row = LessonProgress.objects.get(enrolment=enrolment, lesson=lessons[0])
    assert row.first_opened_at == first
    assert row.last_opened_at == now
    assert row.lesson_title == lessons[0].title


@pytest.mark.postgresql
def test_lesson_get_sql_has_no_for_update_on_postgresql(client, course, lessons, learner):
    enrolment_create(user=learner, course=course)
    client.force_login(learner)
    for lesson in (lessons[0], lessons[0]):  # the first opening, then a reload
        with CaptureQueriesContext(connection) as queries:
            assert client.get(lesson.url).status_code == 200
        assert not any("FOR UPDATE" in q["sql"] for q in queries.captured_queries)
