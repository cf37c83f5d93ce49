"""Classroom training on the transparency dashboard (issue 17 item 9): batches held,
participants trained and JP delivered per OPD and per programme, for finished batches,
with the dashboard's one suppression rule."""

from __future__ import annotations

import datetime
import json

from django.urls import reverse

import pytest

from lms.models import Attendance, Batch, CoursePage, Nomination
from lms.selectors.public import public_figures_compute
from tests.factories.lms import BatchFactory, CoursePageFactory, SessionFactory
from tests.lms.public.conftest import YEAR

pytestmark = pytest.mark.django_db
TARGET = 20
ENDS = datetime.date(YEAR, 6, 3)


def _batch(course, unit, *, status=Batch.Status.FINISHED, ends_on=ENDS):
    return BatchFactory(course=course, unit=unit, status=status, starts_on=ends_on, ends_on=ends_on)


def _attend(session, employee, status=Attendance.Status.HADIR):
    nomination, _ = Nomination.objects.get_or_create(
        batch=session.batch,
        employee=employee,
        defaults={"unit": employee.unit, "status": Nomination.Status.SELECTED},
    )
    Attendance.objects.create(
        session=session, nomination=nomination, status=status, method=Attendance.Method.QR
    )


def _course(course_index, title):
    return CoursePageFactory(
        parent=course_index, title=title, delivery_mode=CoursePage.DeliveryMode.KLASIKAL
    )


@pytest.fixture
def classroom(city, course_index):
    """Course X: a finished batch organised by Dinkes. Session 1 (2 JP): 6 Dinkes
    employees (some of its UPT), 2 Disdik, 1 of the tiny Kecamatan; session 2 (set to
    none: 90 minutes = 2.0 JP by default): 3 of the Dinkes ones; one Disdik employee absent.
    Course Y: a finished Disdik batch nobody attended. Not counted: a running batch, a
    cancelled one, and one that finished the year before."""
    e = city["employees"]
    x = _course(course_index, "Pelayanan Publik Prima")
    batch = _batch(x, city["big"])
    first = SessionFactory(batch=batch, jp=2)
    second = SessionFactory(batch=batch, jp=None, start_time=datetime.time(10, 0),
                            end_time=datetime.time(11, 30))  # fmt: skip
    for employee in e["big"][3:9]:
        _attend(first, employee)
    for employee in e["big"][3:6]:
        _attend(second, employee, Attendance.Status.TERLAMBAT)
    for employee in e["middle"][:2]:
        _attend(first, employee)
    _attend(first, e["middle"][2], Attendance.Status.ALFA)
    _attend(first, e["tiny"][0])
    y = _course(course_index, "Arsip Digital")
    _batch(y, city["middle"])
    for status, ends_on in [
        (Batch.Status.RUNNING, ENDS),
        (Batch.Status.CANCELLED, ENDS),
        (Batch.Status.FINISHED, ENDS.replace(year=YEAR - 1)),
    ]:
        other = SessionFactory(batch=_batch(x, city["big"], status=status, ends_on=ends_on))
        for employee in e["big"][:6]:
            _attend(other, employee)
    return {"x": x, "y": y}


def _units(figures):
    return {row["unit_code"]: row for row in figures["units"]}


def test_classroom_figures_equal_counts_from_the_rows(classroom):
    figures = public_figures_compute(year=YEAR, target=TARGET)
    units = _units(figures)

    counted = Attendance.objects.filter(
        session__batch__status=Batch.Status.FINISHED,
        session__batch__ends_on__year=YEAR,
        status__in=Attendance.PRESENT,
    )
    dinkes = counted.filter(nomination__unit__path__startswith=units_path("DINKES"))
    assert units["DINKES"]["classroom_batches"] == 1
    assert units["DINKES"]["classroom_participants"] == 6
    assert dinkes.values("nomination__employee").distinct().count() == 6
    assert units["DINKES"]["classroom_jp"] == 6 * 2 + 3 * 2.0 == 18.0
    assert units["DISDIK"]["classroom_batches"] == 1
    total = figures["total"]
    assert total["classroom_batches"] == 2
    assert total["classroom_participants"] == 9
    assert counted.values("nomination__employee").distinct().count() == 9
    assert total["classroom_jp"] == 18.0 + 2 * 2 + 1 * 2 == 24.0
    programmes = {row["course_title"]: row for row in figures["classroom_programmes"]}
    assert programmes["Pelayanan Publik Prima"] == {
        "course_title": "Pelayanan Publik Prima",
        "classroom_batches": 1,
        "classroom_participants": 9,
        "classroom_jp": 24.0,
        "suppressed": [],
    }
    assert programmes["Arsip Digital"]["classroom_batches"] == 1
    assert programmes["Arsip Digital"]["classroom_participants"] == 0


def units_path(code):
    from competencies.models import OrgUnit

    return OrgUnit.objects.get(code=code).path


def test_fewer_than_five_participants_are_suppressed_with_their_jp(classroom):
    units = _units(public_figures_compute(year=YEAR, target=TARGET))

    # Disdik: 2 participants; the Kecamatan: 1 (and fewer than 5 employees).
    for code in ("DISDIK", "KEC"):
        assert units[code]["classroom_participants"] is None
        assert units[code]["classroom_jp"] is None
        assert {"classroom_participants", "classroom_jp"} <= set(units[code]["suppressed"])
    # Batches held are not about people: shown.
    assert units["DISDIK"]["classroom_batches"] == 1


def test_a_small_programme_is_suppressed_and_cannot_be_worked_out_from_the_total(
    classroom, city, course_index
):
    z = _course(course_index, "Zonasi Kepegawaian")
    session = SessionFactory(batch=_batch(z, city["big"]))
    for employee in city["employees"]["big"][:2]:
        _attend(session, employee)

    figures = public_figures_compute(year=YEAR, target=TARGET)
    programmes = {row["course_title"]: row for row in figures["classroom_programmes"]}

    small = programmes["Zonasi Kepegawaian"]
    assert small["classroom_participants"] is None and small["classroom_jp"] is None
    assert small["classroom_batches"] == 1
    # One hidden cell in the column: the smallest other non-zero one is hidden too.
    assert programmes["Pelayanan Publik Prima"]["classroom_participants"] is None


def test_open_data_has_the_classroom_tables_and_no_personal_data(client, classroom, city):
    csv = client.get(reverse("public:data_csv"), {"tahun": YEAR, "tabel": "klasikal"})
    assert csv.status_code == 200
    text = csv.content.decode("utf-8-sig")
    assert (
        text.splitlines()[0]
        == "year,course_title,classroom_batches,classroom_participants,classroom_jp"
    )
    assert f"{YEAR},Pelayanan Publik Prima,1,9,24.0" in text
    units_csv = client.get(reverse("public:data_csv"), {"tahun": YEAR}).content.decode("utf-8-sig")
    assert "classroom_participants" in units_csv.splitlines()[0]
    payload = json.loads(client.get(reverse("public:data_json"), {"tahun": YEAR}).content)
    assert payload["classroom_programmes"][0]["course_title"] == "Arsip Digital"
    html = client.get(reverse("public:dashboard"), {"tahun": YEAR}).content.decode()
    assert "Pelayanan Publik Prima" in html

    for employee in city["employees"]["big"] + city["employees"]["middle"]:
        for body in (text, units_csv, json.dumps(payload), html):
            assert employee.full_name not in body
            assert employee.user.nip not in body
