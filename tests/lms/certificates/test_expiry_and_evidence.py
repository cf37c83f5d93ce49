"""Expiry reminders (30 days before, recurring courses only, idempotent) and competency
evidence from course completion (submitted, or approved when the course is marked as
an assessment; idempotent)."""

from __future__ import annotations

import datetime

from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind
from competencies.models import Assessment
from lms.models import Certificate, CourseCompetency
from lms.services.certificate_reminders import certificate_expiry_reminders_send
from lms.services.competency_evidence import enrolment_competency_evidence
from lms.tasks import certificate_expiry_reminders_send as reminders_task
from lms.tasks import enrolment_competency_evidence_hook
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory, HRScopeFactory, OrgUnitFactory
from tests.factories.lms import AssignmentFactory
from tests.lms.completion_hooks import completion_hooks_only

pytestmark = pytest.mark.django_db


def _expiring(certificate, days: int) -> None:
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() + datetime.timedelta(days=days)
    )


@pytest.fixture
def recurring(course):
    return AssignmentFactory(course=course, recurs_yearly=True)


def test_holder_and_scoped_hr_are_reminded_30_days_before_expiry(
    certificate, recurring, holder, unit
):
    in_scope = HRScopeFactory(unit=unit).user
    HRScopeFactory(unit=OrgUnitFactory(name="Dinas Lain"))  # an HR manager elsewhere
    _expiring(certificate, 30)

    assert reminders_task() == 1

    notices = Notification.objects.filter(kind=NotificationKind.CERTIFICATE_EXPIRING)
    assert set(notices.values_list("user_id", flat=True)) == {holder.pk, in_scope.pk}
    assert notices.get(user=holder).params["number"] == certificate.number
    # A second run (the beat fires twice, or the next day) sends nothing more.
    assert certificate_expiry_reminders_send() == 0
    assert notices.count() == 2


def test_no_reminder_when_not_recurring_or_not_yet_due(certificate, course):
    _expiring(certificate, 30)
    assert certificate_expiry_reminders_send() == 0  # no yearly assignment for the course
    AssignmentFactory(course=course)
    assert certificate_expiry_reminders_send() == 0  # an assignment, but not yearly


def test_no_reminder_more_than_30_days_ahead_or_for_revoked(certificate, recurring, administrator):
    _expiring(certificate, 31)
    assert certificate_expiry_reminders_send() == 0
    _expiring(certificate, 10)
    Certificate.objects.filter(pk=certificate.pk).update(
        status=Certificate.Status.REVOKED, revoked_at=timezone.now()
    )
    assert certificate_expiry_reminders_send() == 0


def test_expiry_reminders_are_scheduled_daily(settings):
    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["certificate-expiry-reminders"]["task"] == (
        "lms.tasks.certificate_expiry_reminders_send"
    )
    assert schedule["certificate-issue-sweep"]["task"] == "lms.tasks.certificate_issue_sweep"
    assert schedule["certificate-issue-sweep"]["schedule"] == 60


# COMPETENCY EVIDENCE ---------------------------------------------------------------------


@pytest.fixture
def developing(course):
    for level, code in ((3, "T.901"), (2, "T.902")):
        CourseCompetency.objects.create(
            course=course, competency=CompetencyFactory(code=code), target_level=level
        )
    return course


def test_completion_submits_course_assessments_for_hr(
    completed, developing, holder, unit, django_capture_on_commit_callbacks
):
    manager = HRScopeFactory(unit=unit).user

    with django_capture_on_commit_callbacks(execute=True):  # queued after commit
        enrolment_competency_evidence_hook(enrolment_id=completed.pk)
        enrolment_competency_evidence_hook(enrolment_id=completed.pk)  # completion fired twice

    assessments = Assessment.objects.filter(employee=holder.employee)
    assert sorted(assessments.values_list("competency__code", "level")) == [
        ("T.901", 3),
        ("T.902", 2),
    ]
    assert {a.method for a in assessments} == {Assessment.Method.COURSE}
    assert {a.status for a in assessments} == {Assessment.Status.SUBMITTED}
    assert (
        Notification.objects.filter(
            user=manager, kind=NotificationKind.ASSESSMENT_TO_APPROVE
        ).count()
        == 2
    )


def test_completion_approves_at_once_when_the_course_is_an_assessment(
    completed, developing, holder
):
    developing.completion_is_assessment = True
    developing.save()

    assert enrolment_competency_evidence(enrolment_id=completed.pk) == 2
    assert enrolment_competency_evidence(enrolment_id=completed.pk) == 0

    assert {a.status for a in Assessment.objects.filter(employee=holder.employee)} == {
        Assessment.Status.APPROVED
    }


def test_no_evidence_without_an_employee_record_or_completion(developing, course):
    from tests.lms.certificates.conftest import complete

    enrolment = complete(UserFactory(), course)
    assert enrolment_competency_evidence(enrolment_id=enrolment.pk) == 0
    assert not Assessment.objects.exists()


def test_a_completion_queues_the_competency_evidence(monkeypatch):
    from lms import tasks
    from lms.services import enrolments

    seen = []
    completion_hooks_only(monkeypatch)
    monkeypatch.setattr(
        tasks,
        "enrolment_competency_evidence_hook",
        lambda *, enrolment_id: seen.append(enrolment_id),
    )
    enrolments._run_completed_hooks(7)
    assert seen == [7]


def test_competencies_services_do_not_import_lms():
    import pathlib

    source = pathlib.Path("competencies/services/assessments.py").read_text()
    assert "import lms" not in source and "from lms" not in source
