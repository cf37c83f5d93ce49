"""Adds the "Layanan API" role: service accounts of HR systems that read /api/v1/."""

from django.db import migrations

ROLE = "Layanan API"


def create_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=ROLE)


def remove_role(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=ROLE).delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_notifications")]

    operations = [migrations.RunPython(create_role, remove_role)]
