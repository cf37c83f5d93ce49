"""A course goes to review, and is approved, in one confirmed action together with its
unpublished children (Wagtail's own workflow states and tasks)."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.urls import reverse

from wagtail.models import WorkflowState

import pytest

from accounts.roles import Role
from lms.models import CoursePage, LessonPage, QuizPage
from lms.services.authoring import TRAINING_HEAD_GROUP, course_authoring_setup
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory, LessonPageFactory, QuizPageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft_course(course_index):
    """A trainer's draft course with two draft lessons, a draft quiz and one lesson that
    is already published and unchanged."""
    course_authoring_setup(index=course_index)
    trainer = UserFactory(roles=[Role.PELATIH])
    course = CoursePageFactory(parent=course_index, title="Draf SAKIP", owner=trainer, live=False)
    course.save_revision(user=trainer)
    children = [
        LessonPageFactory(parent=course, title="Pelajaran satu", owner=trainer, live=False),
        LessonPageFactory(parent=course, title="Pelajaran dua", owner=trainer, live=False),
        QuizPageFactory(parent=course, title="Kuis akhir", owner=trainer, live=False),
    ]
    for child in children:
        child.save_revision(user=trainer)
    published = LessonPageFactory(parent=course, title="Sudah terbit", owner=trainer)
    return course, children, published, trainer


@pytest.fixture
def head(db):
    user = UserFactory()
    user.groups.add(Group.objects.get(name=TRAINING_HEAD_GROUP))
    return user


def _in_review(pages) -> set[int]:
    return {
        int(state.object_id)
        for state in WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS)
        if int(state.object_id) in {p.pk for p in pages}
    }


def test_submit_confirmation_lists_the_course_and_its_changed_children(client, draft_course):
    course, children, published, trainer = draft_course
    client.force_login(trainer)

    response = client.get(reverse("lms_course_review_submit", args=[course.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    for page in [course, *children]:
        assert page.title in html
    assert "Sudah terbit" not in html
    assert not WorkflowState.objects.exists()  # a GET only asks


def test_trainer_submits_the_whole_course_in_one_action(client, draft_course):
    course, children, published, trainer = draft_course
    client.force_login(trainer)

    response = client.post(reverse("lms_course_review_submit", args=[course.pk]))
    again = client.post(reverse("lms_course_review_submit", args=[course.pk]))

    assert response.status_code == 302 and again.status_code == 302
    assert _in_review([course, *children, published]) == {p.pk for p in [course, *children]}
    # A double submit starts nothing twice.
    assert WorkflowState.objects.count() == 4
    assert all(s.requested_by == trainer for s in WorkflowState.objects.all())


def test_trainer_cannot_submit_another_trainers_course(client, draft_course):
    course, children, published, trainer = draft_course
    other = UserFactory(roles=[Role.PELATIH])
    client.force_login(other)

    response = client.post(reverse("lms_course_review_submit", args=[course.pk]))

    assert response.status_code in {302, 403}
    assert not WorkflowState.objects.exists()


def test_reviewer_sees_every_page_in_review_with_a_link_and_approves_all(
    client, draft_course, head
):
    course, children, published, trainer = draft_course
    client.force_login(trainer)
    client.post(reverse("lms_course_review_submit", args=[course.pk]))
    client.force_login(head)

    page = client.get(reverse("lms_course_review_approve", args=[course.pk]))
    html = page.content.decode()
    response = client.post(reverse("lms_course_review_approve", args=[course.pk]))

    assert page.status_code == 200
    for item in [course, *children]:
        assert item.title in html
        # A link to each page's preview of the submitted revision.
        assert reverse("wagtailadmin_pages:edit", args=[item.pk]) in html
    assert response.status_code == 302
    assert CoursePage.objects.get(pk=course.pk).live
    assert all(LessonPage.objects.get(pk=c.pk).live for c in children[:2])
    assert QuizPage.objects.get(pk=children[2].pk).live
    assert not WorkflowState.objects.filter(status=WorkflowState.STATUS_IN_PROGRESS).exists()


def test_trainer_cannot_approve_their_own_course(client, draft_course):
    course, children, published, trainer = draft_course
    client.force_login(trainer)
    client.post(reverse("lms_course_review_submit", args=[course.pk]))

    response = client.post(reverse("lms_course_review_approve", args=[course.pk]))

    assert response.status_code in {302, 403}
    assert not CoursePage.objects.get(pk=course.pk).live
    assert len(_in_review([course, *children])) == 4


def test_course_edit_page_offers_the_course_actions(client, draft_course, head):
    course, children, published, trainer = draft_course
    client.force_login(trainer)

    edit = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()
    client.post(reverse("lms_course_review_submit", args=[course.pk]))
    client.force_login(head)
    review = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk])).content.decode()

    assert reverse("lms_course_review_submit", args=[course.pk]) in edit
    assert reverse("lms_course_review_approve", args=[course.pk]) in review


def test_trainers_field_offers_only_trainers(client, draft_course):
    course, children, published, trainer = draft_course
    learner = UserFactory(roles=[Role.PESERTA], first_name="Bukan", last_name="Pelatih")
    client.force_login(trainer)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))

    form = response.context["form"]
    trainers = form.fields["trainers"].queryset
    assert trainer in trainers
    assert learner not in trainers


def test_course_editor_uses_searchable_checkbox_lists(client, draft_course, course_index):
    course, children, published, trainer = draft_course
    other_course = CoursePageFactory(parent=course_index, title="Kursus prasyarat")
    client.force_login(trainer)

    response = client.get(reverse("wagtailadmin_pages:edit", args=[course.pk]))

    html = response.content.decode()
    form = response.context["form"]
    assert 'type="checkbox" name="trainers"' in html
    assert 'type="checkbox" name="prerequisites"' in html
    assert "data-select-filter" in html and "lms/js/select-filter.js" in html
    prerequisites = form.fields["prerequisites"].queryset
    assert other_course.page_ptr in prerequisites or other_course in prerequisites
    assert course not in prerequisites


def test_reviewer_approves_an_older_blended_course_without_a_siasn_type(client, draft_course, head):
    course, children, published, trainer = draft_course
    # Saved before the SIASN type was required (lms.W001 lists such courses).
    CoursePage.objects.filter(pk=course.pk).update(
        delivery_mode="blended", siasn_development_type=None
    )
    course = CoursePage.objects.get(pk=course.pk)
    course.save_revision(user=trainer)
    client.force_login(trainer)
    client.post(reverse("lms_course_review_submit", args=[course.pk]))
    client.force_login(head)

    response = client.post(reverse("lms_course_review_approve", args=[course.pk]))

    assert response.status_code == 302
    assert CoursePage.objects.get(pk=course.pk).live
    assert all(LessonPage.objects.get(pk=c.pk).live for c in children[:2])


def test_a_page_that_fails_validation_is_skipped_and_reported_not_the_whole_course(
    client, draft_course, head
):
    course, children, published, trainer = draft_course
    client.force_login(trainer)
    client.post(reverse("lms_course_review_submit", args=[course.pk]))
    # A revision the model would refuse on publishing (a validity without a certificate).
    revision = course.latest_revision
    revision.content.update(certificate_enabled=False, certificate_validity_months=12)
    revision.save(update_fields=["content"])
    client.force_login(head)

    response = client.post(reverse("lms_course_review_approve", args=[course.pk]), follow=True)

    assert response.status_code == 200
    assert not CoursePage.objects.get(pk=course.pk).live
    assert all(LessonPage.objects.get(pk=c.pk).live for c in children[:2])
    assert QuizPage.objects.get(pk=children[2].pk).live
    shown = [str(m) for m in response.context["messages"]]
    assert any(course.title in m for m in shown)
