from __future__ import annotations

from io import StringIO

from django.core.management import CommandError, call_command

import pytest

from competencies.models import Employee

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_the_data_set_once_with_progress():
    out = StringIO()
    call_command("seed_scale", "--factor", "0.005", "--seed", "3", stdout=out)

    assert Employee.objects.count() == 50
    assert "employees: 50" in out.getvalue()
    again = StringIO()
    call_command("seed_scale", "--factor", "0.005", stdout=again)
    assert "nothing to do" in again.getvalue()
    assert Employee.objects.count() == 50


def test_seed_scale_refuses_production_settings(settings):
    settings.SETTINGS_PROFILE = "production"
    with pytest.raises(CommandError):
        call_command("seed_scale", "--factor", "0.001", stdout=StringIO())
