"""After a database restore, certificate numbers handed out since the dump are never
handed out again (docs/deployment.md, "Backup and restore")."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.utils import timezone

import pytest

from lms.models import Certificate, CertificateSequence
from lms.services.certificates import certificate_issue
from tests.factories.accounts import UserFactory
from tests.lms.certificates.conftest import complete
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_hooks(monkeypatch):
    completion_hooks_only(monkeypatch)


def _issue(course) -> Certificate:
    certificate = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)
    assert certificate is not None
    return certificate


def _restore_dump_taken_before(certificate: Certificate) -> None:
    """What restoring an older dump does: rows written since are gone (the PDFs in the
    media backup stay), and the counter is back where it was."""
    year = certificate.year
    Certificate.objects.filter(year=year, sequence__gte=certificate.sequence).delete()
    CertificateSequence.objects.filter(year=year).update(last=certificate.sequence - 1)


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("certificates_after_restore", *args, stdout=out)
    return out.getvalue()


def test_numbers_issued_after_the_dump_are_not_handed_out_again(course):
    _issue(course)
    lost = [_issue(course), _issue(course)]
    high_water = lost[-1].sequence
    _restore_dump_taken_before(lost[0])

    output = _run("--margin", "0")

    assert lost[0].code in output and lost[1].code in output  # listed for the operator
    following = _issue(course)
    assert following.sequence == high_water + 1
    assert following.number not in {c.number for c in lost}


def test_numbers_after_the_restored_counter_are_not_handed_out_again_when_rows_were_deleted(
    course,
):
    """A certificate row deleted before the dump (its PDF removed too) leaves the
    restored counter above the highest number in the database; the lost certificates
    were numbered after the counter, not after that highest number."""
    _issue(course)
    deleted = _issue(course)
    lost = [_issue(course), _issue(course)]
    high_water = lost[-1].sequence
    _restore_dump_taken_before(lost[0])
    deleted.pdf.delete(save=False)
    Certificate.objects.filter(pk=deleted.pk).delete()

    _run("--margin", "0")

    following = _issue(course)
    assert following.sequence == high_water + 1
    assert following.number not in {c.number for c in lost}


def test_the_default_margin_leaves_room_for_numbers_that_left_no_trace(course):
    _issue(course)
    high_water = _issue(course).sequence
    _restore_dump_taken_before(Certificate.objects.get(sequence=high_water))

    _run()

    assert _issue(course).sequence == high_water + 100 + 1


def test_the_operator_can_give_the_last_number_known_from_outside(course):
    _issue(course)
    year = timezone.localdate().year

    _run("--margin", "0", "--last", f"{year}:404")

    assert _issue(course).sequence == 405


def test_running_it_twice_advances_once(course):
    _issue(course)

    _run("--margin", "10")
    _run("--margin", "10")

    assert CertificateSequence.objects.get(year=timezone.localdate().year).last == 11


def test_running_it_twice_after_losing_certificates_advances_once(course):
    _issue(course)
    lost = [_issue(course), _issue(course)]
    _restore_dump_taken_before(lost[0])
    year = timezone.localdate().year

    _run("--margin", "10")
    _run("--margin", "10")

    assert CertificateSequence.objects.get(year=year).last == lost[-1].sequence + 10


def test_dry_run_changes_nothing(course):
    _issue(course)

    output = _run("--dry-run")

    assert "101" in output
    assert CertificateSequence.objects.get(year=timezone.localdate().year).last == 1
