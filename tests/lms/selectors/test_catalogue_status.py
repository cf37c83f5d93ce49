"""The catalogue cards tell a signed-in learner where they stand with each course:
enrolled, completed or awaiting approval, from one query for the page."""

from __future__ import annotations

from django.utils import timezone, translation

import pytest

from lms.models import CoursePage, Enrolment
from lms.services.enrolments import enrolment_create
from tests.factories.lms import CoursePageFactory
from tests.perf.queries import LEARNER_PAGE_LIMIT, assert_constant_queries, page_get

pytestmark = pytest.mark.django_db


def _label(text: str) -> str:
    with translation.override("id"):
        return translation.gettext(text)


def _card(html: str, title: str) -> str:
    start = html.index(f">{title}</a>")
    return html[start : html.index("</article>", start)]


@pytest.fixture
def courses(course_index, trainer):
    made = {}
    for title in ("Kursus Aktif", "Kursus Selesai", "Kursus Menunggu", "Kursus Lain"):
        policy = "approval" if title == "Kursus Menunggu" else "open"
        course = CoursePageFactory(parent=course_index, title=title, enrolment_policy=policy)
        course.trainers.add(trainer)
        course.save_revision().publish()
        made[title] = CoursePage.objects.get(pk=course.pk)
    return made


def test_catalogue_cards_show_the_learners_status(client, learner, courses, course_index):
    enrolment_create(user=learner, course=courses["Kursus Aktif"])
    done = enrolment_create(user=learner, course=courses["Kursus Selesai"])
    Enrolment.objects.filter(pk=done.pk).update(
        status=Enrolment.Status.COMPLETED, completed_at=timezone.now()
    )
    pending = enrolment_create(user=learner, course=courses["Kursus Menunggu"])
    assert pending.status == Enrolment.Status.REQUESTED
    client.force_login(learner)

    html = client.get(course_index.url).content.decode()

    assert _label("Enrolled") in _card(html, "Kursus Aktif")
    assert _label("Completed") in _card(html, "Kursus Selesai")
    assert _label("Awaiting approval") in _card(html, "Kursus Menunggu")
    other = _card(html, "Kursus Lain")
    assert "card-status" not in other


def test_catalogue_status_costs_one_query_whatever_the_number_of_cards(
    client, learner, courses, course_index
):
    client.force_login(learner)
    catalogue = page_get(client, course_index.url)

    def enrol_everywhere():
        for course in courses.values():
            enrolment_create(user=learner, course=course)

    assert_constant_queries(catalogue, grow=enrol_everywhere, limit=LEARNER_PAGE_LIMIT)
    assert catalogue().content.decode().count('class="card-status ') == len(courses)


def test_anonymous_catalogue_shows_no_status(client, courses, course_index):
    html = client.get(course_index.url).content.decode()

    assert "card-status" not in html
