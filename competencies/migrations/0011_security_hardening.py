# Assessment evidence: a random stored name and a content check (issue 15, docs/security.md).
import django.core.validators
from django.db import migrations, models

import competencies.models.assessments


class Migration(migrations.Migration):
    dependencies = [("competencies", "0010_assessment_updated_at_index")]

    operations = [
        migrations.AlterField(
            model_name="assessment",
            name="evidence",
            field=models.FileField(
                blank=True,
                upload_to=competencies.models.assessments.evidence_upload_to,
                validators=[
                    django.core.validators.FileExtensionValidator(["pdf", "jpg", "jpeg", "png"]),
                    competencies.models.assessments.validate_evidence_file,
                ],
                verbose_name="evidence file",
            ),
        ),
    ]
