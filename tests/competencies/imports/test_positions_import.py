from __future__ import annotations

from wagtail.models import ModelLogEntry

import pytest

from competencies.imports.positions import positions_import
from competencies.models import Position, PositionRequirement
from tests.competencies.imports.files import csv_bytes
from tests.factories.competencies import (
    CompetencyFactory,
    OrgUnitFactory,
    PositionFactory,
    PositionRequirementFactory,
)

pytestmark = pytest.mark.django_db

HEADERS = ["kode", "nama", "jenis", "jenjang", "kode_unit", "standar_kompetensi", "aktif"]


def _import(data, *, actor=None, dry_run=False):
    return positions_import(data=data, filename="jabatan.csv", actor=actor, dry_run=dry_run)


def _standard(code: str) -> dict[str, int]:
    return dict(
        PositionRequirement.objects.filter(position__code=code).values_list(
            "competency__code", "required_level"
        )
    )


@pytest.fixture
def dictionary():
    return [CompetencyFactory(code=code) for code in ("M.01", "M.02", "T.01")]


def test_positions_with_standards_import_and_reimport_as_a_no_op(dictionary):
    OrgUnitFactory(code="DISKOMINFO")
    data = csv_bytes(
        HEADERS,
        [
            [
                "PRANATA",
                "Pranata Komputer",
                "Fungsional",
                "Ahli Pertama",
                "DISKOMINFO",
                "M.01=3; M.02=2",
                "ya",
            ],
            ["KASI", "Kepala Seksi", "pengawas", "", "", "M.01=4;T.01=3", ""],
            ["STAF", "Staf", "pelaksana", "", "", "", ""],
        ],
    )

    report = _import(data)

    assert report.ok, report.errors
    assert report.created == 3
    pranata = Position.objects.get(code="PRANATA")
    assert (pranata.kind, pranata.jenjang, pranata.unit.code) == ("fungsional", "PT", "DISKOMINFO")
    assert _standard("PRANATA") == {"M.01": 3, "M.02": 2}
    assert _standard("KASI") == {"M.01": 4, "T.01": 3}
    requirement_ids = set(PositionRequirement.objects.values_list("pk", flat=True))
    entries = ModelLogEntry.objects.count()

    again = _import(data)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert set(PositionRequirement.objects.values_list("pk", flat=True)) == requirement_ids
    assert ModelLogEntry.objects.count() == entries


def test_a_changed_standard_replaces_the_old_one_and_is_audited(dictionary):
    position = PositionFactory(code="KASI", kind=Position.Kind.PENGAWAS, name="Kepala Seksi")
    PositionRequirementFactory(position=position, competency=dictionary[0], required_level=3)
    PositionRequirementFactory(position=position, competency=dictionary[1], required_level=3)

    report = _import(
        csv_bytes(
            ["code", "name", "kind", "standard"],
            [["KASI", "Kepala Seksi", "pengawas", "M.01=4; T.01=2"]],
        )
    )

    assert report.ok and report.updated == 1
    assert _standard("KASI") == {"M.01": 4, "T.01": 2}
    assert ModelLogEntry.objects.get(action="wagtail.edit").data["changes"] == {
        "standard": ["M.01=3; M.02=3", "M.01=4; T.01=2"]
    }


def test_without_a_standard_column_the_standard_is_kept(dictionary):
    position = PositionFactory(code="KASI", kind=Position.Kind.PENGAWAS, name="Kepala Seksi")
    PositionRequirementFactory(position=position, competency=dictionary[0], required_level=3)

    report = _import(csv_bytes(["code", "name", "kind"], [["KASI", "Kepala Seksi", "pengawas"]]))

    assert report.unchanged == 1
    assert _standard("KASI") == {"M.01": 3}


def test_standard_and_jenjang_mistakes_are_errors(dictionary):
    data = csv_bytes(
        HEADERS,
        [
            ["A", "A", "pelaksana", "", "", "X.99=3", ""],
            ["B", "B", "pelaksana", "", "", "M.01=6", ""],
            ["C", "C", "pelaksana", "", "", "M.01=3; M.01=2", ""],
            ["D", "D", "pelaksana", "", "", "M.01 tiga", ""],
            ["E", "E", "fungsional", "", "", "", ""],
            ["F", "F", "pelaksana", "PT", "", "", ""],
            ["G", "G", "pelaksana", "", "NOPE", "", ""],
        ],
    )

    report = _import(data)

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "standar_kompetensi"),
        (3, "standar_kompetensi"),
        (4, "standar_kompetensi"),
        (5, "standar_kompetensi"),
        (6, "jenjang"),
        (7, "jenjang"),
        (8, "kode_unit"),
    ]
    assert not Position.objects.exists()


def test_a_scoped_hr_manager_manages_only_positions_of_their_subtree(dictionary):
    from accounts.roles import Role
    from competencies.models import HRScope
    from tests.factories.accounts import UserFactory

    root = OrgUnitFactory(code="DINKES")
    OrgUnitFactory(code="PUSKESMAS", parent=root)
    outside = OrgUnitFactory(code="DISDIK")
    PositionFactory(code="GURU", unit=outside, name="Guru")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=root)
    data = csv_bytes(
        ["code", "name", "kind", "unit_code"],
        [
            ["PERAWAT", "Perawat", "pelaksana", "PUSKESMAS"],
            ["STAF", "Staf", "pelaksana", "DISDIK"],
            ["UMUM", "Umum", "pelaksana", ""],
            ["GURU", "Guru", "pelaksana", "PUSKESMAS"],
        ],
    )

    report = _import(data, actor=hr)

    assert [(e.row, e.column) for e in report.errors] == [
        (3, "unit_code"),
        (4, "unit_code"),
        (5, "code"),
    ]
