# Issue 20 item 5: the SIASN type no longer follows the delivery mode (help text only;
# the rule is CoursePage.clean() and the lms.W001 system check).
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("lms", "0010_worker_heartbeat")]

    operations = [
        migrations.AlterField(
            model_name="coursepage",
            name="siasn_development_type",
            field=models.PositiveSmallIntegerField(
                blank=True,
                choices=[
                    (1, "Diklat Struktural"), (2, "Diklat Fungsional"), (3, "Diklat Teknis"),
                    (4, "Workshop"), (5, "Pelatihan Manajerial"),
                    (6, "Pelatihan Sosial Kultural"), (7, "Sosialisasi"),
                    (8, "Bimbingan Teknis"), (9, "Seminar"), (10, "Magang"), (11, "Kursus"),
                    (12, "Penataran"), (13, "Klasikal lainnya"), (14, "Coaching"),
                    (15, "Mentoring"), (16, "E-Learning"), (17, "Pelatihan Jarak Jauh"),
                    (18, "Detasering"), (19, "Outbound"), (20, "Patok Banding"),
                    (21, "Pertukaran PNS dengan swasta/BUMN/BUMD"), (22, "Belajar Mandiri"),
                    (23, "Komunitas Belajar"), (24, "Bimbingan di Tempat Kerja"),
                    (25, "Nonklasikal lainnya"),
                ],  # fmt: skip
                help_text=(
                    "The kind of training SIASN records (jenisDiklat). Required unless the "
                    "course is plain e-learning, which is E-Learning (16)."
                ),
                null=True,
                verbose_name="SIASN development type",
            ),
        ),
    ]
