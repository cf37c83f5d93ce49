"""Demo and scale data of development plans (docs/idp.md)."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

import pytest

from competencies.models import CoachingSession, Employee, Idp, IdpActivity, TrainingRecord

pytestmark = pytest.mark.django_db


def test_seed_demo_gives_the_learner_an_agreed_plan_with_confirmed_coaching():
    call_command("seed_demo", stdout=StringIO())
    learner = Employee.objects.get(user__email="peserta@demo.bontang.example")
    supervisor = Employee.objects.get(user__email="atasan@demo.bontang.example")
    plan = Idp.objects.get(employee=learner)
    assert plan.status == Idp.Status.AGREED
    assert plan.supervisor_agreed_by == supervisor.user
    kinds = set(IdpActivity.objects.filter(goal__idp=plan).values_list("kind", flat=True))
    assert {IdpActivity.Kind.COURSE, IdpActivity.Kind.COACHING} <= kinds
    confirmed = CoachingSession.objects.get(
        employee=learner, status=CoachingSession.Status.CONFIRMED
    )
    assert confirmed.training_record.status == TrainingRecord.Status.APPROVED
    assert CoachingSession.objects.filter(status=CoachingSession.Status.LOGGED).count() == 1
    assert Idp.objects.get(employee=supervisor).status == Idp.Status.PROPOSED
    # Again: nothing more.
    call_command("seed_demo", stdout=StringIO())
    assert Idp.objects.count() == 2 and CoachingSession.objects.count() == 2


def test_seed_scale_gives_every_employee_a_plan():
    out = StringIO()
    call_command("seed_scale", "--factor", "0.005", "--seed", "3", stdout=out)
    assert Idp.objects.count() == Employee.objects.count() == 50
    assert "development plans: 50" in out.getvalue()
    assert Idp.objects.filter(status=Idp.Status.AGREED).exists()
    assert IdpActivity.objects.filter(goal__idp__employee__in=Employee.objects.all()).exists()
