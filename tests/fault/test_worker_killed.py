"""A worker is killed (SIGKILL) while it issues a batch of certificates. Issuing runs in
one transaction with row locks, so the killed task's work is rolled back by PostgreSQL;
the task itself was not acknowledged (CELERY_TASK_ACKS_LATE), so Redis hands it to the
next worker. Afterwards: every enrolment has exactly one issued certificate, each with
its number and snapshot, and the year's numbers run without a gap or a duplicate."""

from __future__ import annotations

from django.utils import timezone

import pytest

from lms.models import Certificate, CertificateSequence, Enrolment
from tests.factories.accounts import UserFactory
from tests.factories.lms import EnrolmentFactory
from tests.fault.conftest import wait_for

pytestmark = [
    pytest.mark.services,
    # The worker processes need committed rows; serialized_rollback keeps the rows
    # migrations create (content types, roles, root page) across the flushes.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
]

BATCH = 12


def test_killing_a_worker_mid_batch_leaves_no_half_issued_certificate(workers, certificate_course):
    from lms import tasks

    course, _lesson = certificate_course
    now = timezone.now()
    enrolments = [
        EnrolmentFactory(
            user=UserFactory(),
            course=course,
            status=Enrolment.Status.COMPLETED,
            completed_at=now,
            progress_percent=100,
        )
        for _ in range(BATCH)
    ]
    for enrolment in enrolments:
        tasks.certificate_issue.delay(enrolment.pk)

    issued = Certificate.objects.filter(enrolment__course=course, status=Certificate.Status.ISSUED)
    first = workers.start()
    wait_for(
        lambda: issued.count() >= 2, timeout=90, what="the first certificates", logs=workers.logs
    )
    workers.kill(first)
    assert issued.count() < BATCH, "the worker finished before it was killed: raise BATCH"

    workers.start()
    wait_for(
        lambda: issued.count() == BATCH, timeout=120, what="every certificate", logs=workers.logs
    )

    certificates = Certificate.objects.filter(enrolment__course=course)
    assert certificates.count() == BATCH  # no second certificate for any enrolment
    assert not certificates.exclude(status=Certificate.Status.ISSUED).exists()
    for certificate in certificates:
        assert certificate.number and certificate.sequence and certificate.code
        assert certificate.holder_name and certificate.course_title and certificate.issued_on
    numbers = list(certificates.values_list("number", flat=True))
    assert len(set(numbers)) == BATCH
    year = timezone.localdate().year
    sequences = sorted(certificates.values_list("sequence", flat=True))
    assert sequences == list(range(1, BATCH + 1))  # gap-free
    assert CertificateSequence.objects.get(year=year).last == BATCH
