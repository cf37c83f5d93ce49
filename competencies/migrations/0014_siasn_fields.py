# Issue 20 item 4: SIASN's instansiId and satuanKerjaId, written on every exported record
# [C kanekescom/laravel-siasn-simpeg src/Services/PostKursusSaveService.php].
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("competencies", "0013_dictionary_texts")]

    operations = [
        migrations.AddField(
            model_name="agencysettings",
            name="siasn_instansi_id",
            field=models.CharField(
                blank=True,
                help_text="The agency's id in SIASN, written on every exported record.",
                max_length=64,
                verbose_name="SIASN instansiId",
            ),
        ),
        migrations.AddField(
            model_name="agencysettings",
            name="siasn_satuan_kerja_id",
            field=models.CharField(
                blank=True,
                help_text="The work unit's id in SIASN, written on every exported record.",
                max_length=64,
                verbose_name="SIASN satuanKerjaId",
            ),
        ),
    ]
