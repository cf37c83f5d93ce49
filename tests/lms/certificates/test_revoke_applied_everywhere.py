"""Revoking a certificate is applied everywhere, in one transaction, and the holder and
their supervisor are told once: the history says "Dicabut", the assignment is open again,
HR's certificate list says it is not valid, the competency evidence from the course is
withdrawn, the JP no longer counts."""

from __future__ import annotations

import re
from decimal import Decimal

from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind
from competencies.models import Assessment, TrainingRecord
from competencies.selectors.jp import jp_total_for_employee
from lms.models import Assignment, AssignmentRecipient, Certificate, CourseCompetency
from lms.services.assignments import assignment_enrolment_completed
from lms.services.certificates import certificate_revoke
from lms.services.competency_evidence import enrolment_competency_evidence
from tests.factories.competencies import CompetencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.API_WEBHOOK_URL = ""
    settings.LANGUAGE_CODE = "id"


@pytest.fixture
def assigned(holder, course, completed):
    """The course was assigned to the holder, who completed it (row "Selesai")."""
    assignment = Assignment.objects.create(
        course=course, course_title=course.title, target_type="employees", due_days=30
    )
    row = AssignmentRecipient.objects.create(
        assignment=assignment,
        employee=holder.employee,
        user=holder,
        assigned_at=completed.completed_at - timezone.timedelta(days=5),
        due_on=timezone.localdate() + timezone.timedelta(days=20),
    )
    assignment_enrolment_completed(enrolment_id=completed.pk)
    row.refresh_from_db()
    assert row.status == AssignmentRecipient.Status.COMPLETED
    return row


@pytest.fixture
def evidence(course, completed, holder):
    CourseCompetency.objects.create(
        course=course, competency=CompetencyFactory(code="T.931"), target_level=3
    )
    assert enrolment_competency_evidence(enrolment_id=completed.pk) == 1
    return Assessment.objects.get(employee=holder.employee, method=Assessment.Method.COURSE)


def _revoke(certificate, hr_manager, capture) -> Certificate:
    with capture(execute=True):
        return certificate_revoke(
            certificate=certificate,
            actor=hr_manager,
            reason="Daftar hadir dipalsukan (nota internal)",
            category=Certificate.RevocationCategory.WITHDRAWN,
        )


def test_history_says_revoked_not_rejected(
    certificate, holder, hr_manager, client, django_capture_on_commit_callbacks
):
    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    client.force_login(holder)
    html = client.get(reverse("competencies:records")).content.decode()
    row = re.search(r"<tr>(?:(?!</tr>).)*Pelayanan Prima.*?</tr>", html, flags=re.S)
    assert row is not None, html
    assert "Dicabut" in row.group(0)
    assert "Ditolak" not in row.group(0)


def test_hr_training_record_list_says_revoked(
    certificate, hr_manager, client, django_capture_on_commit_callbacks
):
    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    client.force_login(hr_manager)
    html = client.get(reverse("competencies_record:index")).content.decode()
    row = re.search(r"<tr[^>]*>(?:(?!</tr>).)*Pelayanan Prima.*?</tr>", html, flags=re.S)
    assert row is not None, html
    assert "Dicabut" in row.group(0)
    assert "Ditolak" not in row.group(0)


def test_the_assignment_is_open_again(
    assigned, certificate, hr_manager, completed, django_capture_on_commit_callbacks
):
    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    assigned.refresh_from_db()
    assert assigned.status == AssignmentRecipient.Status.OPEN
    assert assigned.completed_at is None
    # The completion hook run again (a retry, the sweep) does not complete it again.
    assignment_enrolment_completed(enrolment_id=completed.pk)
    assigned.refresh_from_db()
    assert assigned.status == AssignmentRecipient.Status.OPEN


def test_the_certificate_list_shows_it_is_not_valid(
    certificate, hr_manager, client, django_capture_on_commit_callbacks
):
    client.force_login(hr_manager)
    before = _row(
        client.get(reverse("lms_certificates:index")).content.decode(), certificate.number
    )
    # "Valid" ("Berlaku" once the catalogue has it), not a raw boolean.
    assert "Valid" in before or "Berlaku" in before
    assert "True" not in before

    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    revoked = Certificate.objects.get(pk=certificate.pk)
    assert revoked.validity_label == "Dicabut"
    row = _row(client.get(reverse("lms_certificates:index")).content.decode(), revoked.number)
    assert "True" not in row
    assert "Berlaku" not in row and "Valid" not in row
    assert "Dicabut" in row


def _row(html: str, number: str) -> str:
    found = re.search(r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(number) + r".*?</tr>", html, re.S)
    assert found is not None, html
    return re.sub(r"<[^>]+>", " ", found.group(0))


def test_the_competency_evidence_is_withdrawn(
    evidence, certificate, hr_manager, django_capture_on_commit_callbacks
):
    assert evidence.status == Assessment.Status.SUBMITTED

    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    evidence.refresh_from_db()
    assert evidence.status == Assessment.Status.REJECTED
    assert evidence.decided_by == hr_manager
    assert certificate.number in evidence.decision_note
    assert "nota internal" not in evidence.decision_note  # the public category only


def test_the_jp_no_longer_counts(
    certificate, holder, hr_manager, client, django_capture_on_commit_callbacks
):
    year = timezone.localdate().year
    assert jp_total_for_employee(employee=holder.employee, year=year) == Decimal(4)

    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    assert jp_total_for_employee(employee=holder.employee, year=year) == Decimal(0)
    client.force_login(holder)
    dashboard = client.get(reverse("lms:dashboard")).content.decode()
    assert re.search(r"\b0\s+(?:of|dari)\s+20\s+JP", dashboard)


def test_holder_and_supervisor_are_told_once(
    certificate, holder, supervisor, hr_manager, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)
    with pytest.raises(ValidationError), django_capture_on_commit_callbacks(execute=True):
        certificate_revoke(certificate=certificate, actor=hr_manager, reason="Lagi")

    notices = Notification.objects.filter(params__revoked=True)
    assert sorted(notices.values_list("user_id", flat=True)) == sorted(
        [holder.pk, supervisor.user_id]
    )
    assert {n.kind for n in notices} == {NotificationKind.RECORD_DECIDED}
    assert notices.get(user=holder).params["number"] == certificate.number
    # One e-mail each, queued after the commit.
    recipients = sorted(address for m in mail.outbox for address in m.to)
    assert recipients == sorted([holder.email, supervisor.user.email])
    assert all(certificate.number in m.body for m in mail.outbox)
    assert "nota internal" not in " ".join(m.body for m in mail.outbox)


def test_everything_or_nothing(
    certificate, assigned, evidence, hr_manager, monkeypatch, django_capture_on_commit_callbacks
):
    """One transaction: a failure in the last step leaves every part as it was."""

    def broken(**kwargs):
        raise RuntimeError("notification store down")

    monkeypatch.setattr("lms.services.certificates.notify", broken)
    with pytest.raises(RuntimeError):
        _revoke(certificate, hr_manager, django_capture_on_commit_callbacks)

    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.ISSUED
    record = TrainingRecord.objects.get(source_key=f"enrolment:{certificate.enrolment_id}")
    assert record.status == TrainingRecord.Status.APPROVED
    assigned.refresh_from_db()
    assert assigned.status == AssignmentRecipient.Status.COMPLETED
    evidence.refresh_from_db()
    assert evidence.status == Assessment.Status.SUBMITTED
