"""The JP conversion table as seeded (docs/jp-conversion.md): each kind, the caps per day,
month and year, the international value, and the dates a version applies from."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError

import pytest

from competencies.models import JpConversionRule, TrainingRecord
from competencies.selectors.jp import (
    employees_with_jp,
    jp_by_employee,
    jp_target_for_employee,
    jp_years_for_employee,
)
from competencies.selectors.jp_conversion import jp_compute_for_employee
from competencies.services.records import training_record_approve, training_record_submit
from competencies.siasn import DevelopmentType as T

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here (Indonesian, the default, in one test)."""
    from django.utils import translation

    with translation.override("en"):
        yield


D = datetime.date


def _jp(employee, kind, start, end=None, units=None, international=False):
    development_type, activity = kind
    return jp_compute_for_employee(
        employee=employee, development_type=development_type, activity=activity,
        started_on=start, finished_on=end or start,
        units=None if units is None else Decimal(str(units)), international=international,
    )  # fmt: skip


def _record(employee, kind, start, end=None, units=None, international=False, approve_by=None):
    development_type, activity = kind
    record = training_record_submit(
        actor=employee.user, employee=employee, title="Kegiatan", organiser="Penyelenggara",
        development_type=development_type, activity=activity, started_on=start,
        finished_on=end or start, units=None if units is None else Decimal(str(units)),
        international=international,
    )  # fmt: skip
    if approve_by is not None:
        training_record_approve(actor=approve_by, record=record)
    return record


SEMINAR = (T.SEMINAR, "seminar")
SOSIALISASI = (T.SOSIALISASI, "seminar")
WORKSHOP = (T.WORKSHOP, "workshop")
COACHING = (T.COACHING, "coaching")
MENTORING = (T.MENTORING, "coaching")
E_LEARNING = (T.E_LEARNING, "e_learning")
MAGANG = (T.MAGANG, "internship")
DETASERING = (T.DETASERING, "internship")
PATOK_BANDING = (T.PATOK_BANDING, "benchmarking")
BELAJAR_MANDIRI = (T.BELAJAR_MANDIRI, "self_study")
KOMUNITAS = (T.KOMUNITAS_BELAJAR, "self_study")
DIKLAT_TEKNIS = (T.DIKLAT_TEKNIS, "training")
TUGAS_BELAJAR = (T.NONKLASIKAL_LAINNYA, "study")


@pytest.mark.parametrize(
    ("kind", "days", "units", "international", "expected"),
    [
        (SEMINAR, 1, None, False, "4"),
        (SEMINAR, 1, None, True, "6"),
        (SOSIALISASI, 2, None, False, "8"),
        (WORKSHOP, 1, None, False, "5"),
        (WORKSHOP, 3, None, True, "21"),
        (COACHING, 1, 1, False, "2"),
        (MENTORING, 1, 2, False, "4"),
        (E_LEARNING, 1, "2.25", False, "3"),  # 135 minutes = 3 lessons of 45
        (MAGANG, 30, None, False, "20"),
        (DETASERING, 60, None, False, "20"),
        (PATOK_BANDING, 2, None, False, "10"),
        (BELAJAR_MANDIRI, 1, "1.5", False, "2"),
        (KOMUNITAS, 1, "0.75", False, "1"),
        (DIKLAT_TEKNIS, 5, 30, False, "40"),  # 30 hours = 40 JP of 45 minutes
        (DIKLAT_TEKNIS, 5, 30, True, "48"),  # +20 % if international
        (TUGAS_BELAJAR, 180, 1, False, "20"),
    ],
)
def test_each_kind_is_converted_as_the_seeded_table_says(
    org, kind, days, units, international, expected
):
    employee = org.employee()
    start = D(2026, 3, 2)
    computed = _jp(
        employee, kind, start, start + datetime.timedelta(days=days - 1), units, international
    )
    assert computed.jp == Decimal(expected)


def test_daily_cap_holds_e_learning_and_self_study(org):
    employee = org.employee()
    # 6 hours of e-learning in one day would be 8 JP; at most 3 JP a day.
    one_day = _jp(employee, E_LEARNING, D(2026, 3, 2), units=6)
    assert (one_day.uncapped, one_day.jp, one_day.capped) == (Decimal(8), Decimal(3), True)
    assert "3 JP" in one_day.explanation
    # Over two days the cap is 6.
    assert _jp(employee, E_LEARNING, D(2026, 3, 2), D(2026, 3, 3), units=6).jp == 6
    assert _jp(employee, BELAJAR_MANDIRI, D(2026, 3, 2), units=4).jp == 2


def test_monthly_cap_counts_the_other_sessions_of_the_month(org):
    employee = org.employee()
    # Coaching: 2 JP a session, at most 2 sessions (4 JP) a month, coaching and mentoring
    # together.
    first = _record(employee, COACHING, D(2026, 3, 3), units=1)
    second = _record(employee, MENTORING, D(2026, 3, 10), units=1)
    third = _record(employee, COACHING, D(2026, 3, 17), units=1)
    next_month = _record(employee, COACHING, D(2026, 4, 1), units=1)
    assert [r.jp for r in (first, second, third, next_month)] == [2, 2, 0, 2]
    assert third.jp_computed == 0
    # Three sessions entered at once: still 4 JP for the month.
    assert _jp(org.employee(), COACHING, D(2026, 5, 4), units=3).jp == 4


