from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from lms.models import CoursePage, Enrolment
from lms.services.enrolments import enrolment_create, enrolment_request_decide
from tests.factories.lms import CoursePageFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def test_enrolment_create_open_course_enrols_at_once(course, learner):
    enrolment = enrolment_create(user=learner, course=course)

    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.source == Enrolment.Source.SELF
    assert enrolment.course_title == course.title


def test_enrolment_create_returns_the_existing_enrolment(course, learner):
    first = enrolment_create(user=learner, course=course)
    second = enrolment_create(user=learner, course=course)

    assert first.pk == second.pk
    assert Enrolment.objects.filter(user=learner, course=course).count() == 1


def test_database_refuses_a_second_enrolment(course, learner):
    from django.db import IntegrityError, transaction

    EnrolmentFactory(user=learner, course=course)
    with pytest.raises(IntegrityError), transaction.atomic():
        Enrolment.objects.create(user=learner, course=course, course_title="x", source="self")


def test_enrolment_create_by_approval_makes_a_request(course_index, learner, trainer):
    course = CoursePageFactory(
        parent=course_index, enrolment_policy=CoursePage.EnrolmentPolicy.APPROVAL, owner=trainer
    )

    enrolment = enrolment_create(user=learner, course=course)
    assert enrolment.status == Enrolment.Status.REQUESTED

    enrolment_request_decide(enrolment=enrolment, approve=True, actor=trainer)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.decided_by == trainer


def test_enrolment_create_assigned_only_refuses_self_enrolment(course_index, learner):
    course = CoursePageFactory(
        parent=course_index, enrolment_policy=CoursePage.EnrolmentPolicy.ASSIGNED
    )

    with pytest.raises(PermissionDenied):
        enrolment_create(user=learner, course=course)

    enrolment = enrolment_create(
        user=learner, course=course, source="assignment", due_on=dt.date(2026, 12, 31)
    )
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert enrolment.due_on == dt.date(2026, 12, 31)


def test_assignment_of_an_existing_enrolment_sets_the_due_date(course, learner):
    enrolment_create(user=learner, course=course)

    enrolment = enrolment_create(
        user=learner, course=course, source="assignment", due_on=dt.date(2027, 1, 15)
    )

    assert enrolment.source == Enrolment.Source.ASSIGNMENT
    assert enrolment.due_on == dt.date(2027, 1, 15)
    assert Enrolment.objects.count() == 1


def test_enrolment_create_requires_completed_prerequisites(course_index, course, learner):
    advanced = CoursePageFactory(parent=course_index, title="Lanjutan")
    advanced.prerequisites.add(course)
    advanced.save()

    with pytest.raises(ValidationError):
        enrolment_create(user=learner, course=advanced)

    EnrolmentFactory(
        user=learner,
        course=course,
        status=Enrolment.Status.COMPLETED,
        completed_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
    )
    assert enrolment_create(user=learner, course=advanced).status == Enrolment.Status.ACTIVE


def test_enrolment_create_refuses_unpublished_course(course_index, learner):
    course = CoursePageFactory(parent=course_index, live=False)

    with pytest.raises(ValidationError):
        enrolment_create(user=learner, course=course)
