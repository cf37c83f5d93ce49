"""Learning integrity (issue 15, item 2): a minimum time per lesson, question categories for
random draws, and per-moment quiz review options that replace the single `feedback` setting.
Existing quizzes move to the safe default (right answers and explanations only after the
last attempt or a pass); a quiz that showed less keeps showing less."""

from django.db import migrations, models

REVIEW_CHOICES = [
    ("attempt", "After each attempt"),
    ("final", "After the last attempt or a pass"),
    ("never", "Never"),
]


def feedback_to_review_options(apps, schema_editor):
    QuizPage = apps.get_model("lms", "QuizPage")
    # full (the old default, which showed every right answer after any attempt) → safe default
    QuizPage.objects.filter(feedback="full").update(
        review_score="attempt",
        review_correctness="attempt",
        review_right_answer="final",
        review_feedback="final",
    )
    QuizPage.objects.filter(feedback="score").update(
        review_score="attempt",
        review_correctness="never",
        review_right_answer="never",
        review_feedback="never",
    )
    QuizPage.objects.filter(feedback="none").update(
        review_score="never",
        review_correctness="never",
        review_right_answer="never",
        review_feedback="never",
    )


def review_options_to_feedback(apps, schema_editor):
    QuizPage = apps.get_model("lms", "QuizPage")
    QuizPage.objects.filter(review_score="never").update(feedback="none")
    QuizPage.objects.exclude(review_score="never").filter(review_right_answer="never").update(
        feedback="score"
    )


class Migration(migrations.Migration):
    dependencies = [("lms", "0008_certificate_image_files")]

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
