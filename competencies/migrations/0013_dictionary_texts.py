"""Issue 20: the competency dictionary as PermenPANRB 38/2017 writes it.

1. Kompetensi pemerintahan, an optional fourth kind (UU 23/2014 art. 233(4); Permendagri
   11/2018), and the agency setting that turns it on (off by default).
2. A data migration: installations seeded before this release carry texts the portal
   generated (one generic text per level for every managerial competency, paraphrased
   indicators; technical competencies on the managerial ladder). They get the regulation's
   definitions, level titles and indicators (competencies/data/dictionary_permenpanrb_38_2017.py)
   and the technical ladder (competencies/data/dictionary.py).

   Rules: rows are updated IN PLACE (same ids, same level numbers, so assessments and
   position standards, which store the level number, are untouched); a field is replaced
   only while it still holds exactly the text the portal generated, so anything HR edited
   stays as HR wrote it; competencies or levels that do not exist are not created (seed_demo
   does that). Backwards restores the generated texts the same way.
"""

from django.db import migrations, models

# The texts `seed_demo` generated before this migration, frozen here (formerly
# competencies/data/dictionary.py GENERAL_LEVELS and COMPETENCIES).
_OLD_LEVELS = {
    1: (
        "Memahami {name} dan menerapkannya dalam pekerjaan sendiri sesuai prosedur yang ditetapkan.",
        "Understands {name} and applies it to own work, following set procedures.",
    ),
    2: (
        "Memahami {name} secara utuh dan menerapkannya untuk diri sendiri dan tim kerjanya.",
        "Fully understands {name} and applies it for self and own team.",
    ),
    3: (
        "Memahami {name} secara mendalam dan mendorong anggota unit kerjanya untuk menerapkannya.",
        "Deep understanding of {name}; pushes members of own unit to apply it.",
    ),
    4: (
        "Memahami nilai-nilai yang mendasari {name} dan menjadikannya acuan di lingkup instansi.",
        "Grasps the values underlying {name} and makes them the reference across the agency.",
    ),
    5: (
        "Menjadi teladan dan penggerak {name} di tingkat pemerintahan daerah dan lintas instansi.",
        "Role model and driver of {name} across the local government and other agencies.",
    ),
}
_OLD_COMPETENCIES = [
    ("M.01", "manajerial", "Integritas", "Integrity",
     "Konsisten berperilaku selaras dengan nilai, norma, dan etika organisasi, serta jujur dalam hubungan dengan atasan, rekan kerja, bawahan, dan pemangku kepentingan.",
     ["Bertingkah laku sesuai kode etik ASN", "Mengingatkan rekan untuk bertindak sesuai etika", "Memastikan etika diterapkan di unit kerja", "Menciptakan budaya etika tinggi", "Menjadi contoh integritas di tingkat instansi"]),
    ("M.02", "manajerial", "Kerja Sama", "Collaboration",
     "Kemampuan menjalin, membina, mempertahankan hubungan kerja yang efektif, memiliki komitmen saling membantu dalam penyelesaian tugas.",
     ["Berpartisipasi aktif dalam tim", "Menumbuhkan tim kerja yang partisipatif", "Efektif membangun tim lintas unit", "Membangun komitmen tim yang solid lintas instansi", "Menciptakan kolaborasi strategis"]),
    ("M.03", "manajerial", "Komunikasi", "Communication",
     "Kemampuan menerangkan pandangan dan gagasan secara jelas, sistematis disertai argumentasi yang logis dengan cara yang sesuai, baik secara lisan maupun tertulis.",
     ["Menyampaikan informasi dengan jelas", "Aktif menjalankan komunikasi dua arah", "Berkomunikasi secara asertif", "Mampu mengemukakan pemikiran multidimensi", "Mengemukakan pemikiran strategis ke publik"]),
    ("M.04", "manajerial", "Orientasi pada Hasil", "Results orientation",
     "Kemampuan mempertahankan komitmen pribadi yang tinggi untuk menyelesaikan tugas, dapat diandalkan, bertanggung jawab, mampu secara sistematis mengidentifikasi risiko dan peluang.",
     ["Bertanggung jawab untuk memenuhi standar kerja", "Berupaya meningkatkan hasil kerja", "Menetapkan target kerja yang menantang", "Mendorong unit kerja mencapai target", "Kontribusi pada capaian kinerja daerah"]),
    ("M.05", "manajerial", "Pelayanan Publik", "Public service",
     "Kemampuan melaksanakan tugas pemerintahan, pembangunan dan kegiatan pemenuhan kebutuhan pelayanan publik secara profesional, transparan, mengikuti standar pelayanan yang objektif, netral, tidak memihak, tidak diskriminatif.",
     ["Menjalankan pelayanan sesuai standar pelayanan", "Mampu mensupervisi pelaksanaan pelayanan", "Memanfaatkan kekuatan kelompok untuk memperbaiki standar pelayanan", "Memonitor dan mengevaluasi layanan publik", "Menciptakan kebijakan pelayanan publik yang menjamin transparansi"]),
    ("M.06", "manajerial", "Pengembangan Diri dan Orang Lain", "Developing self and others",
     "Kemampuan untuk meningkatkan pengetahuan dan menyempurnakan keterampilan diri; menginspirasi orang lain untuk mengembangkan dan menyempurnakan pengetahuan dan keterampilan.",
     ["Pengembangan diri", "Meningkatkan kemampuan bawahan dengan bimbingan", "Memberikan umpan balik dan coaching", "Menyusun program pengembangan jangka panjang", "Menciptakan situasi yang mendorong pembelajaran"]),
    ("M.07", "manajerial", "Mengelola Perubahan", "Managing change",
     "Kemampuan dalam menyesuaikan diri dengan situasi yang baru atau berubah dan tidak bergantung secara berlebihan pada metode dan proses lama.",
     ["Mengikuti perubahan dengan arahan", "Proaktif beradaptasi mengikuti perubahan", "Membantu orang lain mengikuti perubahan", "Memimpin perubahan pada unit kerja", "Mengarahkan perubahan di tingkat instansi"]),
    ("M.08", "manajerial", "Pengambilan Keputusan", "Decision making",
     "Kemampuan membuat keputusan yang baik secara tepat waktu dan dengan keyakinan diri setelah mempertimbangkan prinsip kehati-hatian.",
     ["Mengumpulkan informasi untuk bertindak sesuai kewenangan", "Menganalisis masalah secara mendalam", "Membandingkan alternatif dan menyeimbangkan risiko", "Menyelesaikan masalah berisiko tinggi lintas fungsi", "Menghasilkan solusi strategis"]),
    ("SK.01", "sosial_kultural", "Perekat Bangsa", "National cohesion",
     "Kemampuan dalam mempromosikan sikap toleransi, keterbukaan, peka terhadap perbedaan individu/kelompok masyarakat; mampu menjadi perpanjangan tangan pemerintah dalam mempersatukan masyarakat.",
     ["Peka memahami dan menerima kemajemukan", "Aktif mengembangkan sikap saling menghargai", "Mempromosikan dan mengembangkan toleransi", "Mendayagunakan perbedaan secara konstruktif", "Wakil pemerintah untuk membangun hubungan sosial psikologis"]),
    ("T.PP.01", "teknis", "Penyusunan Standar Pelayanan", "Drafting service standards",
     "Menyusun, menetapkan, dan menerapkan standar pelayanan beserta maklumat pelayanan sesuai UU 25/2009.",
     ["Menjelaskan komponen standar pelayanan", "Menerapkan standar pelayanan di loket", "Menyusun rancangan standar pelayanan", "Mengevaluasi dan memperbaiki standar", "Menetapkan kebijakan standar pelayanan instansi"]),
    ("T.PP.02", "teknis", "Survei Kepuasan Masyarakat", "Citizen satisfaction surveys",
     "Merancang, melaksanakan, dan menindaklanjuti Survei Kepuasan Masyarakat (SKM) sesuai PermenPANRB 14/2017.",
     ["Menjelaskan sembilan unsur SKM", "Melaksanakan pengumpulan data SKM", "Menghitung indeks kepuasan masyarakat", "Menyusun rencana tindak lanjut hasil SKM", "Mengintegrasikan SKM dalam perencanaan"]),
    ("T.PP.03", "teknis", "Pengelolaan Informasi Publik", "Public information management",
     "Mengelola permohonan dan publikasi informasi publik melalui PPID sesuai UU 14/2008.",
     ["Mengklasifikasikan jenis informasi publik", "Melayani permohonan informasi", "Menyusun daftar informasi publik", "Menangani keberatan informasi", "Mengembangkan kebijakan keterbukaan informasi"]),
    ("T.PP.04", "teknis", "Layanan Digital (SPBE)", "Digital services (SPBE)",
     "Memanfaatkan dan mengembangkan layanan berbasis elektronik sesuai arsitektur SPBE (Perpres 95/2018).",
     ["Menggunakan aplikasi layanan elektronik", "Membantu warga memakai layanan daring", "Menganalisis proses bisnis layanan", "Merancang layanan digital terintegrasi", "Mengarahkan transformasi digital instansi"]),
]  # fmt: skip

