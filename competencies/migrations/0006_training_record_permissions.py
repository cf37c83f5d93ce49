from django.contrib.auth.management import create_permissions
from django.db import migrations


def grant(apps, schema_editor):
    app_config = apps.get_app_config("competencies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="competencies",
        codename__in=["add_trainingrecord", "change_trainingrecord", "view_trainingrecord"],
    )
    for name in ("Pengelola SDM", "Administrator"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0005_training_records")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
