"""Completion by attendance through the one completion engine: the threshold, the JP of
the sessions attended (capped at the programme's JP) and the certificate that follows."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from lms.models import Attendance, Batch, Certificate, Enrolment, Nomination
from lms.services.classroom import batch_status_change
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.lms import SessionFactory
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _certificate_hook_only(monkeypatch):
    completion_hooks_only(monkeypatch, "certificate_issue_hook")


@pytest.fixture
def participant(batch, supervisor, staff, hr):
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.status = Batch.Status.RUNNING
    batch.save()
    return Nomination.objects.get(pk=nomination.pk)


def _sessions(batch, jps):
    return [
        SessionFactory(
            batch=batch,
            start_time=datetime.time(8 + i),
            end_time=datetime.time(9 + i),
            jp=Decimal(jp),
        )
        for i, jp in enumerate(jps)
    ]


def _attend(nomination, sessions):
    for session in sessions:
        Attendance.objects.create(
            session=session, nomination=nomination, status="hadir", method="committee"
        )


def _finish(batch, hr, capture):
    with capture(execute=True):
        batch_status_change(batch=batch, actor=hr, status=Batch.Status.FINISHED)


def test_attendance_at_the_threshold_completes_with_the_attended_jp_and_a_certificate(
    batch, participant, hr, django_capture_on_commit_callbacks
):
    batch.completion_threshold_percent = 60
    batch.save()
    sessions = _sessions(batch, ["2", "2", "2"])
    _attend(participant, sessions[:2])  # 4 of 6 JP = 67 %
    _finish(batch, hr, django_capture_on_commit_callbacks)
    enrolment = Enrolment.objects.get(pk=participant.enrolment_id)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.jp_earned == Decimal("4.0")
    assert Certificate.objects.get(enrolment=enrolment).status == Certificate.Status.ISSUED


def test_attendance_below_the_threshold_does_not_complete(
    batch, participant, hr, django_capture_on_commit_callbacks
):
    sessions = _sessions(batch, ["2", "2", "2"])
    _attend(participant, sessions[:2])  # 67 % < 90 %
    _finish(batch, hr, django_capture_on_commit_callbacks)
    enrolment = Enrolment.objects.get(pk=participant.enrolment_id)
    assert enrolment.status == Enrolment.Status.ACTIVE
    assert not Certificate.objects.exists()


def test_late_counts_as_present_and_the_jp_is_capped_at_the_programme(
    batch, participant, hr, django_capture_on_commit_callbacks
):
    sessions = _sessions(batch, ["3", "3", "2"])  # 8 JP on a 6 JP course
    _attend(participant, sessions[:2])
    Attendance.objects.create(
        session=sessions[2], nomination=participant, status="terlambat", method="qr"
    )
    _finish(batch, hr, django_capture_on_commit_callbacks)
    enrolment = Enrolment.objects.get(pk=participant.enrolment_id)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.jp_earned == Decimal("6.0")


def test_no_completion_while_the_batch_is_running(batch, participant):
    from lms.services.enrolments import enrolment_completion_check

    sessions = _sessions(batch, ["2"])
    _attend(participant, sessions)
    enrolment = enrolment_completion_check(enrolment=participant.enrolment)
    assert enrolment.status == Enrolment.Status.ACTIVE


def test_an_hr_correction_after_the_finish_completes_the_participant(
    batch, participant, hr, django_capture_on_commit_callbacks
):
    from lms.services.classroom_attendance import attendance_correct

    sessions = _sessions(batch, ["2", "2"])
    _attend(participant, sessions[:1])
    _finish(batch, hr, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        attendance_correct(
            session=sessions[1],
            nomination=participant,
            actor=hr,
            status="hadir",
            reason="Daftar hadir kertas",
        )
    enrolment = Enrolment.objects.get(pk=participant.enrolment_id)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.jp_earned == Decimal("4.0")


def test_batch_status_moves_only_along_the_allowed_transitions(batch, hr):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="cannot go from"):
        batch_status_change(batch=batch, actor=hr, status=Batch.Status.FINISHED)
    batch_status_change(batch=batch, actor=hr, status=Batch.Status.SELECTION)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.SELECTION
