"""Races on PostgreSQL, each thread on its own connection: a double check-in, two
committee phones marking the same person, and two nominations for an OPD's last place.
SQLite runs one writer at a time, so these races cannot happen there."""

from __future__ import annotations

import datetime
import threading
from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connections
from django.utils import timezone

import pytest

from lms.models import Attendance, Batch, Nomination
from lms.services.classroom_attendance import (
    attendance_check_in,
    attendance_check_in_personal,
    attendance_mark,
    checkin_token_make,
    personal_token_make,
)
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.competencies import EmployeeFactory
from tests.factories.lms import SessionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
    pytest.mark.postgresql(
        reason="row locks and concurrent inserts need PostgreSQL; SQLite serialises writers",
    ),
]


def _race(calls: list[Callable[[], object]]) -> list[BaseException]:
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def work(call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=10)
            call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(c,)) for c in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


@pytest.fixture
def participant(batch, supervisor, staff, hr):
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    batch.status = Batch.Status.RUNNING
    batch.save()
    batch.committee.add(hr)
    return Nomination.objects.get(pk=nomination.pk)


def test_a_double_check_in_leaves_one_row(batch, participant, staff):
    session = SessionFactory(batch=batch)
    now = timezone.make_aware(datetime.datetime.combine(session.date, datetime.time(8, 5)))
    token = checkin_token_make(session=session, now=now)
    user = staff[0].user

    errors = _race(
        [
            lambda: attendance_check_in(session=session, user=user, token=token, now=now)
            for _ in range(4)
        ]
    )

    assert errors == []
    assert Attendance.objects.filter(session=session, nomination=participant).count() == 1


def test_two_committee_phones_leave_one_consistent_row(batch, participant, hr):
    session = SessionFactory(batch=batch)

    errors = _race(
        [
            lambda status=status: attendance_mark(
                session=session, nomination=participant, actor=hr, status=status
            )
            for status in ("hadir", "hadir", "terlambat")
        ]
    )

    assert errors == []
    row = Attendance.objects.get(session=session, nomination=participant)
    assert row.status in {"hadir", "terlambat"}


def test_two_nominations_for_the_last_place_admit_one(batch, opd_b):
    boss = EmployeeFactory(unit=opd_b)
    employees = [EmployeeFactory(unit=opd_b, supervisor=boss) for _ in range(2)]

    errors = _race(
        [lambda e=e: nomination_create(batch=batch, employee=e, actor=boss.user) for e in employees]
    )

    assert len(errors) == 1 and isinstance(errors[0], ValidationError)
    assert "Dinas Pendidikan" in errors[0].messages[0]  # the refusal names the OPD
    assert Nomination.objects.filter(batch=batch, unit=opd_b).count() == 1


def test_two_committee_phones_scanning_one_personal_qr_leave_one_row(batch, participant, hr):
    session = SessionFactory(batch=batch)
    now = timezone.make_aware(datetime.datetime.combine(session.date, datetime.time(8, 5)))
    token = personal_token_make(nomination=participant, now=now)

    errors = _race(
        [lambda: attendance_check_in_personal(token=token, actor=hr, now=now) for _ in range(4)]
    )

    assert errors == []
    row = Attendance.objects.get(session=session, nomination=participant)
    assert row.method == Attendance.Method.PERSONAL_QR
