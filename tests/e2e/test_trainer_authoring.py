"""Trainer authoring in the Wagtail admin: the demo Pelatih creates a course, a lesson
and a quiz under the catalogue and submits each to the "Penerbitan kursus" workflow
(lms.services.authoring.course_authoring_setup); the reviewer (the demo Administrator,
who may approve every task) approves them, which publishes them; the course is then
live on the portal with its lesson and quiz.

The quiz's question comes from the question bank (a separate admin screen); it is made
with the factory after the course exists, as the trainer would before adding the quiz."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import expect, sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE_TITLE = "Etika Pelayanan Digital (uji e2e)"


def _submit_for_review(page, shot, step: str, title: str) -> None:
    """Saves the page being edited and submits it to the catalogue's workflow."""
    from wagtail.models import Page, WorkflowState

    page.get_by_role("button", name=t("More actions")).first.click()
    page.get_by_role("button", name=re.compile("Penerbitan kursus")).click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text(title)
    shot(page, step)
    state = Page.objects.get(title=title).specific.current_workflow_state
    assert state is not None and state.status == WorkflowState.STATUS_IN_PROGRESS


def _save_draft(page, shot, step: str) -> None:
    slug = page.locator("#id_title").input_value().lower()
    page.get_by_role("tab", name=t("Promote")).click()
    page.locator("#id_slug").fill(re.sub(r"[^a-z0-9]+", "-", slug).strip("-"))
    page.get_by_role("button", name=t("Save draft")).click()
    try:
        page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    except Exception:
        shot(page, f"{step}-not-saved")
        raise


def _approve(page, page_obj, shot, step: str) -> None:
    """The reviewer approves the page's current task from its edit view."""
    page.goto(f"/admin/pages/{page_obj.pk}/edit/")
    page.get_by_role("button", name=t("More actions")).first.click()
    page.get_by_role("button", name=re.compile(rf"^{re.escape(t('Approve'))}")).first.click()
    page.wait_for_load_state()
    shot(page, step)


def test_trainer_creates_a_course_and_the_reviewer_publishes_it(
    page, demo_logins, shot, check_a11y
):
    from lms.models import CourseIndexPage, CoursePage, LessonPage, QuizPage
    from tests.factories.lms import choice_question

    index = CourseIndexPage.objects.get()
    trainer = demo_logins["Pelatih"]
    sign_in(page, trainer.email, trainer.password)

    page.goto(f"/admin/pages/add/lms/coursepage/{index.pk}/")
    page.locator("#id_title").fill(COURSE_TITLE)
    page.locator("#id_summary").fill("Sikap dan etika ASN saat melayani warga secara daring.")
    shot(page, "course-form")
    check_a11y(page)
    _save_draft(page, shot, "course")
    course = CoursePage.objects.get(title=COURSE_TITLE)
    assert not course.live
    _submit_for_review(page, shot, "course-submitted", COURSE_TITLE)

    page.goto(f"/admin/pages/add/lms/lessonpage/{course.pk}/")
    page.locator("#id_title").fill("Menjawab pesan warga")
    _save_draft(page, shot, "lesson")
    lesson = LessonPage.objects.child_of(course).get()
    _submit_for_review(page, shot, "lesson-submitted", lesson.title)

    question = choice_question(course=course, prompt="Pesan warga dijawab paling lambat?")
    page.goto(f"/admin/pages/add/lms/quizpage/{course.pk}/")
    page.locator("#id_title").fill("Kuis Etika")
    page.get_by_label(question.prompt).check()
    _save_draft(page, shot, "quiz")
    quiz = QuizPage.objects.child_of(course).get()
    _submit_for_review(page, shot, "quiz-submitted", quiz.title)
    assert not CoursePage.objects.get(pk=course.pk).live

    page.context.clear_cookies()
    reviewer = demo_logins["Administrator"]
    sign_in(page, reviewer.email, reviewer.password)
    for obj, step in ((course, "course"), (lesson, "lesson"), (quiz, "quiz")):
        _approve(page, obj, shot, f"{step}-approved")

    course.refresh_from_db()
    assert course.live
    assert LessonPage.objects.child_of(course).live().count() == 1
    assert QuizPage.objects.child_of(course).live().count() == 1

    page.goto(course.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE_TITLE)
    outline = page.locator("section", has=page.locator("#outline-heading"))
    expect(outline.get_by_role("link", name="Menjawab pesan warga")).to_be_visible()
    expect(outline.get_by_role("link", name="Kuis Etika")).to_be_visible()
    shot(page, "course-live")
    check_a11y(page)
