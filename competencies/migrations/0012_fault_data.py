# Large import checks run in Celery with their progress and report on the pending upload
# (issue 24, item 5; docs/imports.md).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("competencies", "0011_security_hardening")]

    operations = [
        migrations.AddField(
            model_name="pendingimport",
            name="check_progress",
            field=models.PositiveSmallIntegerField(default=0, verbose_name="check progress (%)"),
        ),
        migrations.AddField(
            model_name="pendingimport",
            name="check_report",
            field=models.JSONField(blank=True, null=True, verbose_name="check report"),
        ),
        migrations.AddField(
            model_name="pendingimport",
            name="check_status",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "in the request"),
                    ("queued", "queued"),
                    ("running", "running"),
                    ("done", "done"),
                    ("failed", "failed"),
                ],
                default="",
                max_length=10,
                verbose_name="check",
            ),
        ),
        migrations.AddField(
            model_name="pendingimport",
            name="check_updated_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="check updated at"),
        ),
        migrations.AddField(
            model_name="pendingimport",
            name="language",
            field=models.CharField(blank=True, max_length=10, verbose_name="language"),
        ),
    ]
