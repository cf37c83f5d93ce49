"""No-show rate per OPD on HR's batch overview: selected participants not present or late
at any session, shown once the batch runs."""

from __future__ import annotations

from django.urls import reverse

import pytest

from lms.models import Attendance, Batch, Nomination
from lms.selectors.classroom import batch_fill_by_unit
from tests.factories.competencies import EmployeeFactory
from tests.factories.lms import SessionFactory

pytestmark = pytest.mark.django_db


def _selected(batch, employee):
    return Nomination.objects.create(
        batch=batch, employee=employee, unit=employee.unit, status=Nomination.Status.SELECTED
    )


@pytest.fixture
def ran(batch, opd_a, opd_b, staff):
    """OPD A: 2 selected, one present (late) at one session, one only absent; OPD B: 1
    selected, present; a waitlisted A employee does not count."""
    first, second = SessionFactory(batch=batch), SessionFactory(batch=batch)
    came, stayed_away = _selected(batch, staff[0]), _selected(batch, staff[1])
    other = _selected(batch, EmployeeFactory(unit=opd_b))
    Nomination.objects.create(
        batch=batch, employee=staff[2], unit=opd_a, status=Nomination.Status.WAITLISTED
    )
    qr = Attendance.Method.QR
    Attendance.objects.create(session=first, nomination=came, status="alfa", method=qr)
    Attendance.objects.create(session=second, nomination=came, status="terlambat", method=qr)
    Attendance.objects.create(session=first, nomination=stayed_away, status="alfa", method=qr)
    Attendance.objects.create(session=first, nomination=other, status="hadir", method=qr)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.RUNNING)
    batch.refresh_from_db()
    return batch


def test_no_show_rate_per_opd_once_the_batch_runs(ran, opd_a, opd_b, django_assert_num_queries):
    with django_assert_num_queries(2):
        fill = {row.unit_id: row for row in batch_fill_by_unit(batch=ran)}

    assert (fill[opd_a.pk].selected, fill[opd_a.pk].no_shows) == (2, 1)
    assert fill[opd_a.pk].no_show_percent == 50
    assert (fill[opd_b.pk].no_shows, fill[opd_b.pk].no_show_percent) == (0, 0)


def test_no_show_rate_is_not_shown_before_the_batch_runs(batch, opd_a, staff):
    _selected(batch, staff[0])  # selected, nothing recorded: not a no-show yet

    row = next(r for r in batch_fill_by_unit(batch=batch) if r.unit_id == opd_a.pk)

    assert row.no_shows is None and row.no_show_percent is None


def test_hr_overview_shows_the_no_show_rate(client, ran, hr):
    client.force_login(hr)
    page = client.get(reverse("lms_classroom_batch", args=[ran.pk]))

    assert page.status_code == 200
    assert "50 % (1/2)" in page.content.decode()
