from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

import pytest

from competencies.models import Assessment, Employee, TrainingRecord
from tests.api.conftest import make_record, token_client
from tests.factories.competencies import AssessmentFactory, CompetencyFactory, EmployeeFactory
from tests.perf.queries import assert_constant_queries, page_get

pytestmark = pytest.mark.django_db


def _all_pages(client, url, params=None):
    """Follows `next` links; returns every row."""
    rows, response = [], client.get(url, params or {})
    while True:
        assert response.status_code == 200, response.content
        body = response.json()
        rows.extend(body["results"])
        if not body["next"]:
            return rows
        response = client.get(body["next"])


def test_employees_show_hr_fields_and_nested_unit(api, employee):
    employee.birth_place = "Bontang"
    employee.save()
    row = api.get("/api/v1/employees/").json()["results"][0]

    assert row["nip"] == employee.user.nip
    assert row["display_name"] == "Rina Lestari, S.Kep."
    assert row["unit"] == {
        "id": employee.unit.pk,
        "code": "DINKES-YANKES",
        "name": "Bidang Pelayanan",
    }
    assert row["is_active"] is True
    assert "updated_at" in row
    # Tempat/tanggal lahir: the place from the record, the date read from the NIP.
    nip = employee.user.nip
    assert row["birth_place"] == "Bontang"
    assert row["birth_date"] == f"{nip[:4]}-{nip[4:6]}-{nip[6:8]}"


def test_pages_follow_updated_at_then_id_and_the_page_size_is_capped(api, division, settings):
    settings.API_PAGE_SIZE = 2
    settings.API_MAX_PAGE_SIZE = 3
    employees = [EmployeeFactory(unit=division) for _ in range(5)]
    # The same updated_at for several rows: the id breaks the tie.
    same = timezone.now() - datetime.timedelta(days=1)
    Employee.objects.filter(pk__in=[e.pk for e in employees[:3]]).update(updated_at=same)

    first = api.get("/api/v1/employees/").json()
    assert len(first["results"]) == 2
    assert len(api.get("/api/v1/employees/", {"page_size": 100}).json()["results"]) == 3

    rows = _all_pages(api, "/api/v1/employees/")
    expected = sorted(Employee.objects.all(), key=lambda e: (e.updated_at, e.pk))
    assert [r["id"] for r in rows] == [e.pk for e in expected]


def test_a_row_changed_while_paging_is_not_skipped(api, division, settings):
    settings.API_PAGE_SIZE = 2
    employees = [EmployeeFactory(unit=division) for _ in range(4)]
    first = api.get("/api/v1/employees/").json()
    # A row of the first page changes before the client asks for the second one.
    Employee.objects.filter(pk=employees[0].pk).update(updated_at=timezone.now())

    rest = _all_pages(api, first["next"])
    seen = {r["id"] for r in first["results"]} | {r["id"] for r in rest}
    assert seen == {e.pk for e in employees}


def test_updated_since_returns_only_rows_changed_since(api, employee):
    old = make_record(employee, title="Lama")
    new = make_record(employee, title="Baru")
    cutoff = timezone.now() - datetime.timedelta(hours=1)
    TrainingRecord.objects.filter(pk=old.pk).update(updated_at=cutoff - datetime.timedelta(days=2))

    response = api.get("/api/v1/training-records/", {"updated_since": cutoff.isoformat()})

    assert [r["id"] for r in response.json()["results"]] == [new.pk]


def test_updated_since_must_be_an_iso_datetime(api):
    response = api.get("/api/v1/training-records/", {"updated_since": "kemarin"})
    assert response.status_code == 400
    assert "updated_since" in response.json()


def test_training_records_filter_by_nip_year_and_status(api, employee, outsider):
    mine = make_record(employee, finished_on=datetime.date(2025, 6, 1))
    make_record(employee, finished_on=datetime.date(2026, 6, 1))
    make_record(employee, finished_on=datetime.date(2025, 7, 1), status="submitted")
    make_record(outsider, finished_on=datetime.date(2025, 6, 1))

    response = api.get(
        "/api/v1/training-records/",
        {"nip": employee.user.nip, "year": 2025, "status": "approved"},
    )

    rows = response.json()["results"]
    assert [r["id"] for r in rows] == [mine.pk]
    assert rows[0]["employee"]["nip"] == employee.user.nip
    assert rows[0]["jp"] == "24.0"
    assert rows[0]["development_type"] == 8
    assert rows[0]["development_type_name"] == "Bimbingan Teknis"


