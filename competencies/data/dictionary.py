"""The competency dictionary seeded by `seed_demo`: the eight managerial competencies and
Perekat Bangsa of PermenPANRB 38/2017 (Lampiran II codes M.01…M.08, SK.01), and a few
technical competencies for public-service work. Level texts follow the general ladder in
../shared/DOMAIN.md §1 (level 5's official wording was not retrieved); HR edits them in
the admin."""

GENERAL_LEVELS = {
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

# (code, kind, name_id, name_en, description_id, [indicator per level 1..5 in Indonesian])
COMPETENCIES = [
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
