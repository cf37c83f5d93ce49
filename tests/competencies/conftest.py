"""A small organisation for the competency tests, built through the real services:

DINAS (perangkat daerah)
  DINAS.A (bidang)   ← the scoped HR manager manages this subtree
  DINAS.B (bidang)
LAIN (another perangkat daerah)
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from accounts.roles import Role
from competencies.models import (
    Competency,
    Employee,
    HRScope,
    OrgUnit,
    Position,
    PositionRequirement,
)
from competencies.services.employees import employee_create
from tests.factories.accounts import UserFactory

NIPS = iter(
    f"1990{m:02d}{d:02d}2015{m:02d}1{s:03d}"
    for m in range(1, 13)
    for d in range(1, 29)
    for s in range(1, 3)
)


@dataclass
class Org:
    hr: object
    scoped_hr: object
    dinas: OrgUnit
    unit_a: OrgUnit
    unit_b: OrgUnit
    other: OrgUnit
    staff: Position
    head: Position
    m05: Competency
    m01: Competency
    t01: Competency

    def employee(
        self, *, unit: OrgUnit | None = None, position: Position | None = None, **kwargs
    ) -> Employee:
        nip = next(NIPS)
        return employee_create(
            actor=self.hr,
            email=f"p{nip}@uji.example",
            full_name=kwargs.pop("full_name", f"Pegawai {nip[-4:]}"),
            nip=nip,
            unit=unit or self.unit_a,
            position=position or self.staff,
            invite=False,
            **kwargs,
        )


@pytest.fixture
def org(db) -> Org:
    hr = UserFactory(email="sdm@uji.example", roles=[Role.PENGELOLA_SDM])
    scoped_hr = UserFactory(email="sdm-a@uji.example", roles=[Role.PENGELOLA_SDM])
    dinas = OrgUnit.add_root(code="DINAS", name="Dinas Uji", kind=OrgUnit.Kind.PERANGKAT_DAERAH)
    unit_a = dinas.add_child(code="DINAS.A", name="Bidang A", kind=OrgUnit.Kind.BIDANG)
    unit_b = dinas.add_child(code="DINAS.B", name="Bidang B", kind=OrgUnit.Kind.BIDANG)
    other = OrgUnit.add_root(code="LAIN", name="Dinas Lain", kind=OrgUnit.Kind.PERANGKAT_DAERAH)
    HRScope.objects.create(user=scoped_hr, unit=unit_a)
    m05 = Competency.objects.create(code="M.05", name_id="Pelayanan Publik", kind="manajerial")
    m01 = Competency.objects.create(code="M.01", name_id="Integritas", kind="manajerial")
    t01 = Competency.objects.create(code="T.01", name_id="Standar Pelayanan", kind="teknis")
    staff = Position.objects.create(
        code="STAFF", name="Pengelola Layanan", kind=Position.Kind.PELAKSANA
    )
    head = Position.objects.create(
        code="HEAD", name="Kepala Bidang", kind=Position.Kind.ADMINISTRATOR
    )
    for position, levels in ((staff, {m05: 2, m01: 1, t01: 2}), (head, {m05: 3, m01: 3})):
        for competency, level in levels.items():
            PositionRequirement.objects.create(
                position=position, competency=competency, required_level=level
            )
    return Org(hr, scoped_hr, dinas, unit_a, unit_b, other, staff, head, m05, m01, t01)


@pytest.fixture
def today() -> datetime.date:
    from django.utils import timezone

    return timezone.localdate()
