"""Demo courses for `manage.py seed_demo`: six Indonesian public-service courses with
lessons, question banks, quizzes (two with a pre-/post-test pair) and demo learners at
different stages. Idempotent: pages are found by slug, learner records are created only
when missing, so a second run leaves the same rows.

Content follows shared/DOMAIN.md §6. Regulation numbers marked UNVERIFIED there are not
presented as facts here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from wagtail.rich_text import RichText

import yaml

from competencies.models import Competency, OrgUnit
from competencies.siasn import DevelopmentType
from lms.models import (
    AttemptAnswer,
    Choice,
    CourseEvaluation,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    HomePage,
    LessonPage,
    Question,
    QuizAttempt,
    QuizPage,
)
from lms.services.authoring import course_authoring_setup
from lms.services.enrolments import (
    course_evaluation_submit,
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from lms.services.quizzes import essay_answer_grade, quiz_attempt_start, quiz_attempt_submit

if TYPE_CHECKING:
    from accounts.models import User


DATA_DIR = Path(__file__).with_name("courses_data")


def course_specs() -> list[dict[str, Any]]:
    """The demo courses, one YAML file each under courses_data/, in catalogue order (the
    file names' number). A file holds the course fields (`mode` and `policy` are choice
    values, `siasn_type` a DevelopmentType name), `competencies` (code: target level),
    `lessons` and `questions`.

    A lesson is a title and blocks: `text` (rich text), `callout` (a title; "Tips" shows as
    a tip) with `text`, or `accordion` (a title) with `items` of `heading` and `body`. Rich
    text is a list of paragraphs, each a string of inline HTML or `{list: [...]}` for a
    bulleted list. A question has `kind`, `prompt` and an optional `explanation`; single
    and multiple choice add `options` and `answer` (an index, or a list of indexes),
    true/false an `answer` (a boolean), short answer the `accepted` answers."""
    return [
        yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(DATA_DIR.glob("*.yaml"))
    ]


def _rich_text(parts: list[str | dict[str, list[str]]]) -> RichText:
    html = "".join(
        f"<p>{part}</p>"
        if isinstance(part, str)
        else "<ul>" + "".join(f"<li>{item}</li>" for item in part["list"]) + "</ul>"
        for part in parts
    )
    return RichText(html)


def _lesson_body(blocks: list[dict[str, Any]]) -> list[tuple[str, dict]]:
    body: list[tuple[str, dict]] = []
    for block in blocks:
        if "callout" in block:
            tone = "tip" if block["callout"] == "Tips" else "info"
            body.append(
                (
                    "callout",
                    {"kind": tone, "title": block["callout"], "text": _rich_text(block["text"])},
                )
            )
        elif "accordion" in block:
            items = [
                {"heading": item["heading"], "body": _rich_text(item["body"])}
                for item in block["items"]
            ]
            body.append(("accordion", {"title": block["accordion"], "items": items}))
        else:
            body.append(("text", {"text": _rich_text(block["text"])}))
    return body


def _course_index(home_page: HomePage) -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(
            title="Katalog Pelatihan",
            slug="katalog",
            intro=(
                "Pelatihan daring dan klasikal untuk ASN Pemerintah Kota Bontang. "
                "Saring menurut kompetensi, moda, atau JP."
            ),
        )
        home_page.add_child(instance=index)
        index.save_revision().publish()
    return index


def _questions(course: CoursePage, specs: list[dict[str, Any]]) -> list[Question]:
    existing = list(course.questions.order_by("pk"))
    if existing:
        return existing
    questions = []
    for spec in specs:
        kind = Question.Kind(spec["kind"])
        answer = spec.get("answer")
        question = Question(
            course=course,
            kind=kind,
            prompt=spec["prompt"],
            explanation=spec.get("explanation", ""),
            correct_true=answer if kind == Question.Kind.TRUE_FALSE else None,
            accepted_answers="\n".join(spec.get("accepted", [])),
            points=3 if kind == Question.Kind.ESSAY else 1,
        )
        question.full_clean()
        question.save()
        correct = set(answer if isinstance(answer, list) else [answer])
        for i, text in enumerate(spec.get("options", [])):
            Choice.objects.create(
                question=question, text=text, is_correct=i in correct, sort_order=i
            )
        questions.append(question)
    return questions


def _quiz(
    course: CoursePage, *, slug: str, title: str, role: str, questions, required: bool
) -> QuizPage:
    quiz = QuizPage.objects.child_of(course).filter(slug=slug).first()
    if quiz is None:
        quiz = QuizPage(
            title=title,
            slug=slug,
            role=role,
            pass_mark_percent=70,
            max_attempts=0 if role == QuizPage.Role.PRE_TEST else 3,
            time_limit_minutes=20 if role != QuizPage.Role.PRE_TEST else None,
            required_for_completion=required,
            owner=course.owner,
        )
        if role == QuizPage.Role.PRE_TEST:
            # A diagnostic over the post-test's questions: the score only, never the
            # answers (unlimited attempts would otherwise hand them out).
            quiz.review_correctness = QuizPage.Review.NEVER
            quiz.review_right_answer = QuizPage.Review.NEVER
            quiz.review_feedback = QuizPage.Review.NEVER
        elif all(q.kind != Question.Kind.ESSAY for q in questions) and len(questions) > 4:
            # Each attempt draws its own questions, so a second attempt is not the first
            # one again; the right answers wait for the last attempt or a pass (defaults).
            quiz.selection = QuizPage.Selection.RANDOM
            quiz.question_count = len(questions) - 2
        course.add_child(instance=quiz)
        quiz.questions.set(questions)
        quiz.save_revision().publish()
    return quiz


def _course(index: CourseIndexPage, spec: dict[str, Any], trainer: User) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if course is None:
        siasn_type = spec.get("siasn_type")
        course = CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            learning_objectives="\n".join(spec["objectives"]),
            jp_hours=spec["jp"],
            delivery_mode=CoursePage.DeliveryMode(spec["mode"]),
            siasn_development_type=siasn_type and DevelopmentType[siasn_type],
            enrolment_policy=CoursePage.EnrolmentPolicy(spec["policy"]),
            offering_unit=OrgUnit.objects.filter(code="BKPSDM.PKA").first(),
            certificate_validity_months=None,
            evaluation_required=True,
            owner=trainer,
        )
        index.add_child(instance=course)
        course.trainers.set([trainer])
        codes = spec["competencies"]
        for competency in Competency.objects.filter(code__in=codes):
            course.course_competencies.create(
                competency=competency, target_level=codes[competency.code]
            )
        course.save_revision().publish()
        for lesson_spec in spec["lessons"]:
            lesson = LessonPage(
                title=lesson_spec["title"],
                body=_lesson_body(lesson_spec["blocks"]),
                estimated_minutes=20,
                owner=trainer,
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
    questions = _questions(course, spec["questions"])
    auto = [q for q in questions if q.kind != Question.Kind.ESSAY]
    if spec["pre_post"]:
        _quiz(
            course,
            slug="pre-test",
            title="Pre-test",
            role=QuizPage.Role.PRE_TEST,
            questions=auto,
            required=False,
        )
        _quiz(
            course,
            slug="post-test",
            title="Post-test",
            role=QuizPage.Role.POST_TEST,
            questions=questions,
            required=True,
        )
    else:
        _quiz(
            course,
            slug="kuis-akhir",
            title="Kuis Akhir",
            role=QuizPage.Role.REGULAR,
            questions=auto,
            required=True,
        )
    return course


def _take_quiz(user: User, quiz: QuizPage, *, correct: int) -> None:
    """One graded attempt with `correct` right answers (skipped if any attempt exists)."""
    if QuizAttempt.objects.filter(user=user, quiz=quiz).exists():
        return
    attempt = quiz_attempt_start(user=user, quiz=quiz)
    responses: dict[int, list[str]] = {}
    answers = list(attempt.answers.select_related("question").prefetch_related("question__choices"))
    for answer in answers[:correct]:
        q = answer.question
        if q is None:
            continue
        if q.kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
            responses[answer.pk] = [str(c.pk) for c in q.choices.all() if c.is_correct]
        elif q.kind == Question.Kind.TRUE_FALSE:
            responses[answer.pk] = ["true" if q.correct_true else "false"]
        elif q.kind == Question.Kind.SHORT:
            responses[answer.pk] = [q.accepted_answer_list[0]]
        else:
            responses[answer.pk] = [
                "Saya menyambut warga lansia di loket dan membantu mengisi formulir (Berorientasi Pelayanan)."
            ]
    quiz_attempt_submit(user=user, attempt=attempt, responses=responses)


def _finish(
    user: User,
    course: CoursePage,
    *,
    grader: User,
    pre: int,
    post: int,
    rating: tuple[int, int, int],
    comment: str,
) -> None:
    enrolment = enrolment_create(user=user, course=course, source=Enrolment.Source.SELF)
    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        lesson_progress_open(user=user, lesson=lesson)
        lesson_progress_complete(user=user, lesson=lesson)
    for quiz in QuizPage.objects.child_of(course).live().order_by("path"):
        _take_quiz(user, quiz, correct=pre if quiz.role == QuizPage.Role.PRE_TEST else post)
    pending = AttemptAnswer.objects.filter(
        attempt__enrolment=enrolment, question_kind=Question.Kind.ESSAY, points_awarded__isnull=True
    ).exclude(attempt__status=QuizAttempt.Status.IN_PROGRESS)
    for answer in pending:
        essay_answer_grade(
            grader=grader,
            answer=answer,
            points=answer.max_points if answer.text_answer else Decimal(1),
            feedback="Contoh yang baik dan relevan."
            if answer.text_answer
            else "Jawaban belum diisi.",
        )
    if not CourseEvaluation.objects.filter(enrolment=enrolment).exists():
        course_evaluation_submit(
            user=user,
            enrolment=enrolment,
            content_rating=rating[0],
            trainer_rating=rating[1],
            usefulness_rating=rating[2],
            comments=comment,
        )


def demo_courses_seed(
    *, home_page: HomePage, trainer: User, learners: list[User]
) -> list[CoursePage]:
    """Creates the catalogue, the six demo courses and the authoring workflow, then puts
    the demo learners at different stages (completed, in progress, assigned, overdue)."""
    index = _course_index(home_page)
    course_authoring_setup(index=index)
    courses = {spec["slug"]: _course(index, spec, trainer) for spec in course_specs()}
    if not learners:
        return list(courses.values())
    today = timezone.localdate()
    first = learners[0]
    # Completed with a pre-/post-test pair and an evaluation.
    _finish(
        first,
        courses["pelayanan-prima-berakhlak"],
        grader=trainer,
        pre=3,
        post=9,
        rating=(5, 5, 4),
        comment="Materinya dekat dengan pekerjaan di loket.",
    )
    # In progress: first lesson done, resume at the second.
    enrolment_create(user=first, course=courses["standar-pelayanan-maklumat"])
    lessons = list(
        LessonPage.objects.child_of(courses["standar-pelayanan-maklumat"]).order_by("path")
    )
    lesson_progress_open(user=first, lesson=lessons[0])
    lesson_progress_complete(user=first, lesson=lessons[0])
    lesson_progress_open(user=first, lesson=lessons[1])
    pre = QuizPage.objects.child_of(courses["standar-pelayanan-maklumat"]).get(slug="pre-test")
    _take_quiz(first, pre, correct=4)
    # Assigned by HR: one due soon, one overdue.
    enrolment_create(
        user=first,
        course=courses["survei-kepuasan-masyarakat"],
        source=Enrolment.Source.ASSIGNMENT,
        due_on=today + dt.timedelta(days=21),
    )
    enrolment_create(
        user=first,
        course=courses["sakip-akuntabilitas-kinerja"],
        source=Enrolment.Source.ASSIGNMENT,
        due_on=today - dt.timedelta(days=5),
    )
    # A request waiting for the trainer's approval.
    enrolment_create(user=first, course=courses["keterbukaan-informasi-publik"])
    for other in learners[1:]:
        _finish(
            other,
            courses["spbe-layanan-digital"],
            grader=trainer,
            pre=0,
            post=7,
            rating=(4, 4, 5),
            comment="Perlu lebih banyak contoh aplikasi di Bontang.",
        )
        _finish(
            other,
            courses["pelayanan-prima-berakhlak"],
            grader=trainer,
            pre=5,
            post=7,
            rating=(4, 5, 4),
            comment="",
        )
    return list(courses.values())
