"""Demo courses for `manage.py seed_demo`: six Indonesian public-service courses with
lessons, question banks, quizzes (two with a pre-/post-test pair) and demo learners at
different stages. Idempotent: pages are found by slug, learner records are created only
when missing, so a second run leaves the same rows.

Content follows shared/DOMAIN.md §6. Regulation numbers marked UNVERIFIED there are not
presented as facts here."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from wagtail.rich_text import RichText

from competencies.models import Competency, OrgUnit
from competencies.siasn import DevelopmentType
from lms.models import (
    AttemptAnswer,
    Choice,
    CourseEvaluation,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    HomePage,
    LessonPage,
    Question,
    QuizAttempt,
    QuizPage,
)
from lms.services.authoring import course_authoring_setup
from lms.services.enrolments import (
    course_evaluation_submit,
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from lms.services.quizzes import essay_answer_grade, quiz_attempt_start, quiz_attempt_submit

if TYPE_CHECKING:
    from accounts.models import User


def _p(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def _ul(*items: str) -> str:
    return "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>"


# Question tuples: (kind, prompt, data, answer, explanation)
#   single/multiple: data = options, answer = index or list of indexes
#   true_false: data = None, answer = bool;  short: data = None, answer = "a\nb"
COURSES: list[dict[str, Any]] = [
    {
        "slug": "pelayanan-prima-berakhlak",
        "title": "Pelayanan Prima dan Nilai Dasar BerAKHLAK",
        "summary": (
            "Memahami nilai dasar ASN BerAKHLAK dan menerapkannya dalam pelayanan publik "
            "sehari-hari: dari menyapa warga hingga menangani keluhan."
        ),
        "objectives": (
            "Menjelaskan tujuh nilai dasar BerAKHLAK\n"
            "Menerapkan sikap pelayanan prima di loket dan layanan daring\n"
            "Menangani keluhan warga dengan empati dan tuntas"
        ),
        "jp": 4,
        "mode": CoursePage.DeliveryMode.E_LEARNING,
        "competencies": [("M.05", 3), ("M.01", 2)],
        "policy": CoursePage.EnrolmentPolicy.OPEN,
        "pre_post": True,
        "lessons": [
            (
                "Mengenal BerAKHLAK",
                [
                    (
                        "text",
                        _p(
                            "BerAKHLAK adalah nilai dasar ASN yang diluncurkan dengan branding "
                            "<b>Bangga Melayani Bangsa</b> (SE MenPANRB 20/2021). Akronimnya memuat "
                            "tujuh nilai:"
                        )
                        + _ul(
                            "Berorientasi Pelayanan",
                            "Akuntabel",
                            "Kompeten",
                            "Harmonis",
                            "Loyal",
                            "Adaptif",
                            "Kolaboratif",
                        ),
                    ),
                    (
                        "callout",
                        "Ingat",
                        _p(
                            "Nilai dasar bukan slogan: warga menilainya dari "
                            "cara kita melayani setiap hari."
                        ),
                    ),
                ],
            ),
            (
                "Sikap Pelayanan Prima",
                [
                    (
                        "text",
                        _p(
                            "Pelayanan publik menurut UU 25/2009 adalah kegiatan pemenuhan kebutuhan "
                            "pelayanan bagi setiap warga atas barang, jasa, dan pelayanan "
                            "administratif.",
                            "Pelayanan prima berarti melayani melebihi harapan: ramah, cepat, jelas, "
                            "dan pasti.",
                        ),
                    ),
                    (
                        "accordion",
                        "Praktik di loket",
                        [
                            (
                                "Menyapa warga",
                                _p("Sapa dengan senyum, perkenalkan diri, tanyakan keperluan."),
                            ),
                            (
                                "Memberi kepastian",
                                _p(
                                    "Sampaikan persyaratan, waktu, dan biaya sesuai standar pelayanan."
                                ),
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Menangani Keluhan Warga",
                [
                    (
                        "text",
                        _p(
                            "Keluhan adalah masukan berharga. Dengarkan sampai selesai, catat, "
                            "minta maaf atas ketidaknyamanan, lalu tindak lanjuti dengan tenggat "
                            "yang jelas."
                        ),
                    ),
                    (
                        "callout",
                        "Tips",
                        _p(
                            "Jangan berjanji di luar kewenangan; sampaikan "
                            "siapa yang akan menindaklanjuti dan kapan."
                        ),
                    ),
                ],
            ),
        ],
        "questions": [
            (
                "single",
                "Apa kepanjangan huruf 'B' pada BerAKHLAK?",
                ["Berorientasi Pelayanan", "Bertanggung Jawab", "Bersih", "Berani"],
                0,
                "B = Berorientasi Pelayanan.",
            ),
            (
                "multiple",
                "Manakah yang termasuk nilai dasar BerAKHLAK? (pilih semua yang benar)",
                ["Akuntabel", "Kompeten", "Kompetitif", "Kolaboratif"],
                [0, 1, 3],
                "Kompetitif bukan bagian dari BerAKHLAK.",
            ),
            (
                "true_false",
                "Branding nilai dasar ASN adalah 'Bangga Melayani Bangsa'.",
                None,
                True,
                "Benar, sesuai SE MenPANRB 20/2021.",
            ),
            (
                "single",
                "Undang-undang yang mendefinisikan pelayanan publik adalah ...",
                ["UU 25/2009", "UU 14/2008", "UU 5/2014", "UU 23/2014"],
                0,
                "UU 25/2009 tentang Pelayanan Publik.",
            ),
            (
                "short",
                "Sebutkan nilai BerAKHLAK yang berawalan huruf 'H'.",
                None,
                "Harmonis",
                "H = Harmonis.",
            ),
            (
                "single",
                "Langkah pertama saat menerima keluhan warga adalah ...",
                [
                    "Mendengarkan sampai selesai",
                    "Membela diri",
                    "Mengalihkan ke petugas lain",
                    "Meminta warga datang lagi",
                ],
                0,
                "Dengarkan dahulu sebelum menanggapi.",
            ),
            (
                "true_false",
                "Petugas boleh menjanjikan penyelesaian di luar kewenangannya agar warga tenang.",
                None,
                False,
                "Janji di luar kewenangan merusak kepercayaan.",
            ),
            (
                "single",
                "Nilai 'Adaptif' paling tepat ditunjukkan dengan ...",
                [
                    "Cepat menyesuaikan diri dengan perubahan layanan digital",
                    "Menolak aplikasi baru",
                    "Bekerja hanya sesuai kebiasaan lama",
                    "Menunggu perintah atasan",
                ],
                0,
                "Adaptif berarti terus berinovasi dan antusias menghadapi perubahan.",
            ),
            (
                "essay",
                "Ceritakan satu pengalaman Anda melayani warga dan nilai BerAKHLAK yang Anda terapkan.",
                None,
                None,
                "",
            ),
        ],
    },
    {
        "slug": "standar-pelayanan-maklumat",
        "title": "Menyusun Standar Pelayanan dan Maklumat Pelayanan",
        "summary": (
            "Cara unit layanan menyusun standar pelayanan bersama masyarakat dan "
            "mengumumkan maklumat pelayanan sebagai janji kepada warga."
        ),
        "objectives": (
            "Menjelaskan fungsi standar pelayanan\n"
            "Menyusun komponen standar pelayanan bersama pemangku kepentingan\n"
            "Menyusun dan mengumumkan maklumat pelayanan"
        ),
        "jp": 6,
        "mode": CoursePage.DeliveryMode.BLENDED,
        "siasn_type": DevelopmentType.DIKLAT_TEKNIS,  # a type of its own, not the mode
        "competencies": [("T.PP.01", 3), ("M.05", 2)],
        "policy": CoursePage.EnrolmentPolicy.OPEN,
        "pre_post": True,
        "lessons": [
            (
                "Mengapa Standar Pelayanan?",
                [
                    (
                        "text",
                        _p(
                            "Standar pelayanan adalah tolok ukur penyelenggaraan pelayanan dan acuan "
                            "penilaian kualitasnya. Warga tahu apa yang harus disiapkan, berapa lama, "
                            "dan berapa biayanya."
                        ),
                    ),
                    (
                        "callout",
                        "Catatan",
                        _p(
                            "Pedoman penyusunannya lazim dirujuk pada "
                            "Peraturan MenPANRB; periksa nomor dan lampiran "
                            "terbaru sebelum menyusun."
                        ),
                    ),
                ],
            ),
            (
                "Komponen dan Penyusunan Bersama",
                [
                    (
                        "text",
                        _p("Komponen yang umum dimuat antara lain:")
                        + _ul(
                            "Persyaratan",
                            "Sistem, mekanisme, dan prosedur",
                            "Jangka waktu penyelesaian",
                            "Biaya/tarif",
                            "Produk pelayanan",
                            "Penanganan pengaduan, saran, dan masukan",
                        ),
                    ),
                    (
                        "accordion",
                        "Langkah penyusunan",
                        [
                            (
                                "Identifikasi",
                                _p("Kumpulkan persyaratan dan alur yang berlaku saat ini."),
                            ),
                            (
                                "Konsultasi publik",
                                _p("Undang perwakilan warga untuk membahas rancangan."),
                            ),
                            ("Penetapan", _p("Tetapkan dan publikasikan di loket dan situs web.")),
                        ],
                    ),
                ],
            ),
            (
                "Maklumat Pelayanan",
                [
                    (
                        "text",
                        _p(
                            "Maklumat pelayanan adalah pernyataan tertulis penyelenggara yang berisi "
                            "kesanggupan melaksanakan pelayanan sesuai standar pelayanan. Maklumat "
                            "dipasang di tempat yang mudah dilihat warga."
                        ),
                    ),
                ],
            ),
        ],
        "questions": [
            (
                "single",
                "Fungsi utama standar pelayanan adalah ...",
                [
                    "Tolok ukur dan acuan penilaian kualitas pelayanan",
                    "Daftar pegawai loket",
                    "Jadwal rapat internal",
                    "Laporan keuangan unit",
                ],
                0,
                "",
            ),
            (
                "multiple",
                "Manakah yang lazim menjadi komponen standar pelayanan?",
                ["Persyaratan", "Jangka waktu penyelesaian", "Biaya/tarif", "Nama atasan petugas"],
                [0, 1, 2],
                "",
            ),
            (
                "true_false",
                "Rancangan standar pelayanan sebaiknya dibahas bersama perwakilan masyarakat.",
                None,
                True,
                "Partisipasi warga adalah bagian dari penyusunan.",
            ),
            (
                "short",
                "Apa nama pernyataan tertulis kesanggupan penyelenggara melayani sesuai standar?",
                None,
                "maklumat pelayanan\nmaklumat",
                "",
            ),
            (
                "single",
                "Di mana maklumat pelayanan sebaiknya dipasang?",
                [
                    "Di tempat yang mudah dilihat warga",
                    "Di ruang arsip",
                    "Di meja kepala dinas",
                    "Tidak perlu dipasang",
                ],
                0,
                "",
            ),
            (
                "true_false",
                "Biaya layanan tidak perlu dicantumkan bila layanannya gratis.",
                None,
                False,
                "Cantumkan 'tidak dipungut biaya' agar warga mendapat kepastian.",
            ),
            (
                "single",
                "Langkah setelah konsultasi publik adalah ...",
                [
                    "Penetapan dan publikasi",
                    "Menghapus rancangan",
                    "Menunggu tahun depan",
                    "Mengirim ke semua pegawai tanpa penetapan",
                ],
                0,
                "",
            ),
            (
                "multiple",
                "Standar pelayanan membantu warga mengetahui ...",
                ["Persyaratan yang harus dibawa", "Lama proses", "Gaji petugas", "Biaya"],
                [0, 1, 3],
                "",
            ),
        ],
    },
    {
        "slug": "survei-kepuasan-masyarakat",
        "title": "Survei Kepuasan Masyarakat (SKM)",
        "summary": (
            "Merencanakan, melaksanakan, dan mengolah Survei Kepuasan Masyarakat sesuai "
            "PermenPANRB 14/2017, lalu menindaklanjuti hasilnya."
        ),
        "objectives": (
            "Menjelaskan sembilan unsur SKM\n"
            "Menghitung indeks kepuasan masyarakat dari skala 1–4\n"
            "Menyusun rencana tindak lanjut hasil survei"
        ),
        "jp": 4,
        "mode": CoursePage.DeliveryMode.E_LEARNING,
        "competencies": [("T.PP.02", 3)],
        "policy": CoursePage.EnrolmentPolicy.OPEN,
        "lessons": [
            (
                "Dasar dan Sembilan Unsur SKM",
                [
                    (
                        "text",
                        _p(
                            "SKM dilaksanakan paling sedikit satu kali setahun (PermenPANRB "
                            "14/2017) dan mengukur sembilan unsur:"
                        )
                        + _ul(
                            "Persyaratan",
                            "Sistem, mekanisme, dan prosedur",
                            "Waktu penyelesaian",
                            "Biaya/tarif",
                            "Produk spesifikasi jenis pelayanan",
                            "Kompetensi pelaksana",
                            "Perilaku pelaksana",
                            "Sarana dan prasarana",
                            "Penanganan pengaduan, saran, dan masukan",
                        ),
                    ),
                ],
            ),
            (
                "Skala dan Pengolahan",
                [
                    (
                        "text",
                        _p(
                            "Setiap unsur dinilai dengan skala 1 sampai 4. Nilai rata-rata "
                            "tertimbang unsur-unsur menghasilkan indeks yang dikonversi ke "
                            "mutu pelayanan."
                        ),
                    ),
                    (
                        "callout",
                        "Tips",
                        _p(
                            "Pastikan jumlah responden memadai dan jaga kerahasiaan "
                            "identitas mereka."
                        ),
                    ),
                ],
            ),
            (
                "Tindak Lanjut Hasil",
                [
                    (
                        "text",
                        _p(
                            "Publikasikan hasil SKM, pilih unsur dengan nilai terendah sebagai "
                            "prioritas perbaikan, dan laporkan tindak lanjutnya."
                        ),
                    ),
                ],
            ),
        ],
        "questions": [
            (
                "single",
                "Berapa jumlah unsur dalam SKM menurut PermenPANRB 14/2017?",
                ["9", "5", "12", "14"],
                0,
                "",
            ),
            (
                "single",
                "Skala penilaian setiap unsur SKM adalah ...",
                ["1–4", "1–10", "0–100", "1–3"],
                0,
                "",
            ),
            (
                "true_false",
                "SKM dilaksanakan paling sedikit satu kali dalam setahun.",
                None,
                True,
                "",
            ),
            (
                "multiple",
                "Manakah yang termasuk unsur SKM?",
                [
                    "Perilaku pelaksana",
                    "Sarana dan prasarana",
                    "Jumlah pegawai",
                    "Waktu penyelesaian",
                ],
                [0, 1, 3],
                "",
            ),
            ("short", "Singkatan dari SKM adalah Survei ... Masyarakat.", None, "Kepuasan", ""),
            (
                "single",
                "Unsur dengan nilai terendah sebaiknya ...",
                ["Menjadi prioritas perbaikan", "Dihapus dari survei", "Dirahasiakan", "Diabaikan"],
                0,
                "",
            ),
            (
                "true_false",
                "Identitas responden SKM boleh dipublikasikan bersama jawabannya.",
                None,
                False,
                "",
            ),
            (
                "single",
                "Hasil SKM sebaiknya ...",
                [
                    "Dipublikasikan beserta tindak lanjutnya",
                    "Disimpan di arsip saja",
                    "Hanya dilaporkan lisan",
                    "Dimusnahkan",
                ],
                0,
                "",
            ),
        ],
    },
    {
        "slug": "keterbukaan-informasi-publik",
        "title": "Keterbukaan Informasi Publik dan PPID",
        "summary": (
            "Hak warga atas informasi menurut UU 14/2008, kewajiban badan publik, dan "
            "peran PPID dalam melayani permohonan informasi."
        ),
        "objectives": (
            "Membedakan informasi berkala, serta-merta, setiap saat, dan yang dikecualikan\n"
            "Melayani permohonan informasi melalui PPID\n"
            "Memahami jalur sengketa ke Komisi Informasi"
        ),
        "jp": 3,
        "mode": CoursePage.DeliveryMode.E_LEARNING,
        "competencies": [("T.PP.03", 2)],
        "policy": CoursePage.EnrolmentPolicy.APPROVAL,
        "lessons": [
            (
                "Hak atas Informasi",
                [
                    (
                        "text",
                        _p(
                            "UU 14/2008 menjamin hak setiap orang memperoleh informasi publik. "
                            "Badan publik wajib mengumumkan informasi secara berkala."
                        ),
                    ),
                ],
            ),
            (
                "PPID dan Permohonan Informasi",
                [
                    (
                        "text",
                        _p(
                            "Pejabat Pengelola Informasi dan Dokumentasi (PPID) menerima, "
                            "mencatat, dan menjawab permohonan informasi (PP 61/2010)."
                        ),
                    ),
                    (
                        "accordion",
                        "Alur permohonan",
                        [
                            (
                                "Permohonan",
                                _p("Warga mengajukan permohonan tertulis atau elektronik."),
                            ),
                            ("Tanggapan", _p("PPID menjawab dalam jangka waktu yang ditentukan.")),
                            (
                                "Keberatan",
                                _p(
                                    "Bila tidak puas, pemohon mengajukan keberatan kepada atasan PPID."
                                ),
                            ),
                        ],
                    ),
                ],
            ),
            (
                "Sengketa Informasi",
                [
                    (
                        "text",
                        _p(
                            "Sengketa informasi yang tidak selesai melalui keberatan diselesaikan "
                            "oleh Komisi Informasi."
                        ),
                    ),
                    (
                        "callout",
                        "Ingat",
                        _p(
                            "Catat setiap permohonan: register permohonan adalah "
                            "bukti akuntabilitas."
                        ),
                    ),
                ],
            ),
        ],
        "questions": [
            (
                "single",
                "Undang-undang tentang Keterbukaan Informasi Publik adalah ...",
                ["UU 14/2008", "UU 25/2009", "UU 11/2008", "UU 20/2023"],
                0,
                "",
            ),
            (
                "short",
                "Apa singkatan pejabat yang mengelola informasi dan dokumentasi di badan publik?",
                None,
                "PPID",
                "",
            ),
            (
                "single",
                "Sengketa informasi diselesaikan oleh ...",
                ["Komisi Informasi", "Ombudsman", "BKN", "Inspektorat"],
                0,
                "",
            ),
            (
                "true_false",
                "Badan publik wajib mengumumkan informasi publik secara berkala.",
                None,
                True,
                "",
            ),
            (
                "multiple",
                "Langkah dalam alur permohonan informasi meliputi ...",
                ["Permohonan", "Tanggapan PPID", "Keberatan", "Pemecatan pemohon"],
                [0, 1, 2],
                "",
            ),
            (
                "true_false",
                "Permohonan informasi hanya boleh diajukan secara lisan.",
                None,
                False,
                "",
            ),
            (
                "single",
                "Jika pemohon tidak puas dengan jawaban PPID, langkah berikutnya adalah ...",
                [
                    "Mengajukan keberatan kepada atasan PPID",
                    "Langsung ke pengadilan pidana",
                    "Mengulang permohonan yang sama setiap hari",
                    "Tidak ada langkah lanjutan",
                ],
                0,
                "",
            ),
            (
                "single",
                "Peraturan pemerintah yang mengatur PPID adalah ...",
                ["PP 61/2010", "PP 11/2017", "PP 17/2020", "PP 94/2021"],
                0,
                "",
            ),
        ],
    },
    {
        "slug": "spbe-layanan-digital",
        "title": "SPBE: Layanan Digital Pemerintah",
        "summary": (
            "Sistem Pemerintahan Berbasis Elektronik (Perpres 95/2018): arsitektur, "
            "layanan digital, dan evaluasi SPBE, termasuk kearsipan dinamis dengan SRIKANDI."
        ),
        "objectives": (
            "Menjelaskan tujuan SPBE\n"
            "Mengenali layanan administrasi dan layanan publik berbasis elektronik\n"
            "Memahami evaluasi SPBE"
        ),
        "jp": 8,
        "mode": CoursePage.DeliveryMode.BLENDED,
        "siasn_type": DevelopmentType.DIKLAT_TEKNIS,  # a type of its own, not the mode
        "competencies": [("T.PP.04", 3), ("M.07", 2)],
        "policy": CoursePage.EnrolmentPolicy.OPEN,
        "lessons": [
            (
                "Apa itu SPBE?",
                [
                    (
                        "text",
                        _p(
                            "SPBE diatur dalam Perpres 95/2018: penyelenggaraan pemerintahan "
                            "yang memanfaatkan teknologi informasi dan komunikasi untuk "
                            "memberikan layanan kepada pengguna SPBE."
                        ),
                    ),
                ],
            ),
            (
                "Layanan Digital di Perangkat Daerah",
                [
                    (
                        "text",
                        _p(
                            "Contoh layanan administrasi pemerintahan berbasis elektronik adalah "
                            "kearsipan dinamis melalui SRIKANDI yang sudah digunakan pegawai "
                            "Kota Bontang."
                        ),
                    ),
                    (
                        "callout",
                        "Tips",
                        _p(
                            "Satu data, satu aplikasi bersama: hindari membuat aplikasi "
                            "baru bila layanan serupa sudah ada."
                        ),
                    ),
                ],
            ),
            (
                "Evaluasi SPBE",
                [
                    (
                        "text",
                        _p(
                            "Pelaksanaan SPBE dievaluasi secara berkala (PermenPANRB 59/2020) "
                            "untuk mengukur kemajuan dan menentukan prioritas perbaikan."
                        ),
                    ),
                ],
            ),
        ],
        "questions": [
            (
                "single",
                "SPBE diatur dalam ...",
                ["Perpres 95/2018", "Perpres 29/2014", "UU 14/2008", "PP 11/2017"],
                0,
                "",
            ),
            (
                "short",
                "Apa kepanjangan SPBE? Sistem Pemerintahan Berbasis ...",
                None,
                "Elektronik",
                "",
            ),
            (
                "single",
                "Aplikasi kearsipan dinamis yang digunakan pegawai adalah ...",
                ["SRIKANDI", "SIASN", "SAKIP", "LAPOR"],
                0,
                "",
            ),
            (
                "true_false",
                "Evaluasi SPBE diatur antara lain dalam PermenPANRB 59/2020.",
                None,
                True,
                "",
            ),
            (
                "true_false",
                "Setiap bidang sebaiknya membuat aplikasi sendiri walaupun layanan serupa sudah ada.",
                None,
                False,
                "",
            ),
            (
                "multiple",
                "Manfaat SPBE antara lain ...",
                [
                    "Layanan lebih cepat",
                    "Data lebih terpadu",
                    "Menambah antrean fisik",
                    "Transparansi",
                ],
                [0, 1, 3],
                "",
            ),
            (
                "single",
                "Tujuan evaluasi SPBE adalah ...",
                [
                    "Mengukur kemajuan dan menentukan prioritas perbaikan",
                    "Mengurangi jumlah pegawai",
                    "Menghapus layanan manual seluruhnya dalam sehari",
                    "Menilai kinerja individu",
                ],
                0,
                "",
            ),
            (
                "single",
                "Contoh layanan publik berbasis elektronik adalah ...",
                [
                    "Pendaftaran perizinan daring",
                    "Rapat tatap muka",
                    "Surat tulisan tangan",
                    "Papan pengumuman kayu",
                ],
                0,
                "",
            ),
        ],
    },
    {
        "slug": "sakip-akuntabilitas-kinerja",
        "title": "SAKIP: Akuntabilitas Kinerja Instansi Pemerintah",
        "summary": (
            "Siklus SAKIP menurut Perpres 29/2014: Renstra, Perjanjian Kinerja, pengukuran, "
            "pelaporan (LKjIP), serta reviu dan evaluasi."
        ),
        "objectives": (
            "Menjelaskan siklus SAKIP\n"
            "Menyusun indikator kinerja yang terukur\n"
            "Menyusun bagian capaian kinerja dalam LKjIP"
        ),
        "jp": 6,
        "mode": CoursePage.DeliveryMode.KLASIKAL,
        "siasn_type": DevelopmentType.DIKLAT_TEKNIS,  # a type of its own, not the mode
        "competencies": [("M.04", 3)],
        "policy": CoursePage.EnrolmentPolicy.ASSIGNED,
        "lessons": [
            (
                "Siklus SAKIP",
                [
                    (
                        "text",
                        _p("Perpres 29/2014 menetapkan siklus:")
                        + _ul(
                            "Rencana Strategis (Renstra)",
                            "Perjanjian Kinerja",
                            "Pengukuran kinerja",
                            "Pelaporan kinerja (LKjIP)",
                            "Reviu dan evaluasi kinerja",
                        ),
                    ),
                ],
            ),
            (
                "Indikator Kinerja",
                [
                    (
                        "text",
                        _p(
                            "Indikator kinerja yang baik itu spesifik, terukur, dapat dicapai, "
                            "relevan, dan berjangka waktu."
                        ),
                    ),
                    (
                        "accordion",
                        "Contoh",
                        [
                            ("Keluaran", _p("Jumlah izin terbit tepat waktu.")),
                            ("Hasil", _p("Indeks kepuasan masyarakat atas layanan perizinan.")),
                        ],
                    ),
                ],
            ),
            (
                "Menyusun LKjIP",
                [
                    (
                        "text",
                        _p(
                            "LKjIP menyajikan capaian kinerja dibandingkan target Perjanjian "
                            "Kinerja, analisis penyebab, dan rencana perbaikan."
                        ),
                    ),
                ],
            ),
        ],
        "questions": [
            (
                "single",
                "SAKIP diatur dalam ...",
                ["Perpres 29/2014", "Perpres 95/2018", "UU 25/2009", "PP 61/2010"],
                0,
                "",
            ),
            (
                "multiple",
                "Tahapan siklus SAKIP meliputi ...",
                ["Renstra", "Perjanjian Kinerja", "Pengukuran kinerja", "Pengadaan barang"],
                [0, 1, 2],
                "",
            ),
            (
                "short",
                "Apa singkatan laporan kinerja instansi pemerintah?",
                None,
                "LKjIP\nLKIP",
                "",
            ),
            ("true_false", "Indikator kinerja yang baik harus dapat diukur.", None, True, ""),
            (
                "single",
                "'Indeks kepuasan masyarakat atas layanan perizinan' adalah contoh indikator ...",
                ["Hasil (outcome)", "Masukan (input)", "Proses", "Anggaran"],
                0,
                "",
            ),
            (
                "single",
                "Capaian kinerja dalam LKjIP dibandingkan dengan ...",
                [
                    "Target Perjanjian Kinerja",
                    "Jumlah pegawai",
                    "Tahun kelahiran pimpinan",
                    "Anggaran unit lain",
                ],
                0,
                "",
            ),
            ("true_false", "Reviu dan evaluasi bukan bagian dari siklus SAKIP.", None, False, ""),
            (
                "single",
                "Dokumen perencanaan lima tahunan perangkat daerah adalah ...",
                ["Renstra", "LKjIP", "DPA", "SOP"],
                0,
                "",
            ),
        ],
    },
]


def _lesson_body(blocks: list[tuple]) -> list[tuple[str, dict]]:
    body = []
    for block in blocks:
        kind = block[0]
        if kind == "text":
            body.append(("text", {"text": RichText(block[1])}))
        elif kind == "callout":
            tone = "tip" if block[1] == "Tips" else "info"
            body.append(("callout", {"kind": tone, "title": block[1], "text": RichText(block[2])}))
        elif kind == "accordion":
            items = [{"heading": h, "body": RichText(b)} for h, b in block[2]]
            body.append(("accordion", {"title": block[1], "items": items}))
    return body


def _course_index(home_page: HomePage) -> CourseIndexPage:
    index = CourseIndexPage.objects.first()
    if index is None:
        index = CourseIndexPage(
            title="Katalog Pelatihan",
            slug="katalog",
            intro=(
                "Pelatihan daring dan klasikal untuk ASN Pemerintah Kota Bontang. "
                "Saring menurut kompetensi, moda, atau JP."
            ),
        )
        home_page.add_child(instance=index)
        index.save_revision().publish()
    return index


def _questions(course: CoursePage, specs: list[tuple]) -> list[Question]:
    existing = list(course.questions.order_by("pk"))
    if existing:
        return existing
    questions = []
    for kind, prompt, data, answer, explanation in specs:
        question = Question(
            course=course,
            kind=kind,
            prompt=prompt,
            explanation=explanation,
            correct_true=answer if kind == Question.Kind.TRUE_FALSE else None,
            accepted_answers=answer if kind == Question.Kind.SHORT else "",
            points=3 if kind == Question.Kind.ESSAY else 1,
        )
        question.full_clean()
        question.save()
        if data:
            correct = set(answer if isinstance(answer, list) else [answer])
            for i, text in enumerate(data):
                Choice.objects.create(
                    question=question, text=text, is_correct=i in correct, sort_order=i
                )
        questions.append(question)
    return questions


def _quiz(
    course: CoursePage, *, slug: str, title: str, role: str, questions, required: bool
) -> QuizPage:
    quiz = QuizPage.objects.child_of(course).filter(slug=slug).first()
    if quiz is None:
        quiz = QuizPage(
            title=title,
            slug=slug,
            role=role,
            pass_mark_percent=70,
            max_attempts=0 if role == QuizPage.Role.PRE_TEST else 3,
            time_limit_minutes=20 if role != QuizPage.Role.PRE_TEST else None,
            required_for_completion=required,
            owner=course.owner,
        )
        if role == QuizPage.Role.PRE_TEST:
            # A diagnostic over the post-test's questions: the score only, never the
            # answers (unlimited attempts would otherwise hand them out).
            quiz.review_correctness = QuizPage.Review.NEVER
            quiz.review_right_answer = QuizPage.Review.NEVER
            quiz.review_feedback = QuizPage.Review.NEVER
        elif all(q.kind != Question.Kind.ESSAY for q in questions) and len(questions) > 4:
            # Each attempt draws its own questions, so a second attempt is not the first
            # one again; the right answers wait for the last attempt or a pass (defaults).
            quiz.selection = QuizPage.Selection.RANDOM
            quiz.question_count = len(questions) - 2
        course.add_child(instance=quiz)
        quiz.questions.set(questions)
        quiz.save_revision().publish()
    return quiz


def _course(index: CourseIndexPage, spec: dict[str, Any], trainer: User) -> CoursePage:
    course = CoursePage.objects.child_of(index).filter(slug=spec["slug"]).first()
    if course is None:
        course = CoursePage(
            title=spec["title"],
            slug=spec["slug"],
            summary=spec["summary"],
            learning_objectives=spec["objectives"],
            jp_hours=spec["jp"],
            delivery_mode=spec["mode"],
            siasn_development_type=spec.get("siasn_type"),
            enrolment_policy=spec["policy"],
            offering_unit=OrgUnit.objects.filter(code="BKPSDM.PKA").first(),
            certificate_validity_months=None,
            evaluation_required=True,
            owner=trainer,
        )
        index.add_child(instance=course)
        course.trainers.set([trainer])
        codes = dict(spec["competencies"])
        for competency in Competency.objects.filter(code__in=codes):
            course.course_competencies.create(
                competency=competency, target_level=codes[competency.code]
            )
        course.save_revision().publish()
        for title, blocks in spec["lessons"]:
            lesson = LessonPage(
                title=title, body=_lesson_body(blocks), estimated_minutes=20, owner=trainer
            )
            course.add_child(instance=lesson)
            lesson.save_revision().publish()
    questions = _questions(course, spec["questions"])
    auto = [q for q in questions if q.kind != Question.Kind.ESSAY]
    if spec.get("pre_post"):
        _quiz(
            course,
            slug="pre-test",
            title="Pre-test",
            role=QuizPage.Role.PRE_TEST,
            questions=auto,
            required=False,
        )
        _quiz(
            course,
            slug="post-test",
            title="Post-test",
            role=QuizPage.Role.POST_TEST,
            questions=questions,
            required=True,
        )
    else:
        _quiz(
            course,
            slug="kuis-akhir",
            title="Kuis Akhir",
            role=QuizPage.Role.REGULAR,
            questions=auto,
            required=True,
        )
    return course


def _take_quiz(user: User, quiz: QuizPage, *, correct: int) -> None:
    """One graded attempt with `correct` right answers (skipped if any attempt exists)."""
    if QuizAttempt.objects.filter(user=user, quiz=quiz).exists():
        return
    attempt = quiz_attempt_start(user=user, quiz=quiz)
    responses: dict[int, list[str]] = {}
    answers = list(attempt.answers.select_related("question").prefetch_related("question__choices"))
    for answer in answers[:correct]:
        q = answer.question
        if q is None:
            continue
        if q.kind in {Question.Kind.SINGLE, Question.Kind.MULTIPLE}:
            responses[answer.pk] = [str(c.pk) for c in q.choices.all() if c.is_correct]
        elif q.kind == Question.Kind.TRUE_FALSE:
            responses[answer.pk] = ["true" if q.correct_true else "false"]
        elif q.kind == Question.Kind.SHORT:
            responses[answer.pk] = [q.accepted_answer_list[0]]
        else:
            responses[answer.pk] = [
                "Saya menyambut warga lansia di loket dan membantu mengisi formulir (Berorientasi Pelayanan)."
            ]
    quiz_attempt_submit(user=user, attempt=attempt, responses=responses)


def _finish(
    user: User,
    course: CoursePage,
    *,
    grader: User,
    pre: int,
    post: int,
    rating: tuple[int, int, int],
    comment: str,
) -> None:
    enrolment = enrolment_create(user=user, course=course, source=Enrolment.Source.SELF)
    for lesson in LessonPage.objects.child_of(course).live().order_by("path"):
        lesson_progress_open(user=user, lesson=lesson)
        lesson_progress_complete(user=user, lesson=lesson)
    for quiz in QuizPage.objects.child_of(course).live().order_by("path"):
        _take_quiz(user, quiz, correct=pre if quiz.role == QuizPage.Role.PRE_TEST else post)
    pending = AttemptAnswer.objects.filter(
        attempt__enrolment=enrolment, question_kind=Question.Kind.ESSAY, points_awarded__isnull=True
    ).exclude(attempt__status=QuizAttempt.Status.IN_PROGRESS)
    for answer in pending:
        essay_answer_grade(
            grader=grader,
            answer=answer,
            points=answer.max_points if answer.text_answer else Decimal(1),
            feedback="Contoh yang baik dan relevan."
            if answer.text_answer
            else "Jawaban belum diisi.",
        )
    if not CourseEvaluation.objects.filter(enrolment=enrolment).exists():
        course_evaluation_submit(
            user=user,
            enrolment=enrolment,
            content_rating=rating[0],
            trainer_rating=rating[1],
            usefulness_rating=rating[2],
            comments=comment,
        )


def demo_courses_seed(
    *, home_page: HomePage, trainer: User, learners: list[User]
) -> list[CoursePage]:
    """Creates the catalogue, the six demo courses and the authoring workflow, then puts
    the demo learners at different stages (completed, in progress, assigned, overdue)."""
    index = _course_index(home_page)
    course_authoring_setup(index=index)
    courses = {spec["slug"]: _course(index, spec, trainer) for spec in COURSES}
    if not learners:
        return list(courses.values())
    today = timezone.localdate()
    first = learners[0]
    # Completed with a pre-/post-test pair and an evaluation.
    _finish(
        first,
        courses["pelayanan-prima-berakhlak"],
        grader=trainer,
        pre=3,
        post=9,
        rating=(5, 5, 4),
        comment="Materinya dekat dengan pekerjaan di loket.",
    )
    # In progress: first lesson done, resume at the second.
    enrolment_create(user=first, course=courses["standar-pelayanan-maklumat"])
    lessons = list(
        LessonPage.objects.child_of(courses["standar-pelayanan-maklumat"]).order_by("path")
    )
    lesson_progress_open(user=first, lesson=lessons[0])
    lesson_progress_complete(user=first, lesson=lessons[0])
    lesson_progress_open(user=first, lesson=lessons[1])
    pre = QuizPage.objects.child_of(courses["standar-pelayanan-maklumat"]).get(slug="pre-test")
    _take_quiz(first, pre, correct=4)
    # Assigned by HR: one due soon, one overdue.
    enrolment_create(
        user=first,
        course=courses["survei-kepuasan-masyarakat"],
        source=Enrolment.Source.ASSIGNMENT,
        due_on=today + dt.timedelta(days=21),
    )
    enrolment_create(
        user=first,
        course=courses["sakip-akuntabilitas-kinerja"],
        source=Enrolment.Source.ASSIGNMENT,
        due_on=today - dt.timedelta(days=5),
    )
    # A request waiting for the trainer's approval.
    enrolment_create(user=first, course=courses["keterbukaan-informasi-publik"])
    for other in learners[1:]:
        _finish(
            other,
            courses["spbe-layanan-digital"],
            grader=trainer,
            pre=0,
            post=7,
            rating=(4, 4, 5),
            comment="Perlu lebih banyak contoh aplikasi di Bontang.",
        )
        _finish(
            other,
            courses["pelayanan-prima-berakhlak"],
            grader=trainer,
            pre=5,
            post=7,
            rating=(4, 5, 4),
            comment="",
        )
    return list(courses.values())
