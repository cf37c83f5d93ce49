from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lms", "0009_learning_integrity")]

    operations = [
        migrations.CreateModel(
            name="WorkerHeartbeat",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "hostname",
                    models.CharField(max_length=255, unique=True, verbose_name="worker"),
                ),
                ("beat_at", models.DateTimeField(verbose_name="last heartbeat")),
            ],
            options={
                "verbose_name": "worker heartbeat",
                "verbose_name_plural": "worker heartbeats",
            },
        ),
    ]
