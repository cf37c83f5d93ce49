from __future__ import annotations

from io import StringIO

from django.contrib.auth.models import Group
from django.core.management import call_command
from django.urls import reverse

from wagtail.models import GroupPagePermission, Workflow
from wagtail.test.utils.form_data import inline_formset, nested_form_data

import pytest

from accounts.roles import Role
from lms.models import CoursePage, Question
from lms.services.authoring import TRAINING_HEAD_GROUP, WORKFLOW_NAME, course_authoring_setup
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def authoring(course_index):
    return course_authoring_setup(index=course_index)


def test_setup_is_idempotent(course_index):
    course_authoring_setup(index=course_index)
    counts = (GroupPagePermission.objects.count(), Workflow.objects.count())

    call_command("setup_course_authoring", stdout=StringIO())

    assert (GroupPagePermission.objects.count(), Workflow.objects.count()) == counts
    assert course_index.get_workflow().name == WORKFLOW_NAME


def test_trainer_edits_own_course_but_not_another_trainers(authoring, course_index):
    alice = UserFactory(roles=[Role.PELATIH])
    bob = UserFactory(roles=[Role.PELATIH])
    alices = CoursePageFactory(parent=course_index, title="Kursus Alice", owner=alice)
    bobs = CoursePageFactory(parent=course_index, title="Kursus Bob", owner=bob)
    lesson = LessonPageFactory(parent=bobs, owner=bob)

    assert alices.permissions_for_user(alice).can_edit()
    assert not bobs.permissions_for_user(alice).can_edit()
    assert not lesson.permissions_for_user(alice).can_edit()
    assert not alices.permissions_for_user(alice).can_publish()


def test_trainer_edit_view_of_another_trainers_course_is_refused(client, authoring, course_index):
    alice = UserFactory(roles=[Role.PELATIH])
    bob = UserFactory(roles=[Role.PELATIH])
    bobs = CoursePageFactory(parent=course_index, title="Kursus Bob", owner=bob)
    client.force_login(alice)

    refused = client.get(reverse("wagtailadmin_pages:edit", args=[bobs.pk]))
    bobs.title = "Diubah Alice"
    client.post(reverse("wagtailadmin_pages:edit", args=[bobs.pk]), {"title": "Diubah Alice"})

    assert refused.status_code == 302
    assert refused["Location"] == reverse("wagtailadmin_home")
    bobs.refresh_from_db()
    assert bobs.title == "Kursus Bob" and bobs.latest_revision is None


def test_trainer_can_create_a_course_in_the_catalogue(authoring, course_index):
    alice = UserFactory(roles=[Role.PELATIH])

    assert course_index.permissions_for_user(alice).can_add_subpage()


def test_hr_cannot_edit_content(authoring, course_index):
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    course = CoursePageFactory(parent=course_index)

    assert not course.permissions_for_user(hr).can_edit()
    assert not course_index.permissions_for_user(hr).can_add_subpage()


def test_training_head_can_publish(authoring, course_index):
    head = UserFactory()
    head.groups.add(Group.objects.get(name=TRAINING_HEAD_GROUP))
    course = CoursePageFactory(parent=course_index, owner=UserFactory(roles=[Role.PELATIH]))

    assert course.permissions_for_user(head).can_publish()


def test_trainer_submits_course_to_the_workflow(client, authoring, course_index):
    alice = UserFactory(roles=[Role.PELATIH])
    course = CoursePageFactory(parent=course_index, title="Draf SAKIP", owner=alice, live=False)
    workflow = course.get_workflow()
    course.save_revision(user=alice)

    workflow.start(course, alice)

    course.refresh_from_db()
    state = course.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert state.current_task_state.task.specific.groups.filter(name=TRAINING_HEAD_GROUP).exists()
    assert not CoursePage.objects.get(pk=course.pk).live


def test_question_bank_shows_a_trainer_only_their_courses(client, authoring, course_index):
    from tests.factories.lms import QuestionFactory

    alice = UserFactory(roles=[Role.PELATIH])
    bob = UserFactory(roles=[Role.PELATIH])
    alices = CoursePageFactory(parent=course_index, title="Kursus Alice", owner=alice)
    bobs = CoursePageFactory(parent=course_index, title="Kursus Bob", owner=bob)
    QuestionFactory(course=alices, prompt="Soal milik Alice")
    bob_question = QuestionFactory(course=bobs, prompt="Soal milik Bob")
    client.force_login(alice)

    index = client.get(reverse("lms_questions:index")).content.decode()
    edit = client.get(reverse("lms_questions:edit", args=[bob_question.pk]))

    def add(course):
        return client.post(
            reverse("lms_questions:add"),
            nested_form_data(
                {
                    "course": course.pk,
                    "kind": "short",
                    "prompt": f"Soal baru untuk {course.title}",
                    "difficulty": "easy",
                    "points": 1,
                    "choices": inline_formset([]),
                    "correct_true": "",
                    "accepted_answers": "SKM",
                    "explanation": "",
                }
            ),
        )

    assert "Soal milik Alice" in index and "Soal milik Bob" not in index
    assert edit.status_code in {302, 403}
    assert add(bobs).status_code == 200
    assert add(alices).status_code == 302
    assert set(
        Question.objects.filter(prompt__startswith="Soal baru").values_list("course_id", flat=True)
    ) == {alices.pk}
