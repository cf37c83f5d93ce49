from __future__ import annotations

from io import StringIO

from django.apps import apps
from django.core.management import CommandError, call_command

import pytest

from accounts.models import User

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "auth", "account", "competencies", "lms", "wagtailcore", "mfa"}
    }


def test_seed_demo_twice_leaves_the_same_rows():
    call_command("seed_demo", stdout=StringIO())
    first = _row_counts()

    call_command("seed_demo", stdout=StringIO())

    assert _row_counts() == first
    # The five demo logins (the competencies demo adds colleagues without a login).
    local_parts = {"peserta", "atasan", "pelatih", "sdm", "admin"}
    assert (
        User.objects.filter(email__in=[f"{p}@demo.bontang.example" for p in local_parts]).count()
        == 5
    )


def test_seed_demo_refuses_production_profile_without_force(settings):
    settings.SETTINGS_PROFILE = "production"

    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()


def test_seed_demo_adds_a_finished_a_running_and_an_open_classroom_batch(
    django_capture_on_commit_callbacks,
):
    from decimal import Decimal

    from lms.models import Batch, Certificate, Enrolment, Nomination

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    batches = {b.number: b for b in Batch.objects.all()}
    assert batches["Angkatan I"].status == Batch.Status.FINISHED
    assert batches["Angkatan II"].status == Batch.Status.RUNNING
    assert batches["Angkatan III"].is_registration_open
    assert batches["Angkatan III"].unit_quotas.count() == 4
    assert batches["Angkatan II"].sessions.filter(date=batches["Angkatan II"].starts_on).exists()
    finished = Nomination.objects.filter(batch=batches["Angkatan I"]).select_related("enrolment")
    jp = sorted(n.enrolment.jp_earned for n in finished)
    assert jp == [Decimal("5.0"), Decimal("6.0")]  # the JP of the sessions attended
    completed = Enrolment.objects.filter(classroom_nominations__batch=batches["Angkatan I"])
    assert Certificate.objects.filter(enrolment__in=completed).count() == 2
    # Both participants evaluated the batch and the trainers of the sessions they attended.
    from lms.models import BatchEvaluation, BatchEvaluationReceipt, TrainerEvaluation

    assert BatchEvaluationReceipt.objects.filter(nomination__in=finished).count() == 2
    assert BatchEvaluation.objects.filter(batch=batches["Angkatan I"]).count() == 2
    assert TrainerEvaluation.objects.filter(evaluation__batch=batches["Angkatan I"]).count() == 4
