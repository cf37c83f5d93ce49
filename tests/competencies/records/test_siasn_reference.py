"""The SIASN reference tables live once, in competencies.siasn.

Source of the jenisDiklat table and of the F/P/T certificate letters:
black-coffee04/ws-siasn-php src/Data/Referensi/jenisDiklat.json.gz (DOMAIN.md §2, §7)."""

from __future__ import annotations

import inspect

from competencies import siasn
from competencies.models import TrainingRecord
from lms.models import CoursePage


def test_one_table_for_jenis_diklat():
    # competencies.siasn owns it; the records model and the course page take their
    # choices from it, and neither spells the names out itself.
    for model, name in (
        (TrainingRecord, "development_type"),
        (CoursePage, "siasn_development_type"),
    ):
        field = model._meta.get_field(name)
        assert list(field.choices) == list(siasn.DevelopmentType.choices)
    import competencies.models.records as records
    import lms.models.pages as pages

    for module in (records, pages):
        assert '"Nonklasikal lainnya"' not in inspect.getsource(module)


def test_jenis_diklat_ids_and_names():
    assert len(siasn.DevelopmentType) == 25
    assert siasn.DevelopmentType(13).label == "Klasikal lainnya"
    assert siasn.DevelopmentType(16).label == "E-Learning"
    assert siasn.DevelopmentType(25).label == "Nonklasikal lainnya"


def test_kursus_certificate_letter_follows_jenis_diklat():
    # F for 2; P for 4, 7, 9; T for the rest (meaning of the letters UNVERIFIED).
    letters = {t.value: siasn.kursus_certificate_kind(t.value) for t in siasn.DevelopmentType}
    assert letters[2] == "F"
    assert {letters[4], letters[7], letters[9]} == {"P"}
    assert {v for k, v in letters.items() if k not in (2, 4, 7, 9)} == {"T"}
