"""The competency dictionary seeded by `seed_demo`: the eight managerial competencies and
Perekat Bangsa of PermenPANRB 38/2017 (Lampiran codes M.01…M.08, SK.01) with the
regulation's own definitions, level titles and behaviour indicators (loaded from
`dictionary_permenpanrb_38_2017.py`, which names its source), and a few technical
competencies for public-service work on the technical ladder below. This is seed data:
HR edits the seeded rows in the admin, and seeding again never overwrites them."""

from __future__ import annotations

from competencies.data.dictionary_permenpanrb_38_2017 import DICTIONARY as PERMENPANRB_38_2017

# The general ladder for TECHNICAL competencies, not the managerial one. Source:
# ../shared/DOMAIN.md §7 [P fliphtml5.com/pfhnl/arhg/Kamus-Kompetensi-Manajerial-dan-Sosial-Kultural/1]
# (PermenPANRB 38/2017 as published in a kamus kompetensi; wording paraphrased there):
# L1 understands the basics of the field; L2 applies it independently; L3 finds systematic
# improvements; L4 develops the field. Level 5 was NOT retrieved: its text says so, for the
# agency (or the instansi pembina's technical dictionary) to fill in. Not invented here.
TECHNICAL_LEVELS = {
    1: (
        "Memahami pengetahuan dasar bidang teknis kompetensi ini.",
        "Understands the basics of the technical field.",
    ),
    2: (
        "Menerapkan kompetensi teknis ini secara mandiri.",
        "Applies the technical competency independently.",
    ),
    3: (
        "Mengidentifikasi dan menemukan peluang perbaikan secara sistematis dalam bidang ini.",
        "Identifies improvement opportunities in the field systematically.",
    ),
    4: (
        "Mengembangkan bidang teknis ini.",
        "Develops the technical field.",
    ),
    5: (
        "Deskripsi umum level 5 kompetensi teknis belum diperoleh dari sumber (PermenPANRB "
        "38/2017); diisi oleh instansi sesuai kamus kompetensi teknis instansi pembina.",
        "The general level-5 description for technical competencies was not retrieved from "
        "the source (PermenPANRB 38/2017); the agency fills it in from the technical "
        "dictionary of the supervising agency.",
    ),
}

# Managerial and socio-cultural: (code, kind, name_id, name_en). Their definitions and level
# texts are the regulation's, in PERMENPANRB_38_2017 (the English names are ours).
REGULATION_COMPETENCIES = [
    ("M.01", "manajerial", "Integritas", "Integrity"),
    ("M.02", "manajerial", "Kerja Sama", "Collaboration"),
    ("M.03", "manajerial", "Komunikasi", "Communication"),
    ("M.04", "manajerial", "Orientasi pada Hasil", "Results orientation"),
    ("M.05", "manajerial", "Pelayanan Publik", "Public service"),
    ("M.06", "manajerial", "Pengembangan Diri dan Orang Lain", "Developing self and others"),
    ("M.07", "manajerial", "Mengelola Perubahan", "Managing change"),
    ("M.08", "manajerial", "Pengambilan Keputusan", "Decision making"),
    ("SK.01", "sosial_kultural", "Perekat Bangsa", "National cohesion"),
]

# Technical competencies are defined by the agency (demo examples, not regulation text):
# (code, name_id, name_en, description_id, [indicator per level 1..5 in Indonesian]).
TECHNICAL_COMPETENCIES = [
    ("T.PP.01", "Penyusunan Standar Pelayanan", "Drafting service standards",
     "Menyusun, menetapkan, dan menerapkan standar pelayanan beserta maklumat pelayanan sesuai UU 25/2009.",
     ["Menjelaskan komponen standar pelayanan", "Menerapkan standar pelayanan di loket", "Menyusun rancangan standar pelayanan", "Mengevaluasi dan memperbaiki standar", "Menetapkan kebijakan standar pelayanan instansi"]),
    ("T.PP.02", "Survei Kepuasan Masyarakat", "Citizen satisfaction surveys",
     "Merancang, melaksanakan, dan menindaklanjuti Survei Kepuasan Masyarakat (SKM) sesuai PermenPANRB 14/2017.",
     ["Menjelaskan sembilan unsur SKM", "Melaksanakan pengumpulan data SKM", "Menghitung indeks kepuasan masyarakat", "Menyusun rencana tindak lanjut hasil SKM", "Mengintegrasikan SKM dalam perencanaan"]),
    ("T.PP.03", "Pengelolaan Informasi Publik", "Public information management",
     "Mengelola permohonan dan publikasi informasi publik melalui PPID sesuai UU 14/2008.",
     ["Mengklasifikasikan jenis informasi publik", "Melayani permohonan informasi", "Menyusun daftar informasi publik", "Menangani keberatan informasi", "Mengembangkan kebijakan keterbukaan informasi"]),
    ("T.PP.04", "Layanan Digital (SPBE)", "Digital services (SPBE)",
     "Memanfaatkan dan mengembangkan layanan berbasis elektronik sesuai arsitektur SPBE (Perpres 95/2018).",
     ["Menggunakan aplikasi layanan elektronik", "Membantu warga memakai layanan daring", "Menganalisis proses bisnis layanan", "Merancang layanan digital terintegrasi", "Mengarahkan transformasi digital instansi"]),
]  # fmt: skip


def dictionary_texts() -> dict[str, dict]:
    """Every seeded competency as plain data: {code: {kind, name_id, name_en,
    description_id, levels: {level: {description_id, description_en, indicators_id}}}}.
    Used by `competency_dictionary_seed` and by migration 0013 (indicators one per line)."""
    texts: dict[str, dict] = {}
    for code, kind, name_id, name_en in REGULATION_COMPETENCIES:
        entry = PERMENPANRB_38_2017[code]
        texts[code] = {
            "kind": kind,
            "name_id": name_id,
            "name_en": name_en,
            "description_id": entry["definition"],
            "levels": {
                number: {
                    "description_id": title,
                    # The regulation is in Indonesian only; English falls back to it.
                    "description_en": "",
                    "indicators_id": "\n".join(indicators),
                }
                for number, (title, indicators) in entry["levels"].items()
            },
        }
    for code, name_id, name_en, description_id, indicators in TECHNICAL_COMPETENCIES:
        texts[code] = {
            "kind": "teknis",
            "name_id": name_id,
            "name_en": name_en,
            "description_id": description_id,
            "levels": {
                number: {
                    "description_id": text_id,
                    "description_en": text_en,
                    "indicators_id": indicators[number - 1],
                }
                for number, (text_id, text_en) in TECHNICAL_LEVELS.items()
            },
        }
    return texts
