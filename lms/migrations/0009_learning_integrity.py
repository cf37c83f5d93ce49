"""Learning integrity (issue 15, item 2): a minimum time per lesson, question categories for
random draws, and per-moment quiz review options that replace the single `feedback` setting.
Existing quizzes move to the safe default (right answers and explanations only after the
last attempt or a pass); a quiz that showed less keeps showing less. Saved revisions of
quizzes are mapped the same way, so publishing an old draft keeps the quiz's settings."""

from django.db import migrations, models

REVIEW_CHOICES = [
    ("attempt", "After each attempt"),
    ("final", "After the last attempt or a pass"),
    ("never", "Never"),
]


# full (the old default, which showed every right answer after any attempt) → safe default
FEEDBACK_TO_REVIEW = {
    "full": {
        "review_score": "attempt",
        "review_correctness": "attempt",
        "review_right_answer": "final",
        "review_feedback": "final",
    },
    "score": {
        "review_score": "attempt",
        "review_correctness": "never",
        "review_right_answer": "never",
        "review_feedback": "never",
    },
    "none": {
        "review_score": "never",
        "review_correctness": "never",
        "review_right_answer": "never",
        "review_feedback": "never",
    },
}
REVIEW_FIELDS = ["review_score", "review_correctness", "review_right_answer", "review_feedback"]


def _review_to_feedback(options):
    if options.get("review_score") == "never":
        return "none"
    if options.get("review_right_answer") == "never":
        return "score"
    return "full"


def _quiz_revisions(apps):
    """Saved drafts, scheduled and in-review revisions of quizzes: publishing one restores
    the page from its JSON, so it must carry the same settings as the live row."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Revision = apps.get_model("wagtailcore", "Revision")
    content_type = ContentType.objects.filter(app_label="lms", model="quizpage").first()
    if content_type is None:
        return Revision.objects.none()
    return Revision.objects.filter(content_type=content_type)


def feedback_to_review_options_in_revisions(apps):
    for revision in _quiz_revisions(apps).iterator():
        content = revision.content
        if not isinstance(content, dict) or "feedback" not in content:
            continue
        # An unknown value takes the model defaults, as the live row does.
        content.update(FEEDBACK_TO_REVIEW.get(content.pop("feedback"), {}))
        revision.save(update_fields=["content"])


def feedback_to_review_options(apps, schema_editor):
    QuizPage = apps.get_model("lms", "QuizPage")
    for feedback, options in FEEDBACK_TO_REVIEW.items():
        QuizPage.objects.filter(feedback=feedback).update(**options)
    feedback_to_review_options_in_revisions(apps)


def review_options_to_feedback_in_revisions(apps):
    for revision in _quiz_revisions(apps).iterator():
        content = revision.content
        if not isinstance(content, dict) or "review_score" not in content:
            continue
        content["feedback"] = _review_to_feedback(content)
        for field in REVIEW_FIELDS:
            content.pop(field, None)
        revision.save(update_fields=["content"])


def review_options_to_feedback(apps, schema_editor):
    QuizPage = apps.get_model("lms", "QuizPage")
    QuizPage.objects.filter(review_score="never").update(feedback="none")
    QuizPage.objects.exclude(review_score="never").filter(review_right_answer="never").update(
        feedback="score"
    )
    review_options_to_feedback_in_revisions(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("lms", "0008_certificate_image_files"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.AddField(
            model_name="lessonpage",
            name="minimum_minutes",
            field=models.PositiveSmallIntegerField(
                default=0,
                help_text="A learner can mark the lesson complete only this long after first "
                "opening it. 0 means no minimum.",
                verbose_name="minimum time (minutes)",
            ),
        ),
        migrations.AddField(
            model_name="question",
            name="category",
            field=models.CharField(
                blank=True,
                help_text="A quiz with random selection can draw its questions from one category.",
                max_length=100,
                verbose_name="category",
            ),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="draw_category",
            field=models.CharField(
                blank=True,
                help_text="For random selection: draw from the course's questions in this "
                "category instead of the chosen questions.",
                max_length=100,
                verbose_name="draw from category",
            ),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_score",
            field=models.CharField(
                choices=REVIEW_CHOICES,
                default="attempt",
                max_length=8,
                verbose_name="show the score and pass/fail",
            ),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_correctness",
            field=models.CharField(
                choices=REVIEW_CHOICES,
                default="attempt",
                max_length=8,
                verbose_name="show whether each answer was correct",
            ),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_right_answer",
            field=models.CharField(
                choices=REVIEW_CHOICES,
                default="final",
                max_length=8,
                verbose_name="show the right answers",
            ),
        ),
        migrations.AddField(
            model_name="quizpage",
            name="review_feedback",
            field=models.CharField(
                choices=REVIEW_CHOICES,
                default="final",
                max_length=8,
                verbose_name="show explanations and feedback",
            ),
        ),
        migrations.RunPython(feedback_to_review_options, review_options_to_feedback),
        migrations.RemoveField(model_name="quizpage", name="feedback"),
    ]
