"""Enrolment cycles (retakes of a yearly assignment): existing rows become cycle 1 and
current; the one-per-(user, course) constraint becomes one *current* per (user, course)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("lms", "0005_certificate_revocation_category_bulk_evidence"),
    ]

    operations = [
        migrations.AddField(
            model_name="enrolment",
            name="cycle",
            field=models.PositiveSmallIntegerField(default=1, verbose_name="cycle"),
        ),
        migrations.AddField(
            model_name="enrolment",
            name="is_current",
            field=models.BooleanField(default=True, verbose_name="current"),
        ),
        migrations.RemoveConstraint(
            model_name="enrolment",
            name="lms_enrolment_one_per_course",
        ),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_current", True)),
                fields=("user", "course"),
                name="lms_enrolment_one_current_per_course",
            ),
        ),
        migrations.AddConstraint(
            model_name="enrolment",
            constraint=models.UniqueConstraint(
                fields=("user", "course", "cycle"), name="lms_enrolment_one_per_cycle"
            ),
        ),
    ]
