# PPPK by their own rules (issue 20 item 6): the PPPK yearly JP cap (PP 49/2018 art. 40(1),
# "paling lama 24 JP") and PPPK golongan I–XVII (Perpres 98/2020), apart from PNS golongan.
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import migrations, models

ROMAN = (
    "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
    "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
)  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [("competencies", "0014_siasn_fields")]

    operations = [
        migrations.AddField(
            model_name="agencysettings",
            name="pppk_jp_cap",
            field=models.PositiveSmallIntegerField(
                default=24,
                help_text=(
                    "PPPK development is at most this many JP per contract year "
                    "(PP 49/2018 art. 40(1): 'paling lama 24 JP'). A cap, not a target: "
                    "PPPK below the PNS target are not behind."
                ),
                validators=[MinValueValidator(1), MaxValueValidator(500)],
                verbose_name="PPPK yearly JP cap",
            ),
        ),
        migrations.AddField(
            model_name="employee",
            name="pppk_golongan",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[(n, label) for n, label in enumerate(ROMAN, start=1)],
                help_text="PPPK only: golongan I–XVII (Perpres 98/2020).",
                null=True,
                verbose_name="PPPK golongan",
            ),
        ),
    ]
