"""The JP conversion table as first seeded (migration 0018_jpconv_seed; docs/jp-conversion.md).

Values agencies use for non-classical and external activities, from an agency's published
guide and a BKPSDM presentation [C mfasza/S20JP resources/views/bantuan/panduan.blade.php
(BPS); P id.scribd.com/presentation/648318168; DOMAIN.md §7 "JP conversion"]. They are
practice, not law: HR edits them in the admin (Competencies → JP conversion), and a change
applies from its own date. Each row: (SIASN jenisDiklat id, activity, unit, national JP
per unit, international JP per unit, cap a day, cap a month, cap a year).

Types the sources do not name get the classical rule "as scheduled, 1 JP = 45 minutes,
+20 % if international". Tugas/izin belajar is formal education, not a SIASN `kursus`
type: it is filed under 25 "Nonklasikal lainnya" (UNVERIFIED against BKN)."""

from __future__ import annotations

from decimal import Decimal as D

SEED_EFFECTIVE_FROM = "2000-01-01"
SEED_SOURCE = "BPS panduan S20JP; BKPSDM presentation (DOMAIN.md §7)"

_SEMINAR = ("seminar", "day", D(4), D(6), None, None, None)
_WORKSHOP = ("workshop", "day", D(5), D(7), None, None, None)
# 1 session = 2 JP, at most 2 sessions a month: 4 JP a month.
_COACHING = ("coaching", "session", D(2), D(2), None, D(4), None)
_E_LEARNING = ("e_learning", "hour", D(1), D("1.2"), D(3), None, None)
_INTERNSHIP = ("internship", "activity", D(20), D(20), None, None, None)
_BENCHMARKING = ("benchmarking", "activity", D(10), D(10), None, None, None)
_SELF_STUDY = ("self_study", "hour", D(1), D(1), D(2), None, None)
_TRAINING = ("training", "hour", D(1), D("1.2"), None, None, None)
_STUDY = ("study", "semester", D(20), D(20), None, None, None)

SEED_RULES: tuple[tuple, ...] = (
    (1, *_TRAINING),  # Diklat Struktural
    (2, *_TRAINING),  # Diklat Fungsional
    (3, *_TRAINING),  # Diklat Teknis
    (4, *_WORKSHOP),
    (5, *_TRAINING),  # Pelatihan Manajerial
    (6, *_TRAINING),  # Pelatihan Sosial Kultural
    (7, *_SEMINAR),  # Sosialisasi
    (8, *_TRAINING),  # Bimbingan Teknis
    (9, *_SEMINAR),
    (10, *_INTERNSHIP),  # Magang
    (11, *_TRAINING),  # Kursus
    (12, *_TRAINING),  # Penataran
    (13, *_TRAINING),  # Klasikal lainnya
    (14, *_COACHING),
    (15, *_COACHING),  # Mentoring
    (16, *_E_LEARNING),
    (17, *_TRAINING),  # Pelatihan Jarak Jauh
    (18, *_INTERNSHIP),  # Detasering
    (19, *_TRAINING),  # Outbound
    (20, *_BENCHMARKING),  # Patok Banding
    (21, *_TRAINING),  # Pertukaran PNS dengan swasta/BUMN/BUMD
    (22, *_SELF_STUDY),  # Belajar Mandiri
    (23, *_SELF_STUDY),  # Komunitas Belajar
    (24, *_TRAINING),  # Bimbingan di Tempat Kerja
    (25, *_TRAINING),  # Nonklasikal lainnya
    (25, *_STUDY),  # Tugas belajar / izin belajar
)
