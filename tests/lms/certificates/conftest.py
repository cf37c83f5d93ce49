from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

import pytest

from accounts.roles import Role
from lms.models import Enrolment
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.factories.lms import EnrolmentFactory


@pytest.fixture
def unit(db):
    return OrgUnitFactory(name="Dinas Kesehatan")


@pytest.fixture
def supervisor(unit):
    return EmployeeFactory(unit=unit, full_name="Budi Santoso", user__roles=[Role.ATASAN])


@pytest.fixture
def holder(unit, supervisor):
    """A learner with an employee record (name with academic titles, NIP)."""
    employee = EmployeeFactory(
        unit=unit,
        supervisor=supervisor,
        full_name="Rina Lestari",
        title_prefix="Dr.",
        title_suffix="S.Sos., M.Si.",
        user__roles=[Role.PESERTA],
        user__email="rina.lestari@uji.example",
    )
    return employee.user


def complete(user, course, **kwargs) -> Enrolment:
    """A completed enrolment, as the completion engine leaves it."""
    completed_at = kwargs.pop("completed_at", timezone.now())
    return EnrolmentFactory(
        user=user,
        course=course,
        status=Enrolment.Status.COMPLETED,
        enrolled_at=completed_at - datetime.timedelta(days=3),
        completed_at=completed_at,
        jp_earned=kwargs.pop("jp_earned", Decimal("4")),
        progress_percent=100,
        **kwargs,
    )


@pytest.fixture
def completed(holder, course):
    return complete(holder, course)


@pytest.fixture
def hr_manager(db):
    return UserFactory(roles=[Role.PENGELOLA_SDM])


@pytest.fixture
def administrator(db):
    return UserFactory(roles=[Role.ADMINISTRATOR])


@pytest.fixture(autouse=True)
def signing_key_file(tmp_path, settings):
    """Each test signs with its own Ed25519 key under a temporary directory (never the
    developer's var/keys/)."""
    settings.LMS_CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "keys" / "signing.pem")
    return tmp_path / "keys" / "signing.pem"


@pytest.fixture
def certificate(completed):
    from lms.services.certificates import certificate_issue

    return certificate_issue(enrolment_id=completed.pk)
