"""A classroom course (6 JP, no lessons), two OPDs with a quota each, a supervisor with
staff in OPD A, an HR manager, and an open batch."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounts.roles import Role
from competencies.models import Employee
from competencies.siasn import DevelopmentType
from lms.models import BatchUnitQuota, CoursePage
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.factories.lms import BatchFactory, CoursePageFactory


@pytest.fixture
def classroom_course(course_index):
    return CoursePageFactory(
        parent=course_index,
        title="Pelayanan Publik Prima",
        jp_hours=Decimal("6"),
        delivery_mode=CoursePage.DeliveryMode.KLASIKAL,
        siasn_development_type=DevelopmentType.BIMBINGAN_TEKNIS,
    )


@pytest.fixture
def opd_a(db):
    return OrgUnitFactory(name="Dinas Kesehatan")


@pytest.fixture
def opd_b(db):
    return OrgUnitFactory(name="Dinas Pendidikan")


@pytest.fixture
def supervisor(opd_a) -> Employee:
    return EmployeeFactory(unit=opd_a, full_name="Budi Santoso", user__roles=[Role.ATASAN])


@pytest.fixture
def staff(opd_a, supervisor) -> list[Employee]:
    return [
        EmployeeFactory(
            unit=opd_a, supervisor=supervisor, full_name=f"Staf {i}", user__roles=[Role.PESERTA]
        )
        for i in range(3)
    ]


@pytest.fixture
def hr(db):
    return UserFactory(roles=[Role.PENGELOLA_SDM])


@pytest.fixture
def batch(classroom_course, opd_a, opd_b, hr):
    batch = BatchFactory(course=classroom_course, quota_total=2)
    BatchUnitQuota.objects.create(batch=batch, unit=opd_a, quota=2)
    BatchUnitQuota.objects.create(batch=batch, unit=opd_b, quota=1)
    return batch


@pytest.fixture(autouse=True)
def _english():
    """Services' messages are asserted in English (the msgids); pages render in the
    person's language (Indonesian by default), asserted in Indonesian."""
    from django.utils import translation

    with translation.override("en"):
        yield
