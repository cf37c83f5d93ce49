"""Coaching sessions earn JP through the conversion table once the supervisor confirms
them, and count in the JP summary; reviews link activities to completions and records."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from competencies.models import CoachingSession, EmployeeJpYear, Idp, IdpActivity, TrainingRecord
from competencies.selectors.idp import coaching_notes_visible
from competencies.selectors.jp import jp_by_employee
from competencies.services.idp import (
    coaching_session_confirm,
    coaching_session_log,
    idp_activity_add,
    idp_agree,
    idp_create,
    idp_propose,
    idp_review_record,
)
from competencies.siasn import DevelopmentType

pytestmark = pytest.mark.django_db


def _day(line, month_back: int = 0) -> datetime.date:
    today = timezone.localdate()
    # A day this year, in the past, at least in the month `month_back` months ago.
    month = max(1, today.month - month_back)
    return min(today, datetime.date(line.year, month, 1))


def _coaching(line, kind=IdpActivity.Kind.COACHING):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    return idp_activity_add(
        actor=line.employee.user, goal=idp.goals.first(), kind=kind, coach=line.coach,
        target_date=datetime.date(line.year, 12, 31), expected_jp=Decimal(8),
    )  # fmt: skip


def test_coaching_session_earns_jp_only_after_the_supervisor_confirms(line):
    activity = _coaching(line)
    session = coaching_session_log(
        actor=line.employee.user, activity=activity, date=_day(line), topic="Analisis data",
        notes="Catatan pribadi",
    )  # fmt: skip
    assert jp_by_employee(year=line.year, employee_ids=[line.employee.pk]).get(
        line.employee.pk, Decimal(0)
    ) == Decimal(0)
    with pytest.raises(PermissionDenied):
        coaching_session_confirm(actor=line.employee.user, session=session)
    with pytest.raises(PermissionDenied):
        coaching_session_confirm(actor=line.coach.user, session=session)
    session = coaching_session_confirm(actor=line.supervisor.user, session=session)
    record = session.training_record
    assert session.status == CoachingSession.Status.CONFIRMED
    assert record.status == TrainingRecord.Status.APPROVED
    assert record.jp == Decimal(2)  # 1 session × 2 JP (the conversion table)
    assert record.development_type == DevelopmentType.COACHING
    assert record.jp_rule is not None and record.jp_computed == Decimal(2)
    assert "Catatan" not in record.title + record.decision_note  # the notes stay private
    # The JP count everywhere: the one rule and its summary table.
    assert jp_by_employee(year=line.year, employee_ids=[line.employee.pk])[
        line.employee.pk
    ] == Decimal(2)
    assert EmployeeJpYear.objects.get(employee=line.employee, year=line.year).jp == Decimal(2)
    # Confirming again counts nothing twice.
    coaching_session_confirm(actor=line.supervisor.user, session=session)
    assert TrainingRecord.objects.filter(employee=line.employee).count() == 1


def test_coaching_sessions_respect_the_monthly_cap(line):
    activity = _coaching(line, kind=IdpActivity.Kind.MENTORING)
    day = _day(line)
    jps = []
    for topic in ("Satu", "Dua", "Tiga"):
        session = coaching_session_log(
            actor=line.coach.user, activity=activity, date=day, topic=topic
        )
        jps.append(
            coaching_session_confirm(actor=line.head.user, session=session).training_record.jp
        )
    # 2 JP a session, at most 4 JP a month: the third session of the month counts 0.
    assert jps == [Decimal(2), Decimal(2), Decimal(0)]


def test_coaching_notes_only_for_the_employee_and_the_coach(line):
    session = coaching_session_log(
        actor=line.employee.user, activity=_coaching(line), date=_day(line), topic="T",
        notes="rahasia",
    )  # fmt: skip
    assert coaching_notes_visible(user=line.employee.user, session=session)
    assert coaching_notes_visible(user=line.coach.user, session=session)
    assert not coaching_notes_visible(user=line.supervisor.user, session=session)
    assert not coaching_notes_visible(user=line.hr, session=session)


def test_coaching_session_refused_to_others_and_in_the_future(line):
    activity = _coaching(line)
    with pytest.raises(PermissionDenied):
        coaching_session_log(
            actor=line.stranger.user, activity=activity, date=_day(line), topic="T"
        )
    with pytest.raises(ValidationError):
        coaching_session_log(
            actor=line.employee.user, activity=activity,
            date=timezone.localdate() + datetime.timedelta(days=2), topic="T",
        )  # fmt: skip
    assert not CoachingSession.objects.exists()


def test_review_links_completions_and_records(line, home_page):
    from tests.factories.competencies import TrainingRecordFactory
    from tests.factories.lms import CoursePageFactory, EnrolmentFactory

    course = CoursePageFactory(parent=home_page)
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    goal = idp.goals.first()
    target = datetime.date(line.year, 12, 31)
    on_course = idp_activity_add(
        actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.COURSE, target_id=course.pk,
        target_date=target, expected_jp=Decimal(10),
    )  # fmt: skip
    coaching = idp_activity_add(
        actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.COACHING, coach=line.coach,
        target_date=target, expected_jp=Decimal(4),
    )  # fmt: skip
    on_job = idp_activity_add(
        actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.ON_THE_JOB,
        description="Tugas lapangan", target_date=target, expected_jp=Decimal(0),
    )  # fmt: skip
    for other in idp.goals.exclude(pk=goal.pk):
        idp_activity_add(
            actor=line.employee.user, goal=other, kind=IdpActivity.Kind.SELF_STUDY,
            target_date=target, expected_jp=Decimal(2),
        )  # fmt: skip
    idp = idp_agree(actor=line.supervisor.user, idp=idp_propose(actor=line.employee.user, idp=idp))
    assert idp.status == Idp.Status.AGREED

    # The course completed: its enrolment's training record (as certificates make it).
    enrolment = EnrolmentFactory(
        user=line.employee.user, course=course, status="completed", completed_at=timezone.now()
    )
    course_record = TrainingRecordFactory(
        employee=line.employee, source=TrainingRecord.Source.COURSE,
        source_key=f"enrolment:{enrolment.pk}", finished_on=_day(line),
        started_on=_day(line), jp=Decimal(12),
    )  # fmt: skip
    session = coaching_session_log(
        actor=line.employee.user, activity=coaching, date=_day(line), topic="T"
    )
    session = coaching_session_confirm(actor=line.supervisor.user, session=session)

    review = idp_review_record(
        actor=line.supervisor.user, idp=idp, stage="mid_year", summary="Baik",
        notes={on_job.pk: "Sebagian"}, done={on_job.pk},
    )  # fmt: skip
    items = {i.activity_id: i for i in review.items.all()}
    assert items[on_course.pk].training_record == course_record
    assert items[on_course.pk].jp == Decimal(12) and items[on_course.pk].done
    assert items[coaching.pk].training_record == session.training_record
    assert items[on_job.pk].training_record is None and items[on_job.pk].done
    assert items[on_job.pk].note == "Sebagian"
    # Recording the stage again replaces it (no second review).
    again = idp_review_record(actor=line.employee.user, idp=idp, stage="mid_year", summary="Lagi")
    assert again.pk == review.pk and again.items.count() == len(items)


def test_review_only_of_an_agreed_plan(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    with pytest.raises(ValidationError, match="agreed plan"):
        idp_review_record(actor=line.supervisor.user, idp=idp, stage="mid_year", summary="")
