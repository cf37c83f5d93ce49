"""The smallest valid competencies objects. OrgUnit is a treebeard node: pass
parent=<unit> for a sub-unit, nothing for a top-level unit."""

from __future__ import annotations

import datetime

import factory

from competencies.models import Competency, Employee, OrgUnit, Position, PositionRequirement
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

    position = factory.SubFactory(PositionFactory)
    competency = factory.SubFactory(CompetencyFactory)
    required_level = 3


class EmployeeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employee

    user = factory.SubFactory(UserFactory, nip=factory.Sequence(valid_nip))
    full_name = factory.LazyAttribute(lambda o: f"{o.user.first_name} {o.user.last_name}".strip())
    employment_type = Employee.EmploymentType.PNS
