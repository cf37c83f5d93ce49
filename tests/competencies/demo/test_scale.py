from __future__ import annotations

import pytest

from accounts.nip import validate_nip
from competencies.demo.scale import scale_seed_hr
from competencies.models import Assessment, Employee, OrgUnit

pytestmark = pytest.mark.django_db


def _fingerprint():
    return list(
        Employee.objects.order_by("user__email").values_list(
            "user__nip", "unit__code", "position__code", "golongan"
        )
    ), list(
        Assessment.objects.order_by(
            "employee__user__email", "assessed_on", "competency__code", "level"
        ).values_list("competency__code", "level", "assessed_on")
    )


def test_scale_seed_is_sized_by_factor_valid_and_runs_once():
    result = scale_seed_hr(seed=7, factor=0.01)

    assert result.created
    assert Employee.objects.count() == 100
    assert Assessment.objects.count() == 1000
    assert OrgUnit.objects.filter(depth=1).count() == 2
    for nip in Employee.objects.values_list("user__nip", flat=True):
        validate_nip(nip)
    again = scale_seed_hr(seed=7, factor=0.01)
    assert not again.created
    assert Employee.objects.count() == 100


def test_scale_seed_is_deterministic_for_a_seed():
    scale_seed_hr(seed=11, factor=0.005)
    first = _fingerprint()
    from competencies.models import Idp

    Idp.objects.all().delete()  # the development plans protect their employees
    Assessment.objects.all().delete()
    Employee.objects.all().delete()
    from accounts.models import User

    User.objects.filter(email__endswith="@scale.bontang.example").delete()
    from competencies.models import Position

    Position.objects.filter(code__startswith="SC-").delete()
    OrgUnit.objects.filter(code__startswith="SC").delete()

    scale_seed_hr(seed=11, factor=0.005)

    assert _fingerprint() == first
