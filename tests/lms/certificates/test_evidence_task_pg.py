"""The competency-evidence task as a real worker runs it: outside any transaction, on
PostgreSQL (the test transaction of a normal test hides a row lock taken outside one; SQLite
ignores row locks). It used to fail there with "select_for_update cannot be used outside of
a transaction", so no course completion ever became evidence on PostgreSQL."""

from __future__ import annotations

from django.db import connection

import pytest

from competencies.models import Assessment
from lms.models import CourseCompetency
from lms.tasks import enrolment_competency_evidence
from tests.factories.competencies import CompetencyFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
    pytest.mark.postgresql(reason="SQLite ignores row locks, so it cannot show the fault"),
]


def test_the_task_outside_a_transaction_writes_the_evidence(completed, holder, course):
    for level, code in ((3, "T.921"), (2, "T.922")):
        CourseCompetency.objects.create(
            course=course, competency=CompetencyFactory(code=code), target_level=level
        )
    assert not connection.in_atomic_block

    assert enrolment_competency_evidence(completed.pk) == 2
    assert enrolment_competency_evidence(completed.pk) == 0
    assert Assessment.objects.filter(employee=holder.employee).count() == 2
