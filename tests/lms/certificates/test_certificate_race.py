"""Two workers issuing at the same time, each on its own database connection. Only
PostgreSQL takes the row locks (select_for_update) these tests are about; SQLite runs
one writer at a time, so the race cannot happen there."""

from __future__ import annotations

import threading

from django.db import connections

import pytest

from lms.models import Certificate, CertificateSequence
from lms.services.certificates import certificate_issue
from tests.factories.accounts import UserFactory
from tests.lms.certificates.conftest import complete

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
    pytest.mark.postgresql(
        reason="row locks (select_for_update) need PostgreSQL; SQLite serialises writers",
    ),
]


def _race(enrolment_ids: list[int]) -> list[BaseException]:
    barrier = threading.Barrier(len(enrolment_ids))
    errors: list[BaseException] = []

    def work(enrolment_id: int) -> None:
        try:
            barrier.wait(timeout=10)
            certificate_issue(enrolment_id=enrolment_id)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in enrolment_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_concurrent_issues_get_consecutive_numbers(course):
    enrolments = [complete(UserFactory(), course) for _ in range(6)]

    errors = _race([e.pk for e in enrolments])

    assert errors == []
    sequences = sorted(Certificate.objects.values_list("sequence", flat=True))
    assert sequences == [1, 2, 3, 4, 5, 6]
    assert CertificateSequence.objects.get().last == 6
    assert len(set(Certificate.objects.values_list("number", flat=True))) == 6


def test_two_workers_issuing_the_same_enrolment_make_one_certificate(course):
    enrolment = complete(UserFactory(), course)

    errors = _race([enrolment.pk, enrolment.pk, enrolment.pk])

    assert errors == []
    assert Certificate.objects.filter(enrolment=enrolment).count() == 1
    assert CertificateSequence.objects.get().last == 1