def test_a_scoped_service_account_sees_only_its_unit_subtree(
    scoped_service_user, employee, outsider
):
    make_record(employee)
    make_record(outsider)
    api = token_client(scoped_service_user)

    employees = api.get("/api/v1/employees/").json()["results"]
    records = api.get("/api/v1/training-records/").json()["results"]

    assert [e["id"] for e in employees] == [employee.pk]  # a division under its agency
    assert [r["employee"]["id"] for r in records] == [employee.pk]
    assert api.get(f"/api/v1/employees/{outsider.pk}/").status_code == 404


def test_assessments_endpoint(api, employee):
    competency = CompetencyFactory(code="T.001", name_id="Pengadaan")
    assessment = Assessment.objects.create(
        employee=employee,
        competency=competency,
        level=3,
        method=Assessment.Method.SUPERVISOR,
        assessed_on=datetime.date(2026, 2, 1),
        status=Assessment.Status.APPROVED,
    )

    rows = api.get("/api/v1/assessments/", {"competency": "T.001", "year": 2026}).json()["results"]

    assert rows == [
        {
            "id": assessment.pk,
            "employee": {
                "id": employee.pk,
                "nip": employee.user.nip,
                "name": "Rina Lestari, S.Kep.",
            },
            "competency": {"id": competency.pk, "code": "T.001", "name": "Pengadaan"},
            "level": 3,
            "method": "supervisor",
            "status": "approved",
            "assessed_on": "2026-02-01",
            "valid_until": None,
            "decided_at": None,
            "created_at": rows[0]["created_at"],
            "updated_at": rows[0]["updated_at"],
        }
    ]


def test_compliance_per_employee_per_year(api, employee, outsider, home_page):
    make_record(employee, finished_on=datetime.date(2025, 3, 1), jp=Decimal("12"))
    make_record(employee, finished_on=datetime.date(2025, 9, 1), jp=Decimal("8.5"))
    make_record(employee, finished_on=datetime.date(2024, 9, 1), jp=Decimal("40"))
    make_record(employee, finished_on=datetime.date(2025, 9, 1), status="submitted")

    rows = api.get("/api/v1/compliance/", {"year": 2025}).json()["results"]

    by_employee = {r["employee"]["id"]: r for r in rows}
    assert by_employee[employee.pk]["jp"] == "20.5"
    assert by_employee[employee.pk]["year"] == 2025
    assert by_employee[employee.pk]["target"] == 20
    assert by_employee[employee.pk]["meets_target"] is True
    assert by_employee[outsider.pk]["jp"] == "0.0"
    assert by_employee[outsider.pk]["meets_target"] is False


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/employees/",
        "/api/v1/training-records/",
        "/api/v1/assessments/",
        "/api/v1/compliance/",
        "/api/v1/siasn/kursus/",
    ],
)
def test_query_count_does_not_grow_with_rows(api, division, url, home_page):
    competency = CompetencyFactory()
    supervisor = EmployeeFactory(unit=division)

    def add_rows(n):
        for _ in range(n):
            employee = EmployeeFactory(unit=division, supervisor=supervisor)
            make_record(employee)
            AssessmentFactory(
                employee=employee, competency=competency, level=2,
                method=Assessment.Method.SELF, assessed_on=datetime.date(2026, 1, 5),
            )  # fmt: skip

    add_rows(2)
    assert_constant_queries(page_get(api, url), grow=lambda: add_rows(8))


@pytest.mark.parametrize(
    "value", ["6694-03-31T23:52:39+21:49", "9999-12-31T23:59:59-14:00", "0001-01-01T00:00:00+14:00"]
)
def test_updated_since_at_the_edges_of_the_calendar_is_no_server_error(api, value):
    assert api.get("/api/v1/training-records/", {"updated_since": value}).status_code in (200, 400)
