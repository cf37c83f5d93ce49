"""Shared data for the query-count guards: a small learning and HR data set that each test
can grow (`grow`) to check that a page's query count does not depend on the data size."""

from __future__ import annotations

import itertools
from collections.abc import Callable

from django.utils import timezone

import pytest

from accounts.roles import Role
from competencies.models import TrainingRecord
from competencies.services.summaries import jp_years_refresh
from lms.models import Enrolment, LessonProgress
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.factories.lms import (
    CourseIndexPageFactory,
    CoursePageFactory,
    LessonPageFactory,
    QuizPageFactory,
    choice_question,
)
from tests.perf.queries import assert_constant_queries, page_get

_serial = itertools.count(1)


class Scale:
    """A catalogue with courses (lessons and a quiz), a unit of employees with
    enrolments, lesson progress and training records; `grow()` adds more of each."""

    def __init__(self, home_page) -> None:
        self.index = CourseIndexPageFactory(parent=home_page)
        self.unit = OrgUnitFactory(code=f"PERF{next(_serial)}")
        self.courses: list = []
        self.learner = EmployeeFactory(unit=self.unit, user__roles=[Role.PESERTA]).user
        self.hr = UserFactory(roles=[Role.PENGELOLA_SDM])
        self.grow(courses=2, employees=2)
        self.course = self.courses[0]
        self.lesson = (
            self.course.get_children().type(LessonPageFactory._meta.model).first().specific
        )
        self.quiz = self.course.get_children().type(QuizPageFactory._meta.model).first().specific

    def grow(self, *, courses: int = 3, employees: int = 5) -> None:
        """More courses in the catalogue, more employees, and more enrolments, progress
        and records for the learner and for everyone else."""
        now = timezone.now()
        new = []
        for _ in range(courses):
            n = next(_serial)
            course = CoursePageFactory(parent=self.index, title=f"Kursus {n}", jp_hours=4)
            lessons = [LessonPageFactory(parent=course, title=f"Materi {n}.{i}") for i in range(3)]
            QuizPageFactory(parent=course, title=f"Kuis {n}", pass_mark_percent=50)
            choice_question(course=course, prompt=f"Soal {n}?")
            new.append((course, lessons))
            self.courses.append(course)
        people = [self.learner] + [EmployeeFactory(unit=self.unit).user for _ in range(employees)]
        for user in people:
            for i, (course, lessons) in enumerate(new):
                done = i % 2 == 1
                enrolment = Enrolment.objects.create(
                    user=user,
                    course=course,
                    course_title=course.title,
                    status=Enrolment.Status.COMPLETED if done else Enrolment.Status.ACTIVE,
                    source=Enrolment.Source.SELF,
                    enrolled_at=now,
                    completed_at=now if done else None,
                    jp_earned=4 if done else None,
                    progress_percent=100 if done else 30,
                    last_lesson=lessons[0],
                )
                LessonProgress.objects.bulk_create(
                    [
                        LessonProgress(
                            enrolment=enrolment,
                            lesson=lesson,
                            lesson_title=lesson.title,
                            first_opened_at=now,
                            last_opened_at=now,
                            completed_at=now if done else None,
                        )
                        for lesson in lessons
                    ]
                )
                if done:
                    TrainingRecord.objects.create(
                        employee=user.employee,
                        source=TrainingRecord.Source.COURSE,
                        source_key=f"enrolment:{enrolment.pk}",
                        title=course.title,
                        organiser="BKPSDM",
                        development_type=course.siasn_type_id,
                        started_on=now.date(),
                        finished_on=now.date(),
                        jp=4,
                        status=TrainingRecord.Status.APPROVED,
                    )
                    jp_years_refresh(employee_ids=[user.employee.pk])  # as the services do


@pytest.fixture
def scale(home_page) -> Scale:
    return Scale(home_page)


@pytest.fixture
def constant_queries(client) -> Callable:
    """Signs `user` in and holds the page at `url` (or the URL a callable returns) to the
    same query count before and after `scale.grow()`, and to `limit` when given."""

    def check(scale: Scale, url: Callable[[], str] | str, user, *, limit: int | None = None) -> int:
        client.force_login(user)
        return assert_constant_queries(page_get(client, url), grow=scale.grow, limit=limit)

    return check
