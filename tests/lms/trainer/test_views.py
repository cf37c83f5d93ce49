"""The trainer's side of a course: the report and its CSV, essay grading, enrolment
approvals and reading a learner's attempt."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import Enrolment
from lms.services.enrolments import enrolment_create
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory, QuestionFactory, QuizPageFactory, choice_question

pytestmark = pytest.mark.django_db


def test_course_trainer_can_view_a_learners_attempt(client, course, learner, trainer):
    quiz = QuizPageFactory(parent=course)
    quiz.questions.add(choice_question(course=course))
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    quiz_attempt_submit(user=learner, attempt=attempt, responses={})
    client.force_login(trainer)

    assert client.get(reverse("lms:attempt", args=[attempt.uuid])).status_code == 200


def test_trainer_report_and_csv_with_learning_gain(client, course, learner, trainer):
    pre = QuizPageFactory(parent=course, role="pre_test", required_for_completion=False)
    post = QuizPageFactory(parent=course, role="post_test")
    questions = [choice_question(course=course) for _ in range(4)]
    pre.questions.add(*questions)
    post.questions.add(*questions)
    pre.save()
    post.save()
    enrolment_create(user=learner, course=course)

    def take(quiz, right_count):
        attempt = quiz_attempt_start(user=learner, quiz=quiz)
        answers = list(attempt.answers.select_related("question"))
        responses = {
            a.pk: [str(a.question.choices.get(is_correct=True).pk)] for a in answers[:right_count]
        }
        quiz_attempt_submit(user=learner, attempt=attempt, responses=responses)

    take(pre, 1)
    take(post, 4)
    client.force_login(trainer)

    html = client.get(reverse("lms:trainer_course", args=[course.pk])).content.decode()
    assert "75" in html  # 100 % − 25 %

    response = client.get(reverse("lms:trainer_course_export", args=[course.pk]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 2
    assert rows[1][1] == learner.email
    assert rows[1][-2] == "75.00"


def test_other_trainer_and_learner_cannot_see_the_report(client, course):
    other_trainer = UserFactory(roles=[Role.PELATIH])
    client.force_login(other_trainer)
    assert client.get(reverse("lms:trainer_course", args=[course.pk])).status_code == 403

    learner = UserFactory(roles=[Role.PESERTA])
    client.force_login(learner)
    assert client.get(reverse("lms:trainer_course_export", args=[course.pk])).status_code == 403


def test_essay_grading_queue_and_permission(client, course, learner, trainer):
    essay = QuestionFactory(course=course, kind="essay", points=5)
    quiz = QuizPageFactory(parent=course)
    quiz.questions.add(essay)
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    answer = attempt.answers.get()
    quiz_attempt_submit(user=learner, attempt=attempt, responses={answer.pk: ["Esai saya"]})

    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    client.force_login(hr)
    client.post(reverse("lms:trainer_essay_grade", args=[answer.pk]), {f"a{answer.pk}-points": "5"})
    answer.refresh_from_db()
    assert answer.points_awarded is None

    client.force_login(trainer)
    assert (
        "Esai saya" in client.get(reverse("lms:trainer_essays", args=[course.pk])).content.decode()
    )
    client.post(
        reverse("lms:trainer_essay_grade", args=[answer.pk]),
        {f"a{answer.pk}-points": "4", f"a{answer.pk}-feedback": "Cukup baik"},
    )
    answer.refresh_from_db()
    assert answer.points_awarded == 4 and answer.feedback == "Cukup baik"


def test_approval_request_decided_by_trainer(client, course_index, learner, trainer):
    course = CoursePageFactory(parent=course_index, enrolment_policy="approval", owner=trainer)
    client.force_login(learner)
    client.post(reverse("lms:enrol", args=[course.pk]))
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.status == "requested"

    client.force_login(trainer)
    client.post(
        reverse("lms:trainer_enrolment_decide", args=[enrolment.pk]), {"decision": "approve"}
    )

    enrolment.refresh_from_db()
    assert enrolment.status == "active"
