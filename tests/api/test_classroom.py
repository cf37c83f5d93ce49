"""/api/v1/classroom/: batches, sessions, participants and attendance (docs/api.md)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from lms.models import Attendance, Nomination
from tests.api.conftest import token_client
from tests.factories.competencies import EmployeeFactory
from tests.factories.lms import (
    BatchFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    SessionFactory,
)
from tests.perf.queries import assert_constant_queries, page_get

pytestmark = pytest.mark.django_db

URLS = [
    "/api/v1/classroom/batches/",
    "/api/v1/classroom/sessions/",
    "/api/v1/classroom/participants/",
    "/api/v1/classroom/attendance/",
]


def _participant(batch, session, employee, status=Attendance.Status.HADIR):
    nomination = Nomination.objects.create(
        batch=batch, employee=employee, unit=employee.unit, status=Nomination.Status.SELECTED
    )
    Attendance.objects.create(
        session=session, nomination=nomination, status=status, method=Attendance.Method.QR
    )
    return nomination


@pytest.fixture
def course(home_page):
    index = CourseIndexPageFactory(parent=home_page)
    return CoursePageFactory(parent=index, title="Pelayanan Publik Prima")


@pytest.fixture
def classes(course, agency, other_agency, employee, outsider):
    """A batch organised by Dinkes with one participant from each agency, and a batch
    organised by Disdik with only a Disdik participant."""
    ours = BatchFactory(course=course, unit=agency, number="Angkatan I")
    ours_session = SessionFactory(batch=ours, topic="Etika pelayanan")
    theirs = BatchFactory(course=course, unit=other_agency, number="Angkatan II")
    theirs_session = SessionFactory(batch=theirs, topic="Pengaduan")
    return {
        "ours": ours,
        "theirs": theirs,
        "ours_session": ours_session,
        "theirs_session": theirs_session,
        "employee": _participant(ours, ours_session, employee),
        "outsider_in_ours": _participant(ours, ours_session, outsider, Attendance.Status.ALFA),
        "outsider": _participant(theirs, theirs_session, outsider),
    }


@pytest.mark.parametrize("url", URLS)
def test_the_classroom_endpoints_need_a_token(url):
    assert APIClient().get(url).status_code == 401


def test_shapes_of_batch_session_participant_and_attendance(api, classes, employee):
    batches = api.get("/api/v1/classroom/batches/", {"status": "open"}).json()["results"]
    ours = next(b for b in batches if b["id"] == classes["ours"].pk)
    assert ours["number"] == "Angkatan I"
    assert ours["course"]["title"] == "Pelayanan Publik Prima"
    assert ours["unit"]["code"] == "DINKES"
    assert {"status", "mode", "starts_on", "quota_total", "funding", "updated_at"} <= set(ours)

    sessions = api.get("/api/v1/classroom/sessions/", {"batch": classes["ours"].pk}).json()
    [session] = sessions["results"]
    assert session["topic"] == "Etika pelayanan"
    assert session["jp"] == "2.0"
    assert session["trainers"] == []

    participants = api.get("/api/v1/classroom/participants/", {"nip": employee.user.nip}).json()[
        "results"
    ]
    [participant] = participants
    assert participant["batch_id"] == classes["ours"].pk
    assert participant["employee"]["name"] == employee.display_name
    assert participant["unit"]["code"] == "DINKES-YANKES"
    assert participant["status"] == "selected"

    rows = api.get("/api/v1/classroom/attendance/", {"batch": classes["ours"].pk}).json()
    by_status = {row["status"]: row for row in rows["results"]}
    assert set(by_status) == {"hadir", "alfa"}
    assert by_status["hadir"]["counts_as_present"] is True
    assert by_status["alfa"]["counts_as_present"] is False
    assert by_status["hadir"]["session_id"] == classes["ours_session"].pk
    assert by_status["hadir"]["participant_id"] == classes["employee"].pk


def test_a_scoped_account_sees_only_its_batches_and_its_participants(scoped_service_user, classes):
    api = token_client(scoped_service_user)

    def ids(url):
        response = api.get(url)
        assert response.status_code == 200
        return {row["id"] for row in response.json()["results"]}

    assert ids(URLS[0]) == {classes["ours"].pk}
    assert ids(URLS[1]) == {classes["ours_session"].pk}
    # The Disdik participant of the Dinkes batch is Disdik's, not Dinkes'.
    assert ids(URLS[2]) == {classes["employee"].pk}
    attendance = api.get(URLS[3]).json()["results"]
    assert [row["participant_id"] for row in attendance] == [classes["employee"].pk]
    for url, pk in [
        (URLS[0], classes["theirs"].pk),
        (URLS[1], classes["theirs_session"].pk),
        (URLS[2], classes["outsider_in_ours"].pk),
    ]:
        assert api.get(f"{url}{pk}/").status_code == 404


def test_a_batch_organised_elsewhere_is_seen_through_a_participant_in_scope(
    scoped_service_user, course, other_agency, employee
):
    batch = BatchFactory(course=course, unit=other_agency)
    session = SessionFactory(batch=batch)
    _participant(batch, session, employee)
    api = token_client(scoped_service_user)

    assert [b["id"] for b in api.get(URLS[0]).json()["results"]] == [batch.pk]
    assert [s["id"] for s in api.get(URLS[1]).json()["results"]] == [session.pk]


@pytest.mark.parametrize("url", URLS)
def test_a_page_costs_the_same_queries_whatever_its_size(api, course, division, url):
    def add_rows(n=3):
        for _ in range(n):
            batch = BatchFactory(course=course, unit=division)
            session = SessionFactory(batch=batch)
            _participant(batch, session, EmployeeFactory(unit=division))

    add_rows()
    assert_constant_queries(page_get(api, url), grow=add_rows)
