"""Every learner- and trainer-facing page renders on the demo data."""

from __future__ import annotations

from django.urls import reverse

import pytest

from accounts.models import User
from lms.models import CourseIndexPage, CoursePage, LessonPage, QuizAttempt, QuizPage

# The demo data, seeded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seeded")]


def _get_ok(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_learner_pages_render_on_demo_data(client):
    peserta = User.objects.get(email="peserta@demo.bontang.example")
    client.force_login(peserta)

    html = _get_ok(client, reverse("lms:dashboard"))
    assert "is-overdue" in html
    assert "Pelayanan Prima dan Nilai Dasar BerAKHLAK" in html
    _get_ok(client, CourseIndexPage.objects.get().url)
    for course in CoursePage.objects.live():
        _get_ok(client, course.url)
    for page in [*LessonPage.objects.live(), *QuizPage.objects.live()]:
        _get_ok(client, page.url)
    for attempt in QuizAttempt.objects.filter(user=peserta):
        _get_ok(client, reverse("lms:attempt", args=[attempt.uuid]))


def test_trainer_pages_render_on_demo_data(client):
    trainer = User.objects.get(email="pelatih@demo.bontang.example")
    client.force_login(trainer)

    html = _get_ok(client, reverse("lms:trainer_courses"))
    for course in CoursePage.objects.all():
        assert course.title in html
        report = _get_ok(client, reverse("lms:trainer_course", args=[course.pk]))
        assert "<table" in report
        _get_ok(client, reverse("lms:trainer_essays", args=[course.pk]))
        response = client.get(reverse("lms:trainer_course_export", args=[course.pk]))
        assert response["Content-Type"].startswith("text/csv")
    _get_ok(client, reverse("wagtailadmin_explore", args=[CourseIndexPage.objects.get().pk]))
    _get_ok(client, reverse("lms_questions:index"))
    _get_ok(client, reverse("lms_questions:add"))


def test_demo_completion_gives_learning_gain():
    from lms.selectors.trainer import course_report

    course = CoursePage.objects.get(slug="pelayanan-prima-berakhlak")
    report = course_report(course=course, user=User.objects.filter(is_superuser=True).first())

    assert report.average_gain is not None and report.average_gain > 0
    assert report.evaluation["count"] == 2
