from __future__ import annotations

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from lms.models import CourseEvaluation, Enrolment, Question, QuizAttempt
from lms.services.enrolments import (
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from lms.services.quizzes import quiz_attempt_start, quiz_attempt_submit
from tests.factories.accounts import UserFactory
from tests.factories.lms import (
    CoursePageFactory,
    EnrolmentFactory,
    LessonPageFactory,
    QuestionFactory,
    QuizPageFactory,
    choice_question,
)
from tests.perf.queries import LEARNER_PAGE_LIMIT, assert_constant_queries, page_get

pytestmark = pytest.mark.django_db


def test_quiz_html_never_contains_the_answers(client, course, learner):
    question = choice_question(
        course=course,
        prompt="Apa nilai dasar ASN?",
        correct="BerAKHLAK-RAHASIA",
        wrong=("Lainnya",),
    )
    question.explanation = "PENJELASAN-RAHASIA"
    question.save()
    short = QuestionFactory(
        course=course, kind=Question.Kind.SHORT, accepted_answers="JAWABAN-SINGKAT"
    )
    quiz = QuizPageFactory(parent=course)
    quiz.questions.add(question, short)
    quiz.save()
    enrolment_create(user=learner, course=course)
    client.force_login(learner)

    response = client.post(reverse("lms:quiz_start", args=[quiz.pk]))
    html = client.get(response["Location"]).content.decode()

    assert "Apa nilai dasar ASN?" in html
    assert "BerAKHLAK-RAHASIA" in html  # the option is shown...
    correct_id = question.choices.get(is_correct=True).pk
    wrong_id = question.choices.get(is_correct=False).pk
    # ...but nothing distinguishes it from the wrong one.
    assert html.count(f'value="{correct_id}"') == html.count(f'value="{wrong_id}"') == 1
    assert "correct" not in html.lower().replace("correct answers", "")
    assert "PENJELASAN-RAHASIA" not in html
    assert "JAWABAN-SINGKAT" not in html
    assert "is_correct" not in html


def test_feedback_after_submission_follows_quiz_setting(client, course, learner):
    question = choice_question(course=course, correct="YA", wrong=("TIDAK",))
    question.explanation = "PENJELASAN"
    question.save()
    quiz = QuizPageFactory(
        parent=course, max_attempts=1, review_right_answer="never", review_feedback="never"
    )
    quiz.questions.add(question)
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)

    client.post(reverse("lms:attempt", args=[attempt.uuid]), {"action": "submit"})
    html = client.get(reverse("lms:attempt", args=[attempt.uuid])).content.decode()

    assert "PENJELASAN" not in html
    assert "0%" in html


def test_full_feedback_reveals_explanations_after_submission(client, course, learner):
    question = choice_question(course=course)
    question.explanation = "PENJELASAN-LENGKAP"
    question.save()
    quiz = QuizPageFactory(parent=course, review_right_answer="attempt", review_feedback="attempt")
    quiz.questions.add(question)
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)

    client.post(reverse("lms:attempt", args=[attempt.uuid]), {"action": "submit"})

    assert (
        "PENJELASAN-LENGKAP"
        in client.get(reverse("lms:attempt", args=[attempt.uuid])).content.decode()
    )


def test_blank_first_attempt_does_not_reveal_the_right_answers(client, course, learner):
    question = choice_question(course=course, correct="JAWABAN-BENAR", wrong=("SALAH",))
    question.explanation = "PENJELASAN-RAHASIA"
    question.save()
    quiz = QuizPageFactory(parent=course, max_attempts=3)
    quiz.questions.add(question)
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    client.force_login(learner)

    client.post(reverse("lms:attempt", args=[attempt.uuid]), {"action": "submit"})
    html = client.get(
        reverse("lms:attempt", args=[attempt.uuid]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()

    assert "0%" in html  # the score is shown...
    assert "is-wrong" in html  # ...and that the answer was wrong...
    assert "PENJELASAN-RAHASIA" not in html  # ...but not the explanation
    assert "✓" not in html  # nor which option is right


def test_double_post_of_the_quiz_form_counts_once(client, course, learner):
    question = choice_question(course=course)
    quiz = QuizPageFactory(parent=course)
    quiz.questions.add(question)
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    answer = attempt.answers.get()
    right = question.choices.get(is_correct=True).pk
    client.force_login(learner)
    url = reverse("lms:attempt", args=[attempt.uuid])

    client.post(url, {"action": "submit", f"q-{answer.pk}": right})
    client.post(url, {"action": "submit", f"q-{answer.pk}": right})

    assert QuizAttempt.objects.filter(quiz=quiz).count() == 1
    attempt.refresh_from_db()
    assert attempt.passed is True


def test_learner_cannot_open_another_learners_attempt(client, course, learner):
    quiz = QuizPageFactory(parent=course)
    quiz.questions.add(choice_question(course=course))
    quiz.save()
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    other = UserFactory(roles=[Role.PESERTA])
    enrolment_create(user=other, course=course)
    client.force_login(other)
    url = reverse("lms:attempt", args=[attempt.uuid])

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "submit"}).status_code == 404
    attempt.refresh_from_db()
    assert attempt.is_open


