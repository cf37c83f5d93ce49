"""SIASN (BKN) reference tables and the rules the portal's SIASN export follows.

The one home of these facts (lms imports them; competencies never imports lms). Each
fact names its source; DOMAIN.md §2, §4 and §7 cite the same."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from django.db import models


class DevelopmentType(models.IntegerChoices):
    """SIASN `jenisDiklat` reference (id → name), the id being what SIASN stores
    [black-coffee04/ws-siasn-php src/Data/Referensi/jenisDiklat.json.gz; DOMAIN.md §2]."""

    DIKLAT_STRUKTURAL = 1, "Diklat Struktural"
    DIKLAT_FUNGSIONAL = 2, "Diklat Fungsional"
    DIKLAT_TEKNIS = 3, "Diklat Teknis"
    WORKSHOP = 4, "Workshop"
    PELATIHAN_MANAJERIAL = 5, "Pelatihan Manajerial"
    PELATIHAN_SOSIAL_KULTURAL = 6, "Pelatihan Sosial Kultural"
    SOSIALISASI = 7, "Sosialisasi"
    BIMBINGAN_TEKNIS = 8, "Bimbingan Teknis"
    SEMINAR = 9, "Seminar"
    MAGANG = 10, "Magang"
    KURSUS = 11, "Kursus"
    PENATARAN = 12, "Penataran"
    KLASIKAL_LAINNYA = 13, "Klasikal lainnya"
    COACHING = 14, "Coaching"
    MENTORING = 15, "Mentoring"
    E_LEARNING = 16, "E-Learning"
    PELATIHAN_JARAK_JAUH = 17, "Pelatihan Jarak Jauh"
    DETASERING = 18, "Detasering"
    OUTBOUND = 19, "Outbound"
    PATOK_BANDING = 20, "Patok Banding"
    PERTUKARAN = 21, "Pertukaran PNS dengan swasta/BUMN/BUMD"
    BELAJAR_MANDIRI = 22, "Belajar Mandiri"
    KOMUNITAS_BELAJAR = 23, "Komunitas Belajar"
    BIMBINGAN_DI_TEMPAT_KERJA = 24, "Bimbingan di Tempat Kerja"
    NONKLASIKAL_LAINNYA = 25, "Nonklasikal lainnya"


# `jenisKursusSertipikat` is a column of the same jenisDiklat reference: F for 2; P for
# 4, 7, 9; T for the rest. What the letters mean is UNVERIFIED (DOMAIN.md §7)
# [black-coffee04/ws-siasn-php src/Data/Referensi/jenisDiklat.json.gz].
_CERTIFICATE_KIND = {2: "F", 4: "P", 7: "P", 9: "P"}


def kursus_certificate_kind(development_type: int) -> str:
    """SIASN `jenisKursusSertipikat` for a `jenisDiklatId`."""
    return _CERTIFICATE_KIND.get(int(development_type), "T")


def siasn_jp(jp: Decimal) -> int:
    """SIASN `jumlahJam` is an integer [black-coffee04/ws-siasn-php examples/kursus.php;
    kanekescom/laravel-siasn-simpeg rw_kursus_table migration]. The portal keeps JP to
    one decimal; the export rounds half up to a whole JP (1.5 → 2, 1.4 → 1): the nearest
    whole number is what a paper certificate would show, and half up is the rounding
    Indonesian schools and offices teach and use. The export screen shows every record
    whose JP changes, before download."""
    return int(Decimal(jp).quantize(Decimal(1), rounding=ROUND_HALF_UP))


# Leadership training (diklat struktural, jenisDiklat 1) is a different SIASN record,
# `diklat/save` with a `latihanStrukturalId` [C kanekescom/laravel-siasn-simpeg
# src/Services/PostDiklatSaveService.php; ws-siasn-php latihanStruktural.json.gz]:
# 1 SEPADA, 2 Diklatpim IV/ADUM/SEPALA, 3 Diklatpim III/SPAMA/SEPADYA, 4 Diklatpim
# II/SPAMEN/SESPA, 5 Diklatpim I/SEPATI, 6 SESPIM, 7 SESPATI, 8 other. The programmes
# that replaced the Diklatpim (Perlan LAN 15/2019) map PKP → 2, PKA → 3, PKN II → 4:
# an inference, UNVERIFIED against BKN (DOMAIN.md §7). PKN I is left to HR.
_LEADERSHIP_PATTERNS = (
    (r"\bPKN\b.*\bII\b|kepemimpinan nasional tingkat ii\b|\bdiklatpim ii\b", 4),
    (r"\bPKA\b|kepemimpinan administrator|\bdiklatpim iii\b", 3),
    (r"\bPKP\b|kepemimpinan pengawas|\bdiklatpim iv\b", 2),
)


def leadership_programme_id(title: str) -> int | None:
    """SIASN `latihanStrukturalId` read from a leadership record's title (PKP, PKA,
    PKN II, or the Diklatpim they replaced), None when the title does not say."""
    for pattern, latihan_id in _LEADERSHIP_PATTERNS:
        if re.search(pattern, title, flags=re.IGNORECASE):
            return latihan_id
    return None
