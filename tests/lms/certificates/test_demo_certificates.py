from __future__ import annotations

import pytest

from lms.models import Certificate, Enrolment
from lms.services.demo import demo_seed

pytestmark = pytest.mark.django_db


def test_seed_demo_issues_certificates_for_completed_demo_courses_once():
    demo_seed()
    completed = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, course__certificate_enabled=True
    )
    assert completed.exists()
    issued = Certificate.objects.filter(status=Certificate.Status.ISSUED, is_current=True)
    assert set(issued.values_list("enrolment_id", flat=True)) == set(
        completed.values_list("pk", flat=True)
    )
    assert all(c.pdf.name for c in issued)

    demo_seed()
    assert Certificate.objects.count() == completed.count()
