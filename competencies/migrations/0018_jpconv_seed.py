"""Seeds the JP conversion table (competencies/data/jp_conversion.py) and lets the HR
groups edit it and run re-computations."""

import datetime

from django.contrib.auth.management import create_permissions
from django.db import migrations


def seed(apps, schema_editor):
    from competencies.data.jp_conversion import SEED_EFFECTIVE_FROM, SEED_RULES, SEED_SOURCE

    Rule = apps.get_model("competencies", "JpConversionRule")
    effective = datetime.date.fromisoformat(SEED_EFFECTIVE_FROM)
    for dev_type, activity, unit, national, international, day, month, year in SEED_RULES:
        Rule.objects.get_or_create(
            development_type=dev_type,
            activity=activity,
            effective_from=effective,
            defaults={
                "unit": unit,
                "jp_national": national,
                "jp_international": international,
                "cap_per_day": day,
                "cap_per_month": month,
                "cap_per_year": year,
                "source": SEED_SOURCE,
            },
        )

    app_config = apps.get_app_config("competencies")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(
        content_type__app_label="competencies",
        codename__in=[
            "add_jpconversionrule",
            "change_jpconversionrule",
            "view_jpconversionrule",
        ],
    )
    for name in ("Pengelola SDM", "Administrator"):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*perms)


class Migration(migrations.Migration):
    dependencies = [("competencies", "0017_jpconv_conversion_table")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
