"""The LMS half of `seed_scale` (bulk_create path on SQLite; COPY on PostgreSQL)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from wagtail.models import Page

import pytest

from accounts.models import Notification
from competencies.models import TrainingRecord
from lms.models import (
    AssignmentRecipient,
    Certificate,
    CertificateSequence,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
    QuizPage,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> dict:
    return {
        "courses": CoursePage.objects.filter(slug__startswith="skala-").count(),
        "lessons": LessonPage.objects.count(),
        "quizzes": QuizPage.objects.count(),
        "enrolments": Enrolment.objects.count(),
        "progress": LessonProgress.objects.count(),
        "certificates": Certificate.objects.count(),
        "records": TrainingRecord.objects.count(),
        "recipients": AssignmentRecipient.objects.count(),
        "notices": Notification.objects.count(),
    }


def test_seed_scale_builds_courses_and_learning_records_once(home_page):
    from tests.factories.lms import CourseIndexPageFactory

    CourseIndexPageFactory(parent=home_page)
    out = StringIO()
    call_command("seed_scale", "--factor", "0.01", "--seed", "5", stdout=out)

    first = _snapshot()
    assert first["courses"] == 3
    assert first["lessons"] == 3 * 8 and first["quizzes"] == 3
    # 100 employees × min(20, 3 courses) enrolments.
    assert first["enrolments"] == 300
    assert first["progress"] > 0 and first["certificates"] > 0
    assert first["records"] == first["certificates"]
    assert first["recipients"] == 100  # one assignment per unit covers everyone
    assert "enrolments: 300" in out.getvalue()
    # The page tree is consistent and the pages are served.
    assert all(not problems for problems in Page.find_problems())
    course = CoursePage.objects.get(slug="skala-002")
    assert course.numchild == 9 and course.get_children().count() == 9
    # Certificate numbers continue gap-free from each year's sequence row.
    for sequence in CertificateSequence.objects.all():
        numbers = sorted(
            Certificate.objects.filter(year=sequence.year).values_list("sequence", flat=True)
        )
        assert numbers == list(range(1, sequence.last + 1))

    again = StringIO()
    call_command("seed_scale", "--factor", "0.01", "--seed", "5", stdout=again)
    assert "nothing to do" in again.getvalue()
    assert _snapshot() == first


def test_seed_scale_is_deterministic_for_a_seed(home_page):
    from tests.factories.lms import CourseIndexPageFactory

    CourseIndexPageFactory(parent=home_page)
    call_command("seed_scale", "--factor", "0.01", "--seed", "9", stdout=StringIO())
    statuses = list(
        Enrolment.objects.order_by("user__email", "course__slug").values_list(
            "user__email", "course__slug", "status"
        )
    )
    assert len(statuses) == 300
    assert statuses[:3] == sorted(statuses)[:3]


def test_seed_scale_without_a_catalogue_builds_the_hr_half_only(db):
    out = StringIO()
    call_command("seed_scale", "--factor", "0.005", stdout=out)

    assert "seed_demo" in out.getvalue() and "LMS half was skipped" in out.getvalue()
    assert not CoursePage.objects.exists()


def _foreign_keys() -> set[tuple[str, str, str]]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE contype = 'f'"
        )
        return set(cursor.fetchall())


def test_seed_scale_puts_every_foreign_key_back_as_it_was(home_page):
    """PostgreSQL: the bulk fill drops the learner tables' foreign keys and adds them back
    (one validating join instead of millions of deferred checks at COMMIT)."""
    from django.db import connection

    from tests.factories.lms import CourseIndexPageFactory

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (COPY path)")
    before = _foreign_keys()
    CourseIndexPageFactory(parent=home_page)
    call_command("seed_scale", "--factor", "0.01", "--seed", "5", stdout=StringIO())
    assert _foreign_keys() == before


def test_a_row_pointing_nowhere_still_fails_the_seed(home_page, monkeypatch):
    """The keys are validated when they are added back: a dangling reference rolls the
    whole LMS half back, keys included."""
    from django.db import IntegrityError, connection

    from lms.demo import scale
    from tests.factories.lms import CourseIndexPageFactory

    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (COPY path)")
    before = _foreign_keys()
    CourseIndexPageFactory(parent=home_page)
    from competencies.demo.scale import scale_seed_hr

    scale_seed_hr(seed=5, factor=0.01)
    real = scale._notifications

    def dangling(plans, now):
        count = real(plans, now)
        scale.bulk_insert(
            Notification,
            ("user_id", "kind", "params", "url", "dedupe_key", "email_status"),
            [(10**9, "assignment_new", {}, "", "dangling", "skipped")],
        )
        return count + 1

    monkeypatch.setattr(scale, "_notifications", dangling)
    with pytest.raises(IntegrityError):
        scale.scale_seed_lms(seed=5, factor=0.01)
    assert not Enrolment.objects.exists()
    assert _foreign_keys() == before
