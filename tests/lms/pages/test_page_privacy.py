"""Wagtail page privacy (PageViewRestriction) holds on every learner endpoint that acts on a
course, lesson or quiz page, not only when the page itself is served (docs/security.md,
"Page privacy and Wagtail's built-in views")."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from accounts.roles import Role
from lms.models import Enrolment, LessonProgress, QuizAttempt
from lms.services.enrolments import enrolment_create
from lms.services.quizzes import quiz_attempt_start
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

DENIED = {403, 404}


@pytest.fixture
def members_only(course):
    """The course page is restricted to one group (Wagtail's "Privacy" setting)."""
    group = Group.objects.create(name="Tim Kesehatan")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    return group


def test_a_restricted_course_page_is_not_served_to_outsiders(client, course, learner, members_only):
    """The premise: Wagtail itself refuses to serve the page to someone outside the group."""
    client.force_login(learner)

    assert client.get(course.url).status_code != 200


def test_outsider_cannot_enrol_in_a_restricted_course(client, course, learner, members_only):
    client.force_login(learner)

    response = client.post(reverse("lms:enrol", args=[course.pk]))

    assert response.status_code in DENIED
    assert not Enrolment.objects.filter(user=learner).exists()


def test_outsider_cannot_complete_a_lesson_or_start_a_quiz_of_a_restricted_course(
    client, course, lessons, quiz, learner
):
    # Enrolled before the trainer made the course private.
    enrolment_create(user=learner, course=course)
    group = Group.objects.create(name="Tim Kesehatan")
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(group)
    client.force_login(learner)

    lesson = client.post(reverse("lms:lesson_complete", args=[lessons[0].pk]))
    start = client.post(reverse("lms:quiz_start", args=[quiz.pk]))
    resume = client.get(reverse("lms:resume", args=[course.pk]))
    evaluation = client.get(reverse("lms:evaluation", args=[course.pk]))

    assert {lesson.status_code, start.status_code, resume.status_code} <= DENIED
    assert evaluation.status_code in DENIED
    assert not LessonProgress.objects.filter(enrolment__user=learner).exists()
    assert not QuizAttempt.objects.filter(enrolment__user=learner).exists()


def test_outsider_cannot_answer_an_attempt_started_before_the_restriction(
    client, course, quiz, learner
):
    enrolment_create(user=learner, course=course)
    attempt = quiz_attempt_start(user=learner, quiz=quiz)
    restriction = PageViewRestriction.objects.create(
        page=quiz, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Tim Kesehatan"))
    client.force_login(learner)
    url = reverse("lms:attempt", kwargs={"attempt_uuid": attempt.uuid})

    shown = client.get(url)
    submitted = client.post(url, {"action": "submit"})

    assert {shown.status_code, submitted.status_code} <= DENIED
    attempt.refresh_from_db()
    assert attempt.is_open


def test_a_member_of_the_group_enrols(client, course, members_only):
    member = UserFactory(roles=[Role.PESERTA])
    member.groups.add(members_only)
    client.force_login(member)

    response = client.post(reverse("lms:enrol", args=[course.pk]))

    assert response.status_code == 302
    assert Enrolment.objects.filter(user=member, course=course).exists()


def test_a_password_restriction_holds_until_the_password_was_given(client, course, learner):
    restriction = PageViewRestriction.objects.create(
        page=course, restriction_type=PageViewRestriction.PASSWORD, password="rahasia-kursus"
    )
    client.force_login(learner)

    refused = client.post(reverse("lms:enrol", args=[course.pk]))
    assert refused.status_code in DENIED
    assert not Enrolment.objects.filter(user=learner).exists()

    # Wagtail's own password form (the one the course page shows) remembers the pass.
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, course.pk]),
        {"password": "rahasia-kursus", "return_url": course.url},
    )
    accepted = client.post(reverse("lms:enrol", args=[course.pk]))

    assert accepted.status_code == 302
    assert Enrolment.objects.filter(user=learner, course=course).exists()
