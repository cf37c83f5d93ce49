"""The broker goes down while learners finish courses: every completion must still be
saved (the after-commit enqueue of the certificate logs the broker error instead of
raising into the request), and once Redis is back the periodic sweep
(lms.tasks.certificate_issue_sweep) issues exactly one certificate per completion."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from lms.models import Certificate, Enrolment
from lms.services.enrolments import enrolment_create, lesson_progress_open
from tests.factories.accounts import UserFactory
from tests.fault.conftest import wait_for
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = [
    pytest.mark.services,
    # The worker processes need committed rows; serialized_rollback keeps the rows
    # migrations create (content types, roles, root page) across the flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]

LEARNERS = 3


def test_completions_survive_a_broker_outage_and_the_sweep_issues_each_certificate_once(
    own_redis, workers, certificate_course, settings, caplog, monkeypatch
):
    from lms import tasks

    completion_hooks_only(monkeypatch, "certificate_issue_hook")
    course, lesson = certificate_course
    learners = [UserFactory(roles=[Role.PESERTA]) for _ in range(LEARNERS)]
    for learner in learners:
        enrolment_create(user=learner, course=course)
        # A lesson counts only after the learner opened it (the page records the visit).
        lesson_progress_open(user=learner, lesson=lesson)
    workers.start()

    own_redis.stop()
    for learner in learners:
        client = Client()
        client.force_login(learner)
        response = client.post(reverse("lms:lesson_complete", args=[lesson.pk]))
        assert response.status_code == 302, response.content[:500]

    enrolments = Enrolment.objects.filter(course=course)
    assert enrolments.filter(status=Enrolment.Status.COMPLETED).count() == LEARNERS
    assert not Certificate.objects.filter(enrolment__course=course).exists()
    assert "the sweep will" in caplog.text  # logged, not raised

    own_redis.start()
    # The sweep leaves enrolments completed in the last minute to the on-commit task;
    # the outage is "over a minute ago" here.
    enrolments.update(completed_at=timezone.now() - datetime.timedelta(minutes=5))
    tasks.certificate_issue_sweep.delay()

    issued = Certificate.objects.filter(enrolment__course=course, status=Certificate.Status.ISSUED)
    wait_for(
        lambda: issued.count() == LEARNERS,
        timeout=120,
        what=f"{LEARNERS} certificates",
        logs=workers.logs,
    )
    # A second sweep finds nothing left to do, and nothing was issued twice.
    assert tasks.certificate_issue_sweep.apply().get() == 0
    for enrolment in enrolments:
        assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    numbers = list(issued.values_list("number", flat=True))
    assert all(numbers) and len(set(numbers)) == LEARNERS
