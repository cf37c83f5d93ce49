"""Evaluation averages are shown to trainers only from EVALUATION_MIN_RESPONSES
responses, so a single learner's ratings cannot be read off the report; never a name."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

import pytest

from accounts.roles import Role
from lms.selectors.trainer import EVALUATION_MIN_RESPONSES, evaluation_summary
from lms.services.enrolments import course_evaluation_submit, enrolment_create
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


def _evaluate(course, count: int, rating: int = 2) -> None:
    for _ in range(count):
        learner = UserFactory(roles=[Role.PESERTA])
        enrolment = enrolment_create(user=learner, course=course)
        course_evaluation_submit(
            user=learner,
            enrolment=enrolment,
            content_rating=rating,
            trainer_rating=rating,
            usefulness_rating=rating,
            comments="",
        )


def _why() -> str:
    with translation.override("id"):
        return translation.gettext(
            "Averages are shown from %(minimum)s responses, to protect respondents' anonymity."
        ) % {"minimum": 3}


def test_threshold_is_three():
    assert EVALUATION_MIN_RESPONSES == 3


@pytest.mark.parametrize("count", [1, 2])
def test_averages_are_withheld_below_three_responses(course, count):
    _evaluate(course, count)

    summary = evaluation_summary(course_ids=[course.pk])

    assert summary["count"] == count
    assert summary["averages_shown"] is False
    assert summary["content"] is summary["trainer"] is summary["usefulness"] is None


def test_averages_are_shown_from_three_responses(course):
    _evaluate(course, 3, rating=4)

    summary = evaluation_summary(course_ids=[course.pk])

    assert summary["averages_shown"] is True
    assert summary["content"] == summary["trainer"] == summary["usefulness"] == 4.0


def test_trainer_report_says_why_averages_are_missing(client, course, trainer):
    _evaluate(course, 1, rating=2)
    client.force_login(trainer)

    response = client.get(reverse("lms:trainer_course", args=[course.pk]))

    html = response.content.decode()
    assert "2.0" not in html and "2,0" not in html
    assert _why() in html


def test_trainer_report_shows_averages_from_three_responses(client, course, trainer):
    _evaluate(course, 3, rating=2)
    client.force_login(trainer)

    html = client.get(reverse("lms:trainer_course", args=[course.pk])).content.decode()

    assert _why() not in html
    assert "2,0" in html or "2.0" in html


def test_evaluation_summary_is_anonymous(course, learner):
    enrolment = enrolment_create(user=learner, course=course)
    course_evaluation_submit(
        user=learner,
        enrolment=enrolment,
        content_rating=4,
        trainer_rating=5,
        usefulness_rating=3,
        comments="Contoh nyata sangat membantu",
    )

    public = evaluation_summary(course_ids=[course.pk], with_comments=False)
    trainer_view = evaluation_summary(course_ids=[course.pk])

    # One response: the averages are withheld (EVALUATION_MIN_RESPONSES), never a name.
    assert public == {
        "count": 1,
        "content": None,
        "trainer": None,
        "usefulness": None,
        "averages_shown": False,
        "min_responses": 3,
    }
    assert trainer_view["comments"] == ["Contoh nyata sangat membantu"]