_LEVEL_FIELDS = ("description_id", "description_en", "indicators_id")


def old_texts() -> dict:
    """{code: (kind, name_id, name_en, description_id, {level: (text_id, text_en, indicators)})}"""
    return {
        code: (
            kind,
            name_id,
            name_en,
            description,
            {
                number: (
                    text_id.format(name=name_id.lower()),
                    text_en.format(name=name_en.lower()),
                    indicators[number - 1],
                )
                for number, (text_id, text_en) in _OLD_LEVELS.items()
            },
        )
        for code, kind, name_id, name_en, description, indicators in _OLD_COMPETENCIES
    }


def _as_rows(texts: dict) -> dict:
    """Both versions in one shape: {code: (description_id, {level: {field: text}})}."""
    return {
        code: (
            description,
            {n: dict(zip(_LEVEL_FIELDS, row, strict=True)) for n, row in levels.items()},
        )
        for code, (_kind, _name_id, _name_en, description, levels) in texts.items()
    }


def _new_rows() -> dict:
    from competencies.data.dictionary import dictionary_texts

    return {
        code: (entry["description_id"], {n: dict(row) for n, row in entry["levels"].items()})
        for code, entry in dictionary_texts().items()
    }


def _replace(apps, source: dict, target: dict) -> None:
    """Set each field to `target` where it still equals `source` exactly."""
    Competency = apps.get_model("competencies", "Competency")
    ProficiencyLevel = apps.get_model("competencies", "ProficiencyLevel")
    for competency in Competency.objects.filter(code__in=source.keys() & target.keys()):
        old_description, old_levels = source[competency.code]
        new_description, new_levels = target[competency.code]
        if competency.description_id == old_description != new_description:
            competency.description_id = new_description
            competency.save(update_fields=["description_id"])
        for row in ProficiencyLevel.objects.filter(competency=competency):
            if row.level not in old_levels or row.level not in new_levels:
                continue
            changed = [
                field
                for field in _LEVEL_FIELDS
                if getattr(row, field) == old_levels[row.level][field]
                and old_levels[row.level][field] != new_levels[row.level][field]
            ]
            for field in changed:
                setattr(row, field, new_levels[row.level][field])
            if changed:
                row.save(update_fields=changed)


def forwards(apps, schema_editor) -> None:
    _replace(apps, _as_rows(old_texts()), _new_rows())


def backwards(apps, schema_editor) -> None:
    _replace(apps, _new_rows(), _as_rows(old_texts()))


class Migration(migrations.Migration):
    dependencies = [("competencies", "0012_fault_data")]

    operations = [
        migrations.AddField(
            model_name="agencysettings",
            name="government_competencies_enabled",
            field=models.BooleanField(
                default=False,
                help_text="Regional governments may use a fourth kind of competency, kompetensi pemerintahan (UU 23/2014 art. 233(4); Permendagri 11/2018). Off by default.",
                verbose_name="kompetensi pemerintahan",
            ),
        ),
        migrations.AlterField(
            model_name="competency",
            name="kind",
            field=models.CharField(
                choices=[
                    ("teknis", "Technical (teknis)"),
                    ("manajerial", "Managerial (manajerial)"),
                    ("sosial_kultural", "Socio-cultural (sosial kultural)"),
                    ("pemerintahan", "Government affairs (pemerintahan)"),
                ],
                max_length=20,
                verbose_name="kind",
            ),
        ),
        migrations.RunPython(forwards, backwards),
    ]
