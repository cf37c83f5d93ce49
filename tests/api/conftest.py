from __future__ import annotations

import datetime
import secrets
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from accounts.models import ApiToken, api_token_digest
from accounts.roles import Role
from competencies.models import HRScope, TrainingRecord
from competencies.services.summaries import summaries_refresh_for_employees
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory


@pytest.fixture(autouse=True)
def _api_settings(settings):
    settings.API_THROTTLE_RATE = "10000/minute"
    settings.API_WEBHOOK_URL = ""


def api_token_for(user) -> str:
    """A fresh API token for any user (no role check, unlike accounts.api.api_token_issue),
    stored as the portal stores them: its SHA-256 digest only."""
    key = secrets.token_hex(20)
    ApiToken.objects.update_or_create(
        user=user, defaults={"digest": api_token_digest(key), "prefix": key[:6]}
    )
    return key


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_for(user)}")
    return client


@pytest.fixture
def service_user(db):
    return UserFactory(email="simpeg@bontang.example", roles=[Role.LAYANAN_API])


@pytest.fixture
def api(service_user):
    return token_client(service_user)


@pytest.fixture
def agency(db):
    return OrgUnitFactory(code="DINKES", name="Dinas Kesehatan")


@pytest.fixture
def division(agency):
    return OrgUnitFactory(code="DINKES-YANKES", name="Bidang Pelayanan", parent=agency)


@pytest.fixture
def other_agency(db):
    return OrgUnitFactory(code="DISDIK", name="Dinas Pendidikan")


@pytest.fixture
def scoped_service_user(agency):
    user = UserFactory(email="simpeg-dinkes@bontang.example", roles=[Role.LAYANAN_API])
    HRScope.objects.create(user=user, unit=agency)
    return user


def make_record(employee, **kwargs) -> TrainingRecord:
    finished = kwargs.pop("finished_on", datetime.date(2026, 3, 5))
    defaults = {
        "source": TrainingRecord.Source.EXTERNAL,
        "title": "Bimtek Pengadaan Barang/Jasa",
        "organiser": "LKPP",
        "development_type": 8,
        "started_on": finished - datetime.timedelta(days=2),
        "finished_on": finished,
        "jp": Decimal("24.0"),
        "certificate_number": "123/LKPP/2026",
        "status": TrainingRecord.Status.APPROVED,
    }
    defaults.update(kwargs)
    record = TrainingRecord.objects.create(employee=employee, **defaults)
    summaries_refresh_for_employees(employee_ids=[employee.pk])  # as the services do
    return record


@pytest.fixture
def employee(division):
    return EmployeeFactory(unit=division, full_name="Rina Lestari", title_suffix="S.Kep.")


@pytest.fixture
def outsider(other_agency):
    return EmployeeFactory(unit=other_agency, full_name="Agus Salim")
