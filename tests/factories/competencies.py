"""The smallest valid competencies objects. OrgUnit is a treebeard node: pass
parent=<unit> for a sub-unit, nothing for a top-level unit. Each factory is proved to build
a valid saved row in tests/factories/test_factories.py."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

import factory

from accounts.roles import Role
from competencies.models import (
    Assessment,
    Competency,
    Employee,
    HRScope,
    OrgUnit,
    Position,
    PositionRequirement,
    TrainingRecord,
)
from competencies.services.summaries import (
    current_levels_refresh,
    gap_counts_refresh,
    gap_counts_refresh_for_positions,
    jp_years_refresh,
)
from competencies.siasn import DevelopmentType
from tests.factories.accounts import UserFactory


def valid_nip(n: int) -> str:
    """A PNS NIP that passes every DOMAIN.md §3 rule, different for each n."""
    birth = datetime.date(1970, 1, 1) + datetime.timedelta(days=n)
    return f"{birth:%Y%m%d}{birth.year + 25}011{n % 999 + 1:03d}"


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"UNIT-{n:04d}")
    name = factory.Sequence(lambda n: f"Unit {n}")
    kind = OrgUnit.Kind.PERANGKAT_DAERAH
    parent = None

    @classmethod
    def _build(cls, model_class, *args, parent=None, **kwargs):
        return model_class(*args, **kwargs)

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        unit = model_class(*args, **kwargs)
        if parent is None:
            return model_class.add_root(instance=unit)
        return parent.add_child(instance=unit)


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"T.{n:03d}")
    name_id = factory.Sequence(lambda n: f"Kompetensi {n}")
    kind = Competency.Kind.TEKNIS


class PositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Position

    code = factory.Sequence(lambda n: f"JAB-{n:04d}")
    name = factory.Sequence(lambda n: f"Jabatan {n}")
    kind = Position.Kind.PELAKSANA


class PositionRequirementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PositionRequirement
        skip_postgeneration_save = True

    position = factory.SubFactory(PositionFactory)
    competency = factory.SubFactory(CompetencyFactory)
    required_level = 3

    @factory.post_generation
    def summaries(obj, create, extracted, **kwargs):
        """The gap counts, as the position services keep them."""
        if create:
            gap_counts_refresh_for_positions(position_ids=[obj.position_id])


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory, nip=factory.Sequence(valid_nip))
    full_name = factory.LazyAttribute(lambda o: f"{o.user.first_name} {o.user.last_name}".strip())
    employment_type = Employee.EmploymentType.PNS

    @factory.post_generation
    def summaries(obj, create, extracted, **kwargs):
        """The gap counts of the unit, as the employee services keep them."""
        if create and obj.unit_id and obj.position_id:
            gap_counts_refresh(unit_ids=[obj.unit_id])


class HRScopeFactory(factory.django.DjangoModelFactory):
    """Limits an HR manager (a PENGELOLA_SDM user by default) to one unit subtree."""

    class Meta:
        model = HRScope

    user = factory.SubFactory(UserFactory, roles=[Role.PENGELOLA_SDM])
    unit = factory.SubFactory(OrgUnitFactory)


class AssessmentFactory(factory.django.DjangoModelFactory):
    """A draft supervisor rating; pass status=Assessment.Status.APPROVED for one that counts."""

    class Meta:
        model = Assessment
        skip_postgeneration_save = True

    employee = factory.SubFactory(EmployeeFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 3
    method = Assessment.Method.SUPERVISOR
    assessed_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def summaries(obj, create, extracted, **kwargs):
        """The current-level table, as the assessment services keep it."""
        if create and obj.status == Assessment.Status.APPROVED:
            current_levels_refresh(employee_ids=[obj.employee_id])


class TrainingRecordFactory(factory.django.DjangoModelFactory):
    """An approved external training of 24 JP that ended yesterday."""

    class Meta:
        model = TrainingRecord
        skip_postgeneration_save = True

    employee = factory.SubFactory(EmployeeFactory)
    source = TrainingRecord.Source.EXTERNAL
    title = factory.Sequence(lambda n: f"Bimtek {n}")
    organiser = "BKPSDM"
    development_type = DevelopmentType.DIKLAT_TEKNIS
    finished_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=1))
    started_on = factory.LazyAttribute(lambda o: o.finished_on - datetime.timedelta(days=2))
    jp = Decimal("24.0")
    status = TrainingRecord.Status.APPROVED

    @factory.post_generation
    def summaries(obj, create, extracted, **kwargs):
        """The JP table, as the record services keep it."""
        if create and obj.status == TrainingRecord.Status.APPROVED:
            jp_years_refresh(employee_ids=[obj.employee_id])
