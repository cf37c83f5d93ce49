from __future__ import annotations

import pytest

from lms.demo.seed import demo_seed
from lms.models import Certificate, Enrolment

pytestmark = pytest.mark.django_db


def test_seed_demo_issues_certificates_for_completed_demo_courses_once():
    demo_seed()
    completed = Enrolment.objects.filter(
        status=Enrolment.Status.COMPLETED, course__certificate_enabled=True
    )
    assert completed.exists()
    current = Certificate.objects.filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED], is_current=True
    )
    assert set(current.values_list("enrolment_id", flat=True)) == set(
        completed.values_list("pk", flat=True)
    )
    assert all(c.pdf.name for c in current)
    # One is revoked (category "data error") so that /verify/ shows both states.
    revoked = Certificate.objects.get(status=Certificate.Status.REVOKED)
    assert revoked.revocation_category == Certificate.RevocationCategory.DATA_ERROR
    assert Certificate.objects.filter(status=Certificate.Status.ISSUED).exists()

    demo_seed()
    assert Certificate.objects.count() == completed.count()
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).count() == 1


def test_seed_demo_creates_the_signing_key_on_first_use(signing_key_file):
    assert not signing_key_file.exists()
    demo_seed()
    assert signing_key_file.exists()
    assert signing_key_file.stat().st_mode & 0o777 == 0o600
