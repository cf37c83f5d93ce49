"""The sweep (lms.tasks.certificate_issue_sweep) picks up completed enrolments whose
certificate never got issued, and a broker that is down never breaks the learner's
request."""

from __future__ import annotations

import datetime
import logging

from django.utils import timezone

import pytest
from celery import current_app

from lms.models import Certificate
from lms.selectors.certificates import certificate_sweep_enrolment_ids
from lms.services.certificates import certificate_issue
from lms.tasks import certificate_issue_hook, certificate_issue_sweep
from tests.factories.accounts import UserFactory
from tests.factories.lms import CertificateFactory
from tests.lms.certificates.conftest import complete

pytestmark = pytest.mark.django_db

AGO = timezone.now() - datetime.timedelta(minutes=5)


def test_sweep_finds_missing_pending_and_failed_but_not_issued_or_fresh(course):
    missing = complete(UserFactory(), course, completed_at=AGO)
    pending = complete(UserFactory(), course, completed_at=AGO)
    CertificateFactory(enrolment=pending)
    failed = complete(UserFactory(), course, completed_at=AGO)
    CertificateFactory(enrolment=failed, status=Certificate.Status.FAILED)
    issued = complete(UserFactory(), course, completed_at=AGO)
    certificate_issue(enrolment_id=issued.pk)
    fresh = complete(UserFactory(), course)  # the on-commit task gets its minute first

    found = set(certificate_sweep_enrolment_ids().values_list("pk", flat=True))

    assert found == {missing.pk, pending.pk, failed.pk}
    assert fresh.pk not in found


def test_sweep_task_issues_them_and_a_second_run_queues_nothing(course):
    enrolments = [complete(UserFactory(), course, completed_at=AGO) for _ in range(5)]

    assert certificate_issue_sweep(batch_size=2) == 5  # eager Celery in tests

    issued = Certificate.objects.filter(status=Certificate.Status.ISSUED, is_current=True)
    assert set(issued.values_list("enrolment_id", flat=True)) == {e.pk for e in enrolments}
    assert certificate_issue_sweep() == 0


def test_sweep_ignores_courses_without_certificates(course):
    course.certificate_enabled = False
    course.save()
    complete(UserFactory(), course, completed_at=AGO)
    assert certificate_issue_sweep() == 0


@pytest.fixture
def broker_down():
    """A real (non-eager) publish to a broker address that refuses connections."""
    conf = current_app.conf
    saved = (conf.task_always_eager, conf.broker_url, conf.broker_connection_timeout)
    saved_write_url = conf.get("broker_write_url")
    conf.task_always_eager = False
    conf.broker_url = "redis://127.0.0.1:1/0"
    # Publishing uses the write URL, which (unlike broker_url) wins over the
    # CELERY_BROKER_URL environment variable that CI sets.
    conf.broker_write_url = "redis://127.0.0.1:1/0"
    conf.broker_connection_timeout = 1
    saved_pools = (current_app._pool, current_app.amqp._producer_pool)
    current_app._pool = current_app.amqp._producer_pool = None
    yield
    conf.task_always_eager, conf.broker_url, conf.broker_connection_timeout = saved
    conf.broker_write_url = saved_write_url
    current_app._pool, current_app.amqp._producer_pool = saved_pools


def test_hook_never_raises_into_the_request_when_the_broker_is_down(
    completed, broker_down, django_capture_on_commit_callbacks, caplog
):
    with (
        caplog.at_level(logging.ERROR, logger="lms.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        certificate_issue_hook(enrolment_id=completed.pk)  # must not raise

    assert "Could not queue certificate_issue" in caplog.text
    assert not Certificate.objects.exists()
    # The sweep picks it up once it is old enough.
    assert completed.pk in set(
        certificate_sweep_enrolment_ids(older_than_seconds=-60).values_list("pk", flat=True)
    )
