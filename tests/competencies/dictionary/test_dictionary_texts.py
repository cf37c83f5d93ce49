"""The competency dictionary as PermenPANRB 38/2017 writes it.

Source of every managerial / socio-cultural text pinned here: PermenPANRB 38/2017, Lampiran,
as transcribed in github.com/singgihadis/anjab `mysql/anjab.sql`, tables
`master_kamus_kompetensi_skj` and `master_kamus_kompetensi_skj_level` (row ids given per
test). Technical ladder: ../shared/DOMAIN.md §7 [P fliphtml5.com/pfhnl/arhg/
Kamus-Kompetensi-Manajerial-dan-Sosial-Kultural/1]."""

from __future__ import annotations

from django.urls import reverse

import pytest

from competencies.data.dictionary import TECHNICAL_LEVELS
from competencies.demo.seed import MANAGERIAL, competency_dictionary_seed
from competencies.models import Competency, ProficiencyLevel

pytestmark = pytest.mark.django_db


def level(code: str, number: int) -> ProficiencyLevel:
    return ProficiencyLevel.objects.get(competency__code=code, level=number)


@pytest.fixture
def seeded():
    return competency_dictionary_seed()


def test_m01_level_5_is_a_role_model_at_national_level(seeded):
    # master_kamus_kompetensi_skj_level id 5 (M.1, level 5).
    l5 = level("M.01", 5)
    assert l5.description_id == (
        "Mampu menjadi role model dalam penerapan standar keadilan dan etika di tingkat nasional"
    )
    assert "tingkat nasional" in l5.indicators_id
    assert "di tingkat instansi" not in l5.description_id
    assert len(l5.indicators) == 3


def test_m02_level_4_is_synergy_within_the_agency_and_level_5_inside_and_outside(seeded):
    # ids 9 and 10 (M.2, levels 4 and 5): level 4 is between units *within* the agency led.
    l4, l5 = level("M.02", 4), level("M.02", 5)
    assert l4.description_id == "Membangun komitmen tim, sinergi"
    assert (
        l4.indicators[0] == "Membangun sinergi antar unit kerja di lingkup instansi yang dipimpin"
    )
    assert "lintas instansi" not in l4.description_id + l4.indicators_id
    assert "di dalam maupun di luar instansi" in l5.description_id


def test_level_5_scopes_of_m03_m04_m07(seeded):
    # ids 15 (M.3 L5), 20 (M.4 L5), 35 (M.7 L5).
    assert level("M.03", 5).description_id.startswith(
        "Menggagas sistem komunikasi yang terbuka secara strategis"
    )
    assert level("M.04", 5).description_id == "Meningkatkan mutu pencapaian kerja organisasi"
    m07 = level("M.07", 5).description_id
    assert "menggerakkan dukungan pemangku kepentingan" in m07
    assert m07.endswith("pada tingkat instansi/nasional")


def test_definitions_are_the_regulations_own(seeded):
    # master_kamus_kompetensi_skj ids 1 (M.1) and 9 (SK.1), column `uraian`.
    assert Competency.objects.get(code="M.01").description_id.endswith(
        "bertanggungjawab atas tindakan atau keputusan beserta risiko yang menyertainya"
    )
    assert "bernegara Indonesia" in Competency.objects.get(code="SK.01").description_id


def test_every_managerial_level_has_its_own_title_and_indicators(seeded):
    """No generic per-level text: at each level the nine competencies have nine different
    titles, each with at least three behaviour indicators (the regulation's own)."""
    for number in range(1, 6):
        rows = ProficiencyLevel.objects.filter(competency__code__in=MANAGERIAL, level=number)
        assert rows.count() == len(MANAGERIAL)
        assert len({row.description_id for row in rows}) == len(MANAGERIAL)
        for row in rows:
            assert len(row.indicators) >= 3, row


def test_regulation_texts_have_no_invented_english(seeded):
    """The regulation is Indonesian only; the English screen falls back to it."""
    l1 = level("M.01", 1)
    assert l1.description_en == ""
    assert l1.indicators_en == ""


def test_technical_competencies_use_the_technical_ladder(seeded):
    # DOMAIN.md §7: L1 basics of the field, L2 applies it independently, L3 finds
    # systematic improvements, L4 develops the field, L5 not retrieved.
    managerial = set(
        ProficiencyLevel.objects.filter(competency__kind="manajerial").values_list(
            "description_id", flat=True
        )
    )
    for number in range(1, 6):
        row = level("T.PP.01", number)
        assert row.description_id == TECHNICAL_LEVELS[number][0]
        assert row.description_id not in managerial
    assert "dasar" in level("T.PP.01", 1).description_id
    assert "mandiri" in level("T.PP.01", 2).description_id
    assert "sistematis" in level("T.PP.01", 3).description_id
    assert "mengembangkan" in level("T.PP.01", 4).description_id.lower()
    # Level 5 is not invented: the seeded text says it was not retrieved.
    assert "belum diperoleh" in level("T.PP.01", 5).description_id
    assert "not retrieved" in level("T.PP.01", 5).description_en


def test_seeding_again_keeps_texts_hr_edited(seeded):
    row = level("M.01", 3)
    row.description_id = "Teks yang disesuaikan BKPSDM"
    row.save()
    competency = Competency.objects.get(code="M.01")
    competency.description_id = "Definisi yang disesuaikan"
    competency.save()

    competency_dictionary_seed()

    assert level("M.01", 3).description_id == "Teks yang disesuaikan BKPSDM"
    assert Competency.objects.get(code="M.01").description_id == "Definisi yang disesuaikan"


def test_hr_edits_the_seeded_texts_in_the_admin(seeded, admin_client):
    competency = Competency.objects.get(code="M.02")
    response = admin_client.get(reverse("competencies_competency:edit", args=[competency.pk]))
    assert response.status_code == 200
    assert "Membangun komitmen tim, sinergi" in response.content.decode()
