from __future__ import annotations

from wagtail.models import ModelLogEntry

import pytest

from accounts.roles import Role
from competencies.imports.units import units_import
from competencies.models import HRScope, OrgUnit
from tests.competencies.imports.files import csv_bytes, xlsx_bytes
from tests.factories.accounts import UserFactory
from tests.factories.competencies import OrgUnitFactory

pytestmark = pytest.mark.django_db

TREE = [
    ["SEKSI-1", "Seksi Satu", "Seksi", "BIDANG-1", "ya"],
    ["BIDANG-1", "Bidang Satu", "bagian", "DINAS", "ya"],
    ["DINAS", "Dinas Komunikasi dan Informatika", "Perangkat Daerah", "", "ya"],
    ["UPT", "UPT Laboratorium", "upt", "DINAS", "tidak"],
]
HEADERS = ["kode", "nama", "jenis", "kode_induk", "aktif"]


def _import(data, *, filename="unit.csv", actor=None, dry_run=False):
    return units_import(data=data, filename=filename, actor=actor, dry_run=dry_run)


def _parent_code(code: str) -> str | None:
    parent = OrgUnit.objects.get(code=code).get_parent()
    return parent.code if parent else None


@pytest.mark.parametrize(("make", "filename"), [(csv_bytes, "unit.csv"), (xlsx_bytes, "unit.xlsx")])
def test_a_tree_imports_with_parents_after_children_and_reimports_as_a_no_op(make, filename):
    data = make(HEADERS, TREE)

    report = _import(data, filename=filename)

    assert report.ok, report.errors
    assert report.created == 4
    assert _parent_code("SEKSI-1") == "BIDANG-1"
    assert _parent_code("BIDANG-1") == "DINAS"
    assert _parent_code("DINAS") is None
    assert OrgUnit.objects.get(code="BIDANG-1").kind == OrgUnit.Kind.BIDANG
    assert OrgUnit.objects.get(code="UPT").is_active is False
    assert ModelLogEntry.objects.filter(action="wagtail.create").count() == 4
    snapshot = list(OrgUnit.objects.order_by("pk").values())

    again = _import(data, filename=filename)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert list(OrgUnit.objects.order_by("pk").values()) == snapshot
    assert ModelLogEntry.objects.count() == 4


def test_a_unit_moves_to_another_parent_and_the_change_is_audited():
    dinas = OrgUnitFactory(code="DINAS")
    other = OrgUnitFactory(code="BADAN")
    bidang = OrgUnitFactory(code="BIDANG", parent=dinas, kind=OrgUnit.Kind.BIDANG)
    OrgUnitFactory(code="SEKSI", parent=bidang, kind=OrgUnit.Kind.SEKSI)

    report = _import(
        csv_bytes(
            ["code", "name", "kind", "parent_code"], [["BIDANG", "Bidang Baru", "bidang", "BADAN"]]
        )
    )

    assert report.ok, report.errors
    assert report.updated == 1
    assert _parent_code("BIDANG") == "BADAN"
    assert _parent_code("SEKSI") == "BIDANG"
    assert OrgUnit.objects.get(code="BIDANG").name == "Bidang Baru"
    changes = ModelLogEntry.objects.get(action="wagtail.edit").data["changes"]
    assert changes["parent"] == ["DINAS", "BADAN"]
    assert changes["name"][1] == "Bidang Baru"
    assert OrgUnit.find_problems() == ([], [], [], [], [])
    assert OrgUnit.objects.get(pk=other.pk).get_children_count() == 1


def test_an_empty_parent_makes_a_unit_top_level():
    dinas = OrgUnitFactory(code="DINAS")
    OrgUnitFactory(code="BIDANG", parent=dinas, kind=OrgUnit.Kind.BIDANG)

    assert _import(
        csv_bytes(["code", "name", "kind", "parent_code"], [["BIDANG", "Bidang", "bidang", ""]])
    ).ok

    assert _parent_code("BIDANG") is None


def test_without_a_parent_column_the_place_in_the_tree_is_kept():
    dinas = OrgUnitFactory(code="DINAS")
    OrgUnitFactory(code="BIDANG", parent=dinas, kind=OrgUnit.Kind.BIDANG, name="Bidang")

    report = _import(csv_bytes(["code", "name", "kind"], [["BIDANG", "Bidang", "bidang"]]))

    assert report.unchanged == 1
    assert _parent_code("BIDANG") == "DINAS"


def test_unknown_parent_kind_and_cycles_are_errors():
    data = csv_bytes(
        HEADERS,
        [
            ["A", "A", "bidang", "B", ""],
            ["B", "B", "bidang", "A", ""],
            ["C", "C", "planet", "", ""],
            ["D", "D", "seksi", "NOWHERE", ""],
            ["E", "E", "seksi", "E", ""],
            ["A", "A lagi", "seksi", "", ""],
        ],
    )

    report = _import(data)

    assert [(e.row, e.column) for e in report.errors] == [
        (2, "kode_induk"),
        (3, "kode_induk"),
        (4, "jenis"),
        (5, "kode_induk"),
        (6, "kode_induk"),
        (7, "kode"),
    ]
    assert not OrgUnit.objects.exists()


def test_a_scoped_hr_manager_changes_only_units_inside_their_subtree():
    root = OrgUnitFactory(code="DINKES")
    OrgUnitFactory(code="DISDIK")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=root)
    rows = [
        ["PUSKESMAS", "Puskesmas", "upt", "DINKES"],
        ["SEKOLAH", "Sekolah", "upt", "DISDIK"],
        ["BARU", "Baru", "perangkat_daerah", ""],
        ["DISDIK", "Disdik", "perangkat_daerah", ""],
        ["DINKES", "Dinkes baru", "perangkat_daerah", ""],
    ]

    report = _import(csv_bytes(["code", "name", "kind", "parent_code"], rows), actor=hr)

    assert [(e.row, e.column) for e in report.errors] == [
        (3, "parent_code"),
        (4, "parent_code"),
        (5, "code"),
        (6, "code"),
    ]
    ok = _import(csv_bytes(["code", "name", "kind", "parent_code"], rows[:1]), actor=hr)
    assert ok.ok and ok.created == 1
    assert _parent_code("PUSKESMAS") == "DINKES"