def test_a_rejected_record_gives_its_month_back(org):
    from competencies.services.records import training_record_reject

    employee = org.employee()
    first = _record(employee, COACHING, D(2026, 3, 3), units=2)
    training_record_reject(actor=org.hr, record=first, note="Bukan coaching.")
    assert _record(employee, COACHING, D(2026, 3, 20), units=1).jp == 2


def test_yearly_cap_holds_the_sum_everywhere(org):
    JpConversionRule.objects.filter(activity="seminar").update(cap_per_year=Decimal(10))
    employee = org.employee()
    for month in (2, 3, 4):  # three one-day seminars: 12 JP, at most 10 a year
        _record(employee, SEMINAR, D(2026, month, 5), approve_by=org.hr)
    _record(employee, WORKSHOP, D(2026, 5, 5), approve_by=org.hr)  # 5 JP, no yearly cap
    _record(employee, SEMINAR, D(2027, 1, 5), approve_by=org.hr)  # another year

    assert jp_by_employee(year=2026, employee_ids=[employee.pk]) == {employee.pk: Decimal(15)}
    annotated = employees_with_jp(
        employees=type(employee).objects.filter(pk=employee.pk), year=2026
    )
    assert annotated.get().jp == 15
    years = jp_years_for_employee(employee=employee, rule=jp_target_for_employee(employee=employee))
    assert [(y.year, y.jp, y.over_cap) for y in years] == [
        (2027, Decimal(4), Decimal(0)),
        (2026, Decimal(15), Decimal(2)),
    ]


def test_a_yearly_cap_from_a_new_version_applies_from_its_year(org):
    seminar = JpConversionRule.objects.get(development_type=T.SEMINAR, activity="seminar")
    seminar.pk = None
    seminar.effective_from = D(2027, 1, 1)
    seminar.cap_per_year = Decimal(4)
    seminar.save()
    employee = org.employee()
    for when in (D(2026, 3, 5), D(2026, 4, 5), D(2027, 3, 5), D(2027, 4, 5)):
        _record(employee, SEMINAR, when, approve_by=org.hr)
    assert jp_by_employee(year=2026, employee_ids=[employee.pk])[employee.pk] == 8
    assert jp_by_employee(year=2027, employee_ids=[employee.pk])[employee.pk] == 4


def test_a_new_version_applies_from_its_date_and_leaves_older_records(org):
    employee = org.employee()
    before = _record(employee, SEMINAR, D(2026, 6, 30))
    old = before.jp_rule
    JpConversionRule.objects.create(
        development_type=T.SEMINAR, activity="seminar", unit="day", jp_national=Decimal(3),
        jp_international=Decimal(5), effective_from=D(2026, 7, 1),
    )  # fmt: skip
    after = _record(employee, SEMINAR, D(2026, 7, 1))
    before.refresh_from_db()
    assert (before.jp, before.jp_rule) == (Decimal(4), old)
    assert after.jp == 3
    assert after.jp_rule.effective_from == D(2026, 7, 1)


@pytest.mark.parametrize(
    ("kind", "start", "end", "units", "field", "message"),
    [
        (SEMINAR, D(2026, 3, 5), D(2026, 3, 4), None, "finished_on", "end date cannot be before"),
        (COACHING, D(2026, 3, 5), None, None, "units", "number of sessions"),
        (COACHING, D(2026, 3, 5), None, 9, "units", "more than the dates can hold"),
        (E_LEARNING, D(2026, 3, 5), None, 25, "units", "more than the days hold"),
        (DIKLAT_TEKNIS, D(2026, 3, 5), None, None, "units", "scheduled hours"),
        (TUGAS_BELAJAR, D(2026, 1, 5), D(2026, 6, 30), 4, "units", "do not fit"),
        (SEMINAR, D(2010, 1, 1), D(2026, 1, 1), None, "finished_on", "seven years"),
    ],
)
def test_absurd_input_gets_a_clear_message(org, kind, start, end, units, field, message):
    with pytest.raises(ValidationError) as caught:
        _jp(org.employee(), kind, start, end, units)
    assert message in " ".join(caught.value.message_dict[field])


def test_the_messages_are_in_indonesian_too(org):
    from django.utils import translation

    with translation.override("id"), pytest.raises(ValidationError) as caught:
        _jp(org.employee(), COACHING, D(2026, 3, 5), units=None)
    assert "Isikan jumlah sesi." in caught.value.message_dict["units"]


def test_a_kind_missing_from_the_table_is_refused(org):
    with pytest.raises(ValidationError) as caught:
        _jp(org.employee(), (T.SEMINAR, "workshop"), D(2026, 3, 5))
    assert "kind" in caught.value.message_dict


def test_records_without_activity_count_as_stated(org):
    """Records kept from before the table (no activity) are counted as they were."""
    employee = org.employee()
    record = training_record_submit(
        actor=employee.user, employee=employee, title="Lama", organiser="X",
        development_type=T.DIKLAT_TEKNIS, started_on=D(2026, 1, 5), finished_on=D(2026, 1, 5),
        jp=Decimal("7.5"),
    )  # fmt: skip
    training_record_approve(actor=org.hr, record=record)
    assert record.activity == "" and record.jp_rule is None
    assert jp_by_employee(year=2026, employee_ids=[employee.pk])[employee.pk] == Decimal("7.5")
    assert TrainingRecord.objects.get(pk=record.pk).jp == Decimal("7.5")
