"""Migration competencies/0013_dictionary_texts on a database seeded with the old, generated
dictionary texts: the regulation's texts replace the generated ones in place, texts HR
already changed stay, and assessments keep their levels."""

from __future__ import annotations

import datetime
import importlib

from django.apps import apps

import pytest

from competencies.data.dictionary import TECHNICAL_LEVELS
from competencies.data.dictionary_permenpanrb_38_2017 import DICTIONARY
from competencies.models import Assessment, Competency, ProficiencyLevel
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("competencies.migrations.0013_dictionary_texts")


def _seed_old_dictionary() -> None:
    """What `seed_demo` wrote before this migration (frozen in the migration)."""
    for code, (kind, name_id, name_en, description, levels) in migration.old_texts().items():
        competency = Competency.objects.create(
            code=code, kind=kind, name_id=name_id, name_en=name_en, description_id=description
        )
        for number, (text_id, text_en, indicators) in levels.items():
            ProficiencyLevel.objects.create(
                competency=competency,
                level=number,
                description_id=text_id,
                description_en=text_en,
                indicators_id=indicators,
            )


def _assess(employee, code: str, number: int) -> Assessment:
    return Assessment.objects.create(
        employee=employee,
        competency=Competency.objects.get(code=code),
        level=number,
        method=Assessment.Method.SUPERVISOR,
        status=Assessment.Status.APPROVED,
        assessed_on=datetime.date(2026, 3, 1),
    )


def test_old_texts_are_replaced_in_place_and_assessments_keep_their_levels():
    _seed_old_dictionary()
    ids_before = dict(ProficiencyLevel.objects.values_list("pk", "level"))
    employee = EmployeeFactory()
    a = _assess(employee, "M.01", 5)
    b = _assess(employee, "T.PP.01", 2)

    migration.forwards(apps, None)

    assert dict(ProficiencyLevel.objects.values_list("pk", "level")) == ids_before
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.competency.code, a.level) == ("M.01", 5)
    assert (b.competency.code, b.level) == ("T.PP.01", 2)
    m01_5 = ProficiencyLevel.objects.get(competency__code="M.01", level=5)
    title, indicators = DICTIONARY["M.01"]["levels"][5]
    assert m01_5.description_id == title
    assert "tingkat nasional" in m01_5.description_id
    assert m01_5.indicators_id == "\n".join(indicators)
    assert m01_5.description_en == ""  # the generated English text goes too
    assert Competency.objects.get(code="M.01").description_id == DICTIONARY["M.01"]["definition"]
    t_2 = ProficiencyLevel.objects.get(competency__code="T.PP.01", level=2)
    assert t_2.description_id == TECHNICAL_LEVELS[2][0]


def test_texts_hr_already_edited_are_kept():
    _seed_old_dictionary()
    edited = ProficiencyLevel.objects.get(competency__code="M.02", level=4)
    edited.description_id = "Teks BKPSDM sendiri"
    edited.save()

    migration.forwards(apps, None)

    edited.refresh_from_db()
    assert edited.description_id == "Teks BKPSDM sendiri"
    # The untouched indicators of that same level do get the regulation's text.
    assert edited.indicators_id.startswith("Membangun sinergi antar unit kerja")


def test_running_it_twice_or_on_an_empty_dictionary_is_harmless():
    migration.forwards(apps, None)  # nothing seeded: nothing to do
    _seed_old_dictionary()
    migration.forwards(apps, None)
    snapshot = list(ProficiencyLevel.objects.values_list("pk", "description_id", "indicators_id"))
    migration.forwards(apps, None)
    assert (
        list(ProficiencyLevel.objects.values_list("pk", "description_id", "indicators_id"))
        == snapshot
    )


def test_backwards_restores_the_old_texts():
    _seed_old_dictionary()
    before = list(ProficiencyLevel.objects.values_list("pk", "description_id", "indicators_id"))
    migration.forwards(apps, None)
    migration.backwards(apps, None)
    assert (
        list(ProficiencyLevel.objects.values_list("pk", "description_id", "indicators_id"))
        == before
    )
