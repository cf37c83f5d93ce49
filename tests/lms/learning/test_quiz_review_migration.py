"""Migration lms/0009_learning_integrity replaces a quiz's single `feedback` setting with
four review options. Saved revisions (drafts, scheduled or in review) are mapped like the
live rows: publishing an old revision must not bring the model defaults back, e.g. show
scores and answers of an exam that showed nothing."""

from __future__ import annotations

import importlib

from django.apps import apps

import pytest

from lms.models import QuizPage
from tests.factories.lms import QuizPageFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("lms.migrations.0009_learning_integrity")

REVIEW_FIELDS = ["review_score", "review_correctness", "review_right_answer", "review_feedback"]


def _old_revision(quiz: QuizPage, feedback: str):
    """A revision saved before the migration: `feedback`, no review options."""
    revision = quiz.save_revision()
    for field in REVIEW_FIELDS:
        revision.content.pop(field)
    revision.content["feedback"] = feedback
    revision.save(update_fields=["content"])
    return revision


@pytest.mark.parametrize(
    ("feedback", "expected"),
    [
        ("none", ["never", "never", "never", "never"]),
        ("score", ["attempt", "never", "never", "never"]),
        ("full", ["attempt", "attempt", "final", "final"]),
    ],
)
def test_quiz_revisions_get_the_review_options_of_their_old_feedback(course, feedback, expected):
    quiz = QuizPageFactory(parent=course, title="Ujian akhir")
    revision = _old_revision(quiz, feedback)

    migration.feedback_to_review_options_in_revisions(apps)

    revision.refresh_from_db()
    assert "feedback" not in revision.content
    restored = revision.as_object()
    assert [getattr(restored, field) for field in REVIEW_FIELDS] == expected


def test_exam_revision_without_feedback_stays_closed_when_published(course):
    quiz = QuizPageFactory(parent=course, title="Ujian akhir")
    revision = _old_revision(quiz, "none")

    migration.feedback_to_review_options_in_revisions(apps)
    revision.refresh_from_db()
    revision.publish()

    quiz = QuizPage.objects.get(pk=quiz.pk)
    assert [getattr(quiz, field) for field in REVIEW_FIELDS] == ["never"] * 4


def test_reverse_puts_feedback_back_in_quiz_revisions(course):
    quiz = QuizPageFactory(parent=course, title="Ujian akhir")
    revision = _old_revision(quiz, "score")

    migration.feedback_to_review_options_in_revisions(apps)
    migration.review_options_to_feedback_in_revisions(apps)

    revision.refresh_from_db()
    assert revision.content["feedback"] == "score"
    assert not set(REVIEW_FIELDS) & set(revision.content)


def test_revisions_of_other_pages_are_left_alone(course):
    revision = course.save_revision()
    revision.content["feedback"] = "none"
    revision.save(update_fields=["content"])

    migration.feedback_to_review_options_in_revisions(apps)

    revision.refresh_from_db()
    assert revision.content["feedback"] == "none"
