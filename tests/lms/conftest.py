from __future__ import annotations

import pytest

from accounts.roles import Role
from tests.factories.accounts import UserFactory
from tests.factories.lms import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    QuizPageFactory,
    choice_question,
)


@pytest.fixture
def course_index(home_page):
    return CourseIndexPageFactory(parent=home_page)


@pytest.fixture
def trainer(db):
    return UserFactory(roles=[Role.PELATIH])


@pytest.fixture
def learner(db):
    return UserFactory(roles=[Role.PESERTA])


@pytest.fixture
def course(course_index, trainer):
    course = CoursePageFactory(parent=course_index, title="Pelayanan Prima", owner=trainer)
    course.trainers.add(trainer)
    course.save()
    return course


@pytest.fixture
def lessons(course):
    return [LessonPageFactory(parent=course, title=f"Pelajaran {i}") for i in (1, 2)]


@pytest.fixture
def quiz(course):
    quiz = QuizPageFactory(parent=course, title="Kuis akhir", pass_mark_percent=50)
    for i in range(2):
        choice_question(course=course, prompt=f"Soal {i}?", correct=f"Jawaban benar {i}")
    return quiz
