from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from competencies.models import OrgUnit, TrainingRecord
from competencies.services.summaries import summaries_refresh_for_employees
from lms.services.proposals import proposal_create
from tests.factories.competencies import CompetencyFactory, EmployeeFactory, OrgUnitFactory

YEAR = 2025


def add_jp(employee, jp, *, year: int = YEAR, status=TrainingRecord.Status.APPROVED):
    record = TrainingRecord.objects.create(
        employee=employee,
        source=TrainingRecord.Source.EXTERNAL,
        title="Pelatihan",
        organiser="BPSDM",
        development_type=3,
        started_on=datetime.date(year, 3, 1),
        finished_on=datetime.date(year, 3, 2),
        jp=Decimal(jp),
        status=status,
    )
    summaries_refresh_for_employees(employee_ids=[employee.pk])  # as the services do
    return record


@pytest.fixture
def city(db):
    """Three perangkat daerah: a big one (12 employees, some in a sub-unit; 7 reach the
    target), a middle one (8 employees, 6 trained) and a tiny one (3 employees)."""
    big = OrgUnitFactory(code="DINKES", name="Dinas Kesehatan")
    sub = OrgUnitFactory(code="DINKES-UPT", name="UPT Puskesmas", parent=big, kind=OrgUnit.Kind.UPT)
    middle = OrgUnitFactory(code="DISDIK", name="Dinas Pendidikan")
    tiny = OrgUnitFactory(code="KEC", name="Kecamatan Kecil")
    employees: dict[str, list] = {"big": [], "middle": [], "tiny": []}
    for i in range(12):
        e = EmployeeFactory(unit=big if i < 6 else sub)
        add_jp(e, 24 if i < 7 else 6)  # 7 reach 20 JP, 5 do not
        employees["big"].append(e)
    for i in range(8):
        e = EmployeeFactory(unit=middle)
        if i < 6:
            add_jp(e, 20)  # exactly the target counts
        employees["middle"].append(e)
    for _ in range(3):
        e = EmployeeFactory(unit=tiny)
        add_jp(e, 30)
        employees["tiny"].append(e)
    # Neither an unapproved record nor one of another year counts.
    add_jp(employees["middle"][7], 50, status=TrainingRecord.Status.SUBMITTED)
    add_jp(employees["middle"][6], 50, year=YEAR - 1)
    # An inactive employee is left out, as in HR's report.
    gone = EmployeeFactory(unit=middle, is_active=False)
    add_jp(gone, 40)
    return {"big": big, "sub": sub, "middle": middle, "tiny": tiny, "employees": employees}


# Training-need proposals (test_proposals*.py).


@pytest.fixture
def unit(db):
    return OrgUnitFactory(code="DISKOMINFO", name="Dinas Kominfo")


@pytest.fixture
def proposer(unit):
    return EmployeeFactory(unit=unit).user


@pytest.fixture
def competency(db):
    return CompetencyFactory(code="T.DATA", name_id="Analisis Data")


@pytest.fixture
def proposal(proposer, competency):
    return proposal_create(
        user=proposer,
        topic="Analisis data dengan spreadsheet",
        reason="Laporan bulanan masih disusun manual.",
        competency=competency,
    )