def test_enrol_view_and_resume_at_last_lesson(client, course, lessons, learner):
    client.force_login(learner)

    client.post(reverse("lms:enrol", args=[course.pk]))
    assert Enrolment.objects.filter(user=learner, course=course, status="active").exists()

    client.get(lessons[1].url)
    response = client.get(reverse("lms:resume", args=[course.pk]))
    assert response["Location"] == lessons[1].url


def test_lesson_complete_view_records_progress(client, course, lessons, learner):
    enrolment_create(user=learner, course=course)
    client.force_login(learner)
    client.get(lessons[0].url)

    response = client.post(reverse("lms:lesson_complete", args=[lessons[0].pk]))

    assert response["Location"] == lessons[1].url
    assert Enrolment.objects.get(user=learner).progress_percent == 50


def test_lesson_complete_view_refuses_a_lesson_never_opened(client, course, lessons, learner):
    enrolment_create(user=learner, course=course)
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    response = client.post(
        reverse("lms:lesson_complete", args=[lessons[0].pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 302
    assert response["Location"] == lessons[0].url
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    assert "Open the lesson and study it" in page.content.decode()
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.progress_percent == 0
    assert not enrolment.lesson_progress.filter(completed_at__isnull=False).exists()


def test_lesson_complete_view_refuses_before_the_minimum_time(client, course, lessons, learner):
    lessons[0].minimum_minutes = 5
    lessons[0].save()
    enrolment_create(user=learner, course=course)
    client.force_login(learner)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(lessons[0].url)

    response = client.post(
        reverse("lms:lesson_complete", args=[lessons[0].pk]), HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response["Location"] == lessons[0].url
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "at least 5 minutes of study." in html  # the hint next to the button
    assert "you can mark it as completed in 5 minutes" in html  # the refusal
    assert Enrolment.objects.get(user=learner).progress_percent == 0


def test_preview_does_not_record_progress(client, course, lessons, trainer):
    enrolment_create(user=trainer, course=course, source="admin")
    client.force_login(trainer)

    client.get(reverse("wagtailadmin_pages:view_draft", args=(lessons[0].pk,)))

    assert not Enrolment.objects.get(user=trainer).lesson_progress.exists()


def _dashboard_data(learner, course_index, count, offset=0):
    for i in range(count):
        course = CoursePageFactory(parent=course_index, title=f"Kursus dasbor {offset + i}")
        lesson = LessonPageFactory(parent=course)
        enrolment = enrolment_create(
            user=learner,
            course=course,
            source="assignment" if i % 3 == 0 else "self",
            due_on=timezone.localdate() if i % 3 == 0 else None,
        )
        if i % 2:
            lesson_progress_open(user=learner, lesson=lesson)
            lesson_progress_complete(user=learner, lesson=lesson)
        else:
            client_open = enrolment
            client_open.last_lesson = lesson
            client_open.save()


def test_dashboard_query_count_does_not_grow_with_enrolments(client, course_index, learner):
    client.force_login(learner)
    _dashboard_data(learner, course_index, 2)
    dashboard = page_get(client, reverse("lms:dashboard"))

    assert_constant_queries(
        dashboard,
        grow=lambda: _dashboard_data(learner, course_index, 8, offset=10),
        limit=LEARNER_PAGE_LIMIT,
    )
    html = dashboard().content.decode()
    assert html.count('class="enrolment') + html.count("<tr>") >= 10


def test_dashboard_shows_overdue_and_jp(client, course_index, learner):
    import datetime as dt

    course = CoursePageFactory(parent=course_index, title="Wajib SAKIP", jp_hours=4)
    enrolment_create(
        user=learner,
        course=course,
        source="assignment",
        due_on=timezone.localdate() - dt.timedelta(days=2),
    )
    done = CoursePageFactory(parent=course_index, title="Selesai SPBE", jp_hours=6)
    completed = EnrolmentFactory(
        user=learner, course=done, status="completed", completed_at=timezone.now(), jp_earned=6
    )
    # The JP is the one rule's (competencies.selectors.jp.jp_total_for_employee): the
    # approved training record the certificate adds for the completed course.
    from competencies.services.records import training_record_from_course
    from tests.factories.competencies import EmployeeFactory

    training_record_from_course(
        employee=EmployeeFactory(user=learner),
        source_key=f"enrolment:{completed.pk}",
        title=done.title,
        organiser="BKPSDM",
        development_type=16,
        started_on=timezone.localdate(),
        finished_on=timezone.localdate(),
        jp=completed.jp_earned,
    )
    client.force_login(learner)

    html = client.get(reverse("lms:dashboard")).content.decode()

    assert "is-overdue" in html
    assert "Wajib SAKIP" in html and "Selesai SPBE" in html
    assert 'value="30"' in html  # 6 of the default 20 JP


def test_course_page_query_count_does_not_grow_with_enrolments(
    client, course, lessons, quiz, learner
):
    enrolment_create(user=learner, course=course)
    lesson_progress_open(user=learner, lesson=lessons[0])
    lesson_progress_complete(user=learner, lesson=lessons[0])
    client.force_login(learner)

    def grow():
        for _ in range(6):
            other = UserFactory()
            enrolment_create(user=other, course=course)
            lesson_progress_open(user=other, lesson=lessons[0])
            lesson_progress_complete(user=other, lesson=lessons[0])
        lesson_progress_open(user=learner, lesson=lessons[1])
        lesson_progress_complete(user=learner, lesson=lessons[1])
        attempt = quiz_attempt_start(user=learner, quiz=quiz)
        quiz_attempt_submit(user=learner, attempt=attempt, responses={})

    assert_constant_queries(page_get(client, course.url), grow=grow, limit=LEARNER_PAGE_LIMIT)


def test_catalogue_filters_search_and_empty_state(client, course_index, trainer):
    from competencies.models import Competency

    competency = Competency.objects.create(
        code="T-SKM", name_id="Pengukuran kepuasan", kind="teknis"
    )
    skm = CoursePageFactory(parent=course_index, title="Survei Kepuasan Masyarakat", jp_hours=4)
    skm.course_competencies.create(competency=competency, target_level=2)
    skm.save_revision().publish()
    CoursePageFactory(
        parent=course_index, title="SPBE Dasar", delivery_mode="blended", jp_hours=10,
        siasn_development_type=3,
    )  # fmt: skip
    lesson_course = CoursePageFactory(
        parent=course_index, title="Keterbukaan Informasi", jp_hours=2
    )
    LessonPageFactory(
        parent=lesson_course, title="PPID", summary="pejabat pengelola informasi dokumentasi"
    )

    def titles(**params):
        html = client.get(course_index.url, params).content.decode()
        return {
            t
            for t in ("Survei Kepuasan Masyarakat", "SPBE Dasar", "Keterbukaan Informasi")
            if t in html
        }

    assert len(titles()) == 3
    assert titles(competency=competency.pk) == {"Survei Kepuasan Masyarakat"}
    assert titles(delivery_mode="blended") == {"SPBE Dasar"}
    assert titles(jp_min=3, jp_max=5) == {"Survei Kepuasan Masyarakat"}
    assert titles(q="SPBE") == {"SPBE Dasar"}
    assert titles(q="dokumentasi") == {"Keterbukaan Informasi"}
    assert titles(language="en") == set()
    assert "empty-state" in client.get(course_index.url, {"language": "en"}).content.decode()


def test_catalogue_paginates(client, course_index, settings):
    for i in range(14):
        CoursePageFactory(parent=course_index, title=f"Kursus {i:02d}")

    first = client.get(course_index.url).content.decode()
    second = client.get(course_index.url, {"page": 2}).content.decode()

    assert "Kursus 00" in first and "Kursus 13" not in first
    assert "Kursus 13" in second and 'rel="prev"' in second


def test_catalogue_query_count_is_fixed(client, course_index):
    for i in range(2):
        CoursePageFactory(parent=course_index, title=f"A{i}")

    def grow():
        for i in range(8):
            CoursePageFactory(parent=course_index, title=f"B{i}")

    assert_constant_queries(page_get(client, course_index.url), grow=grow, limit=LEARNER_PAGE_LIMIT)


def test_evaluation_form_submits_once(client, course, learner):
    enrolment = enrolment_create(user=learner, course=course)
    client.force_login(learner)
    url = reverse("lms:evaluation", args=[course.pk])
    data = {"content_rating": 5, "trainer_rating": 4, "usefulness_rating": 3, "comments": "Bagus"}

    assert client.post(url, data).status_code == 302
    client.post(url, data)

    assert CourseEvaluation.objects.filter(enrolment=enrolment).count() == 1


def test_lesson_page_query_count_does_not_grow_with_enrolments(client, course, lessons, learner):
    enrolment_create(user=learner, course=course)
    client.force_login(learner)

    def grow():
        for _ in range(6):
            other = UserFactory()
            enrolment_create(user=other, course=course)
            lesson_progress_open(user=other, lesson=lessons[0])
            lesson_progress_complete(user=other, lesson=lessons[0])
        lesson_progress_open(user=learner, lesson=lessons[1])
        lesson_progress_complete(user=learner, lesson=lessons[1])
        lesson_progress_open(user=learner, lesson=lessons[0])  # the resume point, as before

    assert_constant_queries(page_get(client, lessons[0].url), grow=grow, limit=LEARNER_PAGE_LIMIT)
