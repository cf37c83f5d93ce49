"""The question bank and quiz attempts. Attempts are records: they keep snapshots of the
quiz and question texts and survive the deletion of either."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.models import Orderable


class Question(ClusterableModel):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        TRUE_FALSE = "true_false", _("True or false")
        SHORT = "short", _("Short answer")
        ESSAY = "essay", _("Essay (graded by a trainer)")

    class Difficulty(models.TextChoices):
        EASY = "easy", _("Easy")
        MEDIUM = "medium", _("Medium")
        HARD = "hard", _("Hard")

    course = models.ForeignKey(
        "lms.CoursePage",
        verbose_name=_("course"),
        on_delete=models.CASCADE,
        related_name="questions",
    )
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.SINGLE)
    prompt = models.TextField(_("question"))
    explanation = models.TextField(
        _("explanation"), blank=True, help_text=_("Shown after submission when the quiz allows.")
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        verbose_name=_("competency"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=6, choices=Difficulty.choices, default=Difficulty.MEDIUM
    )
    points = models.PositiveSmallIntegerField(
        _("points"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    category = models.CharField(
        _("category"),
        max_length=100,
        blank=True,
        help_text=_("A quiz with random selection can draw its questions from one category."),
    )
    correct_true = models.BooleanField(
        _("the statement is true"), null=True, blank=True, help_text=_("For true/false questions.")
    )
    accepted_answers = models.TextField(
        _("accepted answers"),
        blank=True,
        help_text=_("For short answers: one per line, compared without regard to case."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("course"),
        FieldPanel("kind"),
        FieldPanel("prompt"),
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("competency"),
                FieldPanel("difficulty"),
                FieldPanel("points"),
            ],
            heading=_("Tags and weight"),
        ),
        InlinePanel(
            "choices", heading=_("Options (single and multiple choice)"), label=_("option")
        ),
        FieldPanel("correct_true"),
        FieldPanel("accepted_answers"),
        FieldPanel("explanation"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["course", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(points__gte=1, points__lte=100), name="lms_question_points_range"
            ),
        ]

    def __str__(self) -> str:
        return self.prompt[:80]

    @property
    def accepted_answer_list(self) -> list[str]:
        return [line.strip() for line in self.accepted_answers.splitlines() if line.strip()]

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.TRUE_FALSE and self.correct_true is None:
            raise ValidationError({"correct_true": _("Say whether the statement is true.")})
        if self.kind == self.Kind.SHORT and not self.accepted_answer_list:
            raise ValidationError({"accepted_answers": _("Give at least one accepted answer.")})


class Choice(Orderable):
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.CharField(_("option"), max_length=500)
    is_correct = models.BooleanField(_("correct"), default=False)

    panels = [FieldPanel("text"), FieldPanel("is_correct")]

    class Meta(Orderable.Meta):
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self) -> str:
        return self.text


class QuizAttempt(models.Model):
    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        AWAITING_GRADING = "awaiting", _("Awaiting essay grading")
        GRADED = "graded", _("Graded")

    # Public identifier used in URLs, so attempt numbers cannot be guessed.
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="quiz_attempts"
    )
    enrolment = models.ForeignKey(
        "lms.Enrolment", on_delete=models.PROTECT, related_name="quiz_attempts", db_index=False
    )
    quiz = models.ForeignKey(
        "lms.QuizPage", on_delete=models.SET_NULL, null=True, related_name="attempts"
    )
    quiz_title = models.CharField(_("quiz title"), max_length=255)
    quiz_role = models.CharField(_("quiz role"), max_length=10)
    number = models.PositiveSmallIntegerField(_("attempt number"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    was_late = models.BooleanField(_("submitted after the deadline"), default=False)
    pass_mark_percent = models.PositiveSmallIntegerField(_("pass mark (%)"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2, default=0)
    score_percent = models.DecimalField(
        _("score (%)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    passed = models.BooleanField(_("passed"), null=True, blank=True)

    class Meta:
        verbose_name = _("quiz attempt")
        verbose_name_plural = _("quiz attempts")
        ordering = ["enrolment", "quiz", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "quiz", "number"], name="lms_attempt_number_unique"
            ),
            models.UniqueConstraint(
                fields=["enrolment", "quiz"],
                condition=models.Q(status="in_progress"),
                name="lms_attempt_one_open_per_quiz",
            ),
            models.CheckConstraint(
                condition=models.Q(score_percent__isnull=True)
                | models.Q(score_percent__gte=0, score_percent__lte=100),
                name="lms_attempt_score_percent_range",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gte=0, pass_mark_percent__lte=100),
                name="lms_attempt_pass_mark_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quiz_title} #{self.number} — {self.user}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.IN_PROGRESS


class AttemptAnswer(models.Model):
    """One question as it was shown in an attempt, with the learner's answer and its grade."""

    attempt = models.ForeignKey(
        QuizAttempt, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(
        Question, on_delete=models.SET_NULL, null=True, related_name="answers"
    )
    position = models.PositiveSmallIntegerField()
    question_kind = models.CharField(max_length=10, choices=Question.Kind.choices)
    question_prompt = models.TextField()
    # The option ids in the order this learner saw them.
    option_order = models.JSONField(default=list, blank=True)
    selected_choices = models.JSONField(default=list, blank=True)
    text_answer = models.TextField(blank=True, max_length=10_000)
    max_points = models.DecimalField(max_digits=6, decimal_places=2)
    points_awarded = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    is_correct = models.BooleanField(null=True, blank=True)
    feedback = models.TextField(_("feedback"), blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    graded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"], name="lms_answer_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(points_awarded__isnull=True)
                | (
                    models.Q(points_awarded__gte=0)
                    & models.Q(points_awarded__lte=models.F("max_points"))
                ),
                name="lms_answer_points_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} — {self.position}"
