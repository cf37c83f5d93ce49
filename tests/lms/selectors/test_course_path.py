"""The path through a course (docs/lms.md "Course outline and what's next"): one selector
gives the outline (a tick per part, the evaluation as the last step), the progress figure
and the next step, and the course page, the lesson and quiz pages and "Resume" use it."""

from __future__ import annotations

from django.urls import reverse

import pytest

from lms.models import Enrolment
from lms.services.enrolments import (
    course_evaluation_submit,
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def evaluated_course(course):
    course.evaluation_required = True
    course.save_revision().publish()
    return course


def _finish_lesson(user, lesson):
    lesson_progress_open(user=user, lesson=lesson)
    lesson_progress_complete(user=user, lesson=lesson)


def _pass(user, quiz):
    attempt = quiz_attempt_start(user=user, quiz=quiz)
    responses = {
        a.pk: [str(a.question.choices.get(is_correct=True).pk)]
        for a in attempt.answers.select_related("question")
    }
    quiz_attempt_submit(user=user, attempt=attempt, responses=responses)


def test_evaluation_is_the_visible_last_step_when_everything_else_is_done(
    client, evaluated_course, lessons, quiz, learner
):
    enrolment_create(user=learner, course=evaluated_course)
    for lesson in lessons:
        _finish_lesson(learner, lesson)
    _pass(learner, quiz)
    client.force_login(learner)

    response = client.get(evaluated_course.url)

    path = response.context["course_path"]
    assert [item.kind for item in path.items] == ["lesson", "lesson", "quiz", "evaluation"]
    assert [item.completed for item in path.items] == [True, True, True, False]
    assert path.next_item is path.items[-1]
    # The figure on the page is the same as the one stored and shown on the dashboard.
    stored = Enrolment.objects.get(user=learner).progress_percent
    assert path.percent == stored == 75
    html = response.content.decode()
    assert reverse("lms:evaluation", args=[evaluated_course.pk]) in html
    resume = client.get(reverse("lms:resume", args=[evaluated_course.pk]))
    assert resume["Location"] == reverse("lms:evaluation", args=[evaluated_course.pk])


def test_evaluation_is_not_offered_right_after_enrolling(
    client, evaluated_course, lessons, learner
):
    enrolment_create(user=learner, course=evaluated_course)
    client.force_login(learner)
    url = reverse("lms:evaluation", args=[evaluated_course.pk])

    html = client.get(evaluated_course.url).content.decode()
    assert f'href="{url}"' not in html
    # The step is listed (so the learner knows it is coming) but not yet a link.
    path = client.get(evaluated_course.url).context["course_path"]
    assert path.items[-1].kind == "evaluation"
    assert not path.items[-1].available

    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == evaluated_course.url


def test_evaluation_form_opens_once_the_other_steps_are_done(
    client, evaluated_course, lessons, learner
):
    enrolment_create(user=learner, course=evaluated_course)
    for lesson in lessons:
        _finish_lesson(learner, lesson)
    client.force_login(learner)

    assert client.get(reverse("lms:evaluation", args=[evaluated_course.pk])).status_code == 200


def test_resume_goes_to_the_first_unfinished_step_not_a_finished_lesson(
    client, course, lessons, learner
):
    enrolment_create(user=learner, course=course)
    _finish_lesson(learner, lessons[0])  # the last lesson opened, and finished
    client.force_login(learner)

    response = client.get(reverse("lms:resume", args=[course.pk]))

    assert response["Location"] == lessons[1].url


def test_resume_on_a_finished_course_goes_to_the_course_page(client, course, lessons, learner):
    enrolment_create(user=learner, course=course)
    for lesson in lessons:
        _finish_lesson(learner, lesson)
    client.force_login(learner)

    response = client.get(reverse("lms:resume", args=[course.pk]))

    assert response["Location"] == course.url


def test_percent_follows_the_completion_rule_at_every_step(
    client, evaluated_course, lessons, quiz, learner
):
    from lms.selectors.courses import course_path_for_enrolment

    enrolment = enrolment_create(user=learner, course=evaluated_course)

    def both():
        enrolment.refresh_from_db()
        return course_path_for_enrolment(enrolment=enrolment).percent, enrolment.progress_percent

    assert both() == (0, 0)
    _finish_lesson(learner, lessons[0])
    assert both() == (25, 25)
    _finish_lesson(learner, lessons[1])
    _pass(learner, quiz)
    assert both() == (75, 75)
    course_evaluation_submit(
        user=learner, enrolment=enrolment, content_rating=5, trainer_rating=5, usefulness_rating=5
    )
    assert both() == (100, 100)


def test_lesson_and_quiz_pages_show_the_outline_with_ticks(client, course, lessons, quiz, learner):
    enrolment_create(user=learner, course=course)
    _finish_lesson(learner, lessons[0])
    client.force_login(learner)

    for url in (lessons[1].url, quiz.url):
        response = client.get(url)
        path = response.context["course_path"]
        assert [item.completed for item in path.items] == [True, False, False]
        html = response.content.decode()
        assert 'class="course-nav' in html
        assert "<details" in html  # collapsible on phones
        assert 'aria-current="step"' in html
