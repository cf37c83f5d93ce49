"""Competency evidence runs as a Celery task queued after commit (never in the learner's
request, never failing it when the broker is down), is idempotent, and a sweep queues it
for completed enrolments whose evidence is missing."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

import pytest

from competencies.models import Assessment
from lms.models import CourseCompetency
from lms.selectors.certificates import enrolment_evidence_sweep_ids
from lms.tasks import (
    enrolment_competency_evidence,
    enrolment_competency_evidence_hook,
    enrolment_competency_evidence_sweep,
)
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory, EmployeeFactory
from tests.lms.certificates.conftest import complete
from tests.lms.certificates.test_sweep_and_broker import broker_down  # noqa: F401

pytestmark = pytest.mark.django_db

AGO = timezone.now() - datetime.timedelta(minutes=5)


@pytest.fixture
def developing(course):
    for level, code in ((3, "T.911"), (2, "T.912")):
        CourseCompetency.objects.create(
            course=course, competency=CompetencyFactory(code=code), target_level=level
        )
    return course


def test_the_hook_queues_the_task_after_commit_not_in_the_request(
    completed, developing, holder, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        enrolment_competency_evidence_hook(enrolment_id=completed.pk)
    assert not Assessment.objects.exists()  # nothing written in the request
    assert len(callbacks) == 1

    callbacks[0]()  # eager Celery in tests

    assert Assessment.objects.filter(employee=holder.employee).count() == 2


def test_the_task_is_idempotent(completed, developing, holder):
    assert enrolment_competency_evidence(completed.pk) == 2
    assert enrolment_competency_evidence(completed.pk) == 0

    assert Assessment.objects.filter(employee=holder.employee).count() == 2


def test_the_hook_never_raises_when_the_broker_is_down(
    completed,
    developing,
    broker_down,  # noqa: F811
    django_capture_on_commit_callbacks,
    caplog,
):
    with (
        caplog.at_level(logging.ERROR, logger="lms.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        enrolment_competency_evidence_hook(enrolment_id=completed.pk)  # must not raise

    assert "Could not queue enrolment_competency_evidence" in caplog.text
    assert not Assessment.objects.exists()


def test_the_sweep_creates_missing_evidence_once(developing, holder):
    missing = complete(holder, developing, completed_at=AGO)
    done = complete(EmployeeFactory().user, developing, completed_at=AGO)
    enrolment_competency_evidence(done.pk)
    fresh = complete(EmployeeFactory().user, developing)  # the on-commit task goes first
    old = complete(
        EmployeeFactory().user, developing, completed_at=timezone.now() - datetime.timedelta(30)
    )
    complete(UserFactory(), developing, completed_at=AGO)  # no employee record: no evidence

    assert set(enrolment_evidence_sweep_ids().values_list("pk", flat=True)) == {missing.pk}

    assert enrolment_competency_evidence_sweep() == 1

    assert Assessment.objects.filter(employee=holder.employee).count() == 2
    assert enrolment_competency_evidence_sweep() == 0
    assert not Assessment.objects.filter(employee__user=fresh.user).exists()
    assert not Assessment.objects.filter(employee__user=old.user).exists()


def test_the_sweep_ignores_courses_without_competencies(course, holder):
    complete(holder, course, completed_at=AGO)
    assert enrolment_competency_evidence_sweep() == 0


def test_the_sweep_is_scheduled(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["enrolment-competency-evidence-sweep"]
    assert entry["task"] == "lms.tasks.enrolment_competency_evidence_sweep"
