"""Issue and reissue take their row locks in one order (enrolment, then certificate,
then the year's sequence), so they cannot deadlock (lms/services/certificates.py)."""

from __future__ import annotations

import re
import threading

from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

import pytest

from lms.models import Certificate
from lms.services.certificates import certificate_issue, certificate_reissue

pytestmark = pytest.mark.django_db


def _locked_tables(queries: list[dict]) -> list[str]:
    """The tables of the rows each SELECT … FOR UPDATE locks, in order (PostgreSQL),
    or of every SELECT against the enrolment/certificate tables inside the transaction
    (SQLite has no row locks, but the statements run in the same order)."""
    tables = []
    started = False
    for query in queries:
        sql = query["sql"]
        # The locks are taken inside the service's transaction (a savepoint in tests).
        started = started or sql.startswith("SAVEPOINT")
        if not started:
            continue
        if connection.vendor == "postgresql" and "FOR UPDATE" not in sql:
            continue
        match = re.match(r'SELECT .*? FROM "(lms_enrolment|lms_certificate)"', sql, re.S)
        if match:
            tables.append(match.group(1))
    return tables


def test_reissue_locks_the_enrolment_before_the_certificate(certificate, administrator):
    with CaptureQueriesContext(connection) as captured:
        certificate_reissue(certificate=certificate, actor=administrator, reason="Gelar")
    tables = _locked_tables(captured.captured_queries)
    assert tables.index("lms_enrolment") < tables.index("lms_certificate")


def test_issue_locks_the_enrolment_before_the_certificate(completed):
    with CaptureQueriesContext(connection) as captured:
        certificate_issue(enrolment_id=completed.pk)
    tables = _locked_tables(captured.captured_queries)
    assert tables.index("lms_enrolment") < tables.index("lms_certificate")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.usefixtures("_database_as_migrated")
@pytest.mark.postgresql(
    reason="row locks (select_for_update) need PostgreSQL; SQLite serialises writers",
)
def test_reissue_and_issue_racing_do_not_deadlock(completed, administrator):
    """The old order (reissue: certificate, then enrolment) deadlocked against issue
    (enrolment, then certificate) when both ran at once; PostgreSQL then aborts one
    with 'deadlock detected'."""
    certificate_issue(enrolment_id=completed.pk)
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def run(work) -> None:
        try:
            barrier.wait(timeout=10)
            for _ in range(5):
                work()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    def reissue() -> None:
        current = Certificate.objects.get(enrolment=completed, is_current=True)
        certificate_reissue(certificate=current, actor=administrator, reason="Ulang")

    def issue() -> None:
        certificate_issue(enrolment_id=completed.pk)

    threads = [threading.Thread(target=run, args=(w,)) for w in (reissue, issue)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not [e for e in errors if "deadlock" in str(e).lower()]
    assert errors == []
    assert Certificate.objects.filter(enrolment=completed, is_current=True).count() == 1
