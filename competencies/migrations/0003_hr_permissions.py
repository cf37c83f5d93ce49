"""Gives the HR roles the model permissions the Wagtail HR screens check. Nobody gets
"delete" on employees, assessments or units: records are deactivated, not deleted."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

HR_MODELS = {
    "orgunit": ("add", "change", "view"),
    "position": ("add", "change", "view"),
    "positionrequirement": ("add", "change", "delete", "view"),
    "employee": ("add", "change", "view"),
    "competency": ("add", "change", "view"),
    "proficiencylevel": ("add", "change", "delete", "view"),
    "assessment": ("add", "change", "view"),
}
ADMIN_ONLY = {"hrscope": ("add", "change", "delete", "view"), "agencysettings": ("change", "view")}


def grant(apps, schema_editor):
    app_config = apps.get_app_config("competencies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    def perms(table):
        codenames = [f"{action}_{model}" for model, actions in table.items() for action in actions]
        return Permission.objects.filter(
            content_type__app_label="competencies", codename__in=codenames
        )

    hr, _ = Group.objects.get_or_create(name="Pengelola SDM")
    admin, _ = Group.objects.get_or_create(name="Administrator")
    hr.permissions.add(*perms(HR_MODELS))
    admin.permissions.add(*perms(HR_MODELS), *perms(ADMIN_ONLY))


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for group in Group.objects.filter(name__in=["Pengelola SDM", "Administrator"]):
        group.permissions.remove(
            *group.permissions.filter(content_type__app_label="competencies")
        )


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0002_competency_orgunit_hrscope_position_employee_and_more"),
        ("accounts", "0002_roles"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
