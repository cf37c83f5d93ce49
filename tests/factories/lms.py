from __future__ import annotations

import factory
import wagtail_factories

from lms.models import (
    Choice,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    Question,
    QuizPage,
)
from tests.factories.accounts import UserFactory


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    title = "Katalog Pelatihan"
    slug = "katalog"

    class Meta:
        model = CourseIndexPage


class CoursePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Kursus {n}")
    summary = "Ringkasan kursus."
    evaluation_required = False

    class Meta:
        model = CoursePage


class LessonPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Pelajaran {n}")

    class Meta:
        model = LessonPage


class QuizPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Kuis {n}")
    max_attempts = 3
    shuffle_options = False

    class Meta:
        model = QuizPage


class QuestionFactory(factory.django.DjangoModelFactory):
    prompt = factory.Sequence(lambda n: f"Pertanyaan {n}?")
    kind = Question.Kind.SINGLE

    class Meta:
        model = Question


class ChoiceFactory(factory.django.DjangoModelFactory):
    text = factory.Sequence(lambda n: f"Pilihan {n}")

    class Meta:
        model = Choice


class EnrolmentFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    course_title = factory.LazyAttribute(lambda o: o.course.title)
    status = Enrolment.Status.ACTIVE
    source = Enrolment.Source.SELF

    class Meta:
        model = Enrolment


def choice_question(
    *, course, correct: str = "Benar", wrong: tuple[str, ...] = ("Salah",), **kwargs
):
    """A single-choice question with one correct option."""
    question = QuestionFactory(course=course, **kwargs)
    ChoiceFactory(question=question, text=correct, is_correct=True, sort_order=0)
    for i, text in enumerate(wrong, start=1):
        ChoiceFactory(question=question, text=text, is_correct=False, sort_order=i)
    return question
