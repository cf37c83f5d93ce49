"""The summary tables (current levels, yearly JP) equal the rules' output: kept by the
services in the same transaction as each change, rebuilt from scratch to the same rows,
and read by HR's reports with the same results as the computation."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.management import call_command
from django.utils import timezone

import pytest

from competencies.models import Assessment, CurrentLevel, Employee, EmployeeJpYear, GapCount
from competencies.selectors.compliance import (
    ComplianceFilters,
    jp_compliance_list,
    jp_compliance_report,
)
from competencies.selectors.gaps import employee_gaps, employees_below_standard, gap_heatmap
from competencies.selectors.jp import (
    employees_with_jp,
    jp_by_employee,
    jp_target_for_employee,
    jp_years_for_employee,
)
from competencies.selectors.levels import current_levels
from competencies.selectors.summaries import current_levels_summary, jp_by_employee_summary
from competencies.services.assessments import (
    assessment_approve,
    assessment_create,
    assessments_from_course_completion,
    assessments_withdraw_for_source,
)
from competencies.services.employees import (
    employee_deactivate,
    employee_reactivate,
    employee_update,
)
from competencies.services.positions import position_update
from competencies.services.records import (
    training_record_approve,
    training_record_from_course,
    training_record_submit,
    training_record_withdraw,
)
from competencies.services.summaries import (
    current_levels_sweep,
    gap_counts_rebuild,
    summaries_rebuild,
)
from competencies.siasn import DevelopmentType
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _tables() -> tuple[set, set, set]:
    return (
        set(
            CurrentLevel.objects.values_list("employee_id", "competency_id", "level", "refresh_on")
        ),
        set(EmployeeJpYear.objects.values_list("employee_id", "year", "jp")),
        _gap_counts(),
    )


def _gap_counts() -> set:
    return {
        (*row[:5], tuple(row[5]))
        for row in GapCount.objects.values_list(
            "unit_id", "competency_id", "required", "below", "gap_total", "below_ids"
        )
    }


def _below_computed(today) -> dict[int, set[int]]:
    """Who is below standard in each competency, by the rule for today."""
    below: dict[int, set[int]] = {}
    for employee_id, competency_id, _r, _c in employee_gaps(
        employees=Employee.objects.all(), as_of=today
    ):
        below.setdefault(competency_id, set()).add(employee_id)
    return below


def _course_record(employee, key, jp, finished_on):
    return training_record_from_course(
        employee=employee, source_key=key, title="Kursus", organiser="BKPSDM",
        development_type=DevelopmentType.E_LEARNING, started_on=finished_on,
        finished_on=finished_on, jp=Decimal(jp), certificate_number="",
    )  # fmt: skip


def _assessed(org, employee, competency, level, *, on, until=None):
    assessment = assessment_create(
        actor=org.hr, employee=employee, competency=competency, level=level, method="test",
        assessed_on=on, valid_until=until, submit=True,
    )  # fmt: skip
    return assessment_approve(actor=org.hr, assessment=assessment)


def _changes(org, today):
    """A series of changes through the services: assessments recorded and approved (one
    expiring, one dated in the future), external records approved, course records issued
    (a certificate) and withdrawn and restored (revoked, reissued), course evidence
    approved and withdrawn, an employee moved to another unit."""
    ani, budi, cici = (org.employee(full_name=n) for n in ("Ani", "Budi", "Cici"))
    _assessed(org, ani, org.m05, 1, on=today - 30 * DAY)
    _assessed(org, ani, org.m05, 3, on=today - DAY, until=today + 10 * DAY)
    _assessed(org, budi, org.m01, 2, on=today + 5 * DAY)  # not current yet
    _assessed(org, cici, org.t01, 2, on=today - 2 * DAY)
    record = training_record_submit(
        actor=ani.user, employee=ani, title="Bimtek", organiser="LKPP",
        development_type=DevelopmentType.DIKLAT_TEKNIS, started_on=today - 3 * DAY,
        finished_on=today - 2 * DAY, jp=Decimal("12.5"),
    )  # fmt: skip
    training_record_approve(actor=org.hr, record=record)
    issued = _course_record(budi, "enrolment:1", 4, today - DAY)  # a certificate issued
    _course_record(budi, "enrolment:2", 6, today.replace(month=1, day=1) - DAY)  # last year
    training_record_withdraw(record=issued, reason="Sertifikat dicabut")  # revoked
    restored = _course_record(cici, "enrolment:3", 8, today - DAY)
    training_record_withdraw(record=restored, reason="Sertifikat dicabut")
    training_record_from_course(  # reissued: the record counts again
        employee=cici, source_key="enrolment:3", title="Kursus", organiser="BKPSDM",
        development_type=DevelopmentType.E_LEARNING, started_on=today - DAY,
        finished_on=today - DAY, jp=Decimal(8), certificate_number="00002/BKPSDM-BTG/2026",
    )  # fmt: skip
    assessments_from_course_completion(
        employee_id=cici.pk, source_key="enrolment:3", course_title="Kursus",
        levels=[(org.m01.pk, 2)], approve=True,
    )  # fmt: skip
    assessments_from_course_completion(
        employee_id=budi.pk, source_key="enrolment:1", course_title="Kursus",
        levels=[(org.m05.pk, 4)], approve=True,
    )  # fmt: skip
    assessments_withdraw_for_source(
        employee_id=budi.pk, source_key="enrolment:1", reason="Sertifikat dicabut"
    )
    employee_update(actor=org.hr, employee=cici, unit=org.other)  # moved unit
    employee_update(actor=org.hr, employee=budi, position=org.head)  # another standard
    leaver = org.employee(full_name="Dedi", unit=org.unit_b)
    employee_deactivate(actor=org.hr, employee=leaver)  # left
    returner = org.employee(full_name="Euis", unit=org.unit_b)
    employee_deactivate(actor=org.hr, employee=returner)
    employee_reactivate(actor=org.hr, employee=returner)  # came back
    requirement = org.staff.requirements.get(competency=org.t01)
    requirement.required_level = 4  # a standard raised through the position form
    position_update(actor=org.hr, position=org.staff, changes={}, changed=True)
    return ani, budi, cici


def test_rebuilt_equals_incrementally_maintained(org, today):
    _changes(org, today)
    kept = _tables()
    assert kept[0] and kept[1]

    assert kept[2]
    CurrentLevel.objects.all().delete()
    EmployeeJpYear.objects.all().delete()
    GapCount.objects.all().delete()
    call_command("hr_summaries_rebuild", stdout=open("/dev/null", "w"))  # noqa: SIM115

    assert _tables() == kept
    # Idempotent: a second rebuild finds nothing to change.
    assert summaries_rebuild().total == 0
    assert _tables() == kept


def test_tables_hold_the_rules_output(org, today):
    people = _changes(org, today)
    ids = [p.pk for p in people]

    assert current_levels_summary(employee_ids=ids) == current_levels(employee_ids=ids)
    for person in people:
        rule = jp_target_for_employee(employee=person)
        years = {y.year: y.jp for y in jp_years_for_employee(employee=person, rule=rule)}
        assert {
            year: jp for (employee_id, year, jp) in _tables()[1] if employee_id == person.pk
        } == years
    assert jp_by_employee_summary(year=today.year, employee_ids=ids) == jp_by_employee(
        year=today.year, employee_ids=ids
    )


def test_a_level_whose_validity_ends_is_computed_afresh_then_swept(org, today):
    ani = org.employee()
    _assessed(org, ani, org.m05, 1, on=today - 30 * DAY)
    _assessed(org, ani, org.m05, 3, on=today - DAY, until=today + 10 * DAY)
    assert current_levels_summary(employee_ids=[ani.pk]) == {(ani.pk, org.m05.pk): 3}
    # Eleven days later the newer assessment has expired: the older one is current again.
    CurrentLevel.objects.update(refresh_on=today)  # as if its day had come
    Assessment.objects.filter(level=3).update(valid_until=today - DAY)

    assert current_levels_summary(employee_ids=[ani.pk]) == {(ani.pk, org.m05.pk): 1}
    assert current_levels_sweep() == 1
    assert CurrentLevel.objects.get().level == 1
    assert current_levels_sweep() == 0  # nothing left due


def test_a_future_dated_assessment_becomes_current_on_its_day(org, today):
    budi = org.employee()
    _assessed(org, budi, org.m01, 2, on=today + 5 * DAY)
    assert current_levels_summary(employee_ids=[budi.pk]) == {}
    assert CurrentLevel.objects.get().refresh_on == today + 5 * DAY
    Assessment.objects.update(assessed_on=today)  # its day has come
    CurrentLevel.objects.update(refresh_on=today)

    assert current_levels_summary(employee_ids=[budi.pk]) == {(budi.pk, org.m01.pk): 2}


# THE REPORTS: the same results as the computation ---------------------------------------


def _factory_data(org, today):
    people = _changes(org, today)
    for i in range(6):
        employee = org.employee(
            unit=(org.unit_a, org.unit_b, org.other)[i % 3], position=(org.staff, org.head)[i % 2]
        )
        _assessed(org, employee, (org.m05, org.m01, org.t01)[i % 3], 1 + i % 3, on=today - DAY)
        _course_record(employee, f"enrolment:x{i}", 5 * i, today - DAY)
    return people


def test_gap_reports_read_the_table_with_the_computations_results(org, today):
    _factory_data(org, today)
    for root in (None, org.dinas, org.unit_a):
        from_table, computed = gap_heatmap(root=root), gap_heatmap(root=root, as_of=today)
        assert from_table.cells == computed.cells
        assert from_table.competencies == computed.competencies
    everyone = Employee.objects.all()
    # The same gaps; their order is not part of the answer (every caller groups them).
    assert sorted(employee_gaps(employees=everyone)) == sorted(
        employee_gaps(employees=everyone, as_of=today)
    )


def test_the_heatmap_sums_the_gap_count_table(org, today, django_assert_max_num_queries):
    """Today's heat-map reads the gap counts (one row per unit and competency), not every employee's requirements joined to their levels: a count
    changed behind the services' back shows; the computation for today does not see it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _factory_data(org, today)
    row = GapCount.objects.get(unit=org.unit_a, competency=org.t01)
    before = gap_heatmap(root=org.dinas).cell(org.unit_a.pk, org.t01.pk)
    GapCount.objects.filter(pk=row.pk).update(below=row.below + 7)

    with CaptureQueriesContext(connection) as queries:
        cell = gap_heatmap(root=org.dinas, units=[org.dinas, org.unit_a, org.unit_b]).cell(
            org.unit_a.pk, org.t01.pk
        )
    assert cell.below == before.below + 7
    assert gap_heatmap(root=org.dinas, as_of=today).cell(org.unit_a.pk, org.t01.pk) == before
    # The counts (with the stale-row test), the competencies; no (employee, requirement)
    # join.
    assert len(queries) == 2
    assert not any("positionrequirement" in q["sql"].lower() for q in queries.captured_queries)


def _moved(org, people):
    employee_update(actor=org.hr, employee=people[0], unit=org.other)


def _new_position(org, people):
    employee_update(actor=org.hr, employee=people[1], position=org.head)


def _left(org, people):
    employee_deactivate(actor=org.hr, employee=people[0])


def _returned(org, people):
    Employee.objects.filter(pk=people[2].pk).update(is_active=False)  # left long ago
    gap_counts_rebuild()
    employee_reactivate(actor=org.hr, employee=Employee.objects.get(pk=people[2].pk))


def _joined(org, people):
    org.employee(unit=org.unit_b, position=org.head)


def _standard_raised(org, people):
    requirement = org.staff.requirements.get(competency=org.m05)
    requirement.required_level = 5
    position_update(actor=org.hr, position=org.staff, changes={}, changed=True)


def _imported_move(org, people):
    from competencies.imports.employees import employees_import
    from tests.competencies.imports.files import csv_bytes

    person = Employee.objects.select_related("user").get(pk=people[0].pk)
    report = employees_import(
        data=csv_bytes(
            ["nip", "name", "email", "kode_unit", "kode_jabatan"],
            [
                [person.user.nip, person.full_name, person.user.email, "LAIN", "HEAD"],
                ["199203152019032001", "Rina Baru", "rina.baru@uji.example", "DINAS.B", "STAFF"],
            ],
        ),
        filename="pegawai.csv", actor=None, dry_run=False,
    )  # fmt: skip
    assert report.ok, report.errors


def _imported_standard(org, people):
    from competencies.imports.positions import positions_import
    from tests.competencies.imports.files import csv_bytes

    report = positions_import(
        data=csv_bytes(
            ["kode", "nama", "jenis", "standar_kompetensi"],
            [["STAFF", org.staff.name, "pelaksana", "M.05=4; T.01=1"]],
        ),
        filename="jabatan.csv", actor=None, dry_run=False,
    )  # fmt: skip
    assert report.ok, report.errors


def _assessed_up(org, people):
    _assessed(org, people[0], org.m05, 5, on=timezone.localdate())


@pytest.mark.parametrize(
    "change",
    [
        _moved,
        _new_position,
        _left,
        _returned,
        _joined,
        _standard_raised,
        _assessed_up,
        _imported_move,
        _imported_standard,
    ],  # fmt: skip
    ids=lambda f: f.__name__.strip("_"),
)
def test_each_change_keeps_the_heatmap_equal_to_the_computation(org, today, change):
    """Right after one change through its service (nothing else refreshing the unit
    since), the heat-map from the gap counts is the computation's, for every root; and
    what was kept is what a rebuild gives."""
    people = [org.employee(unit=org.unit_a) for _n in range(3)]
    _assessed(org, people[1], org.m05, 2, on=today - DAY)

    change(org, people)

    for root in (None, org.dinas, org.unit_a, org.unit_b, org.other):
        assert gap_heatmap(root=root).cells == gap_heatmap(root=root, as_of=today).cells
    # Who is below (the plan report's target groups) too.
    everything = [org.m05.pk, org.m01.pk, org.t01.pk]
    assert employees_below_standard(competency_ids=everything) == _below_computed(today)
    kept = _gap_counts()
    assert gap_counts_rebuild().total == 0
    assert _gap_counts() == kept


def test_gap_reports_compute_an_employee_with_a_stale_level_row_afresh(org, today):
    """A level row whose `refresh_on` day has come (the daily sweep has not run yet) is
    not believed: the heat-map's sums and the gaps use the rule's level for that
    employee, exactly as the computation for today does."""
    _factory_data(org, today)
    everyone = Employee.objects.all()
    computed_gaps = sorted(employee_gaps(employees=everyone, as_of=today))
    # A gap where the employee has a level below the requirement; the table says 5.
    employee_id, competency_id, _required, _current = next(g for g in computed_gaps if g[3])
    row = CurrentLevel.objects.filter(employee_id=employee_id, competency_id=competency_id)
    row.update(level=5)
    assert sorted(employee_gaps(employees=everyone)) != computed_gaps  # the table is wrong
    row.update(refresh_on=today)  # but its day has come: computed afresh

    assert sorted(employee_gaps(employees=everyone)) == computed_gaps
    for root in (None, org.dinas, org.unit_a):
        from_table, computed = gap_heatmap(root=root), gap_heatmap(root=root, as_of=today)
        assert from_table.cells == computed.cells
    assert employees_below_standard(competency_ids=[competency_id]) == {
        competency_id: _below_computed(today)[competency_id]
    }


def test_who_is_below_standard_is_read_from_the_gap_counts(org, today):
    """The plan report's gaps come from the gap counts' lists of who is below (a list
    changed behind the services' back shows), plus the employees without a unit, whom
    the counts leave out, compared afresh. The same few queries whatever the number of
    people."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    below = org.employee(unit=org.unit_a)  # no level at all: below everywhere
    meets = org.employee(unit=org.unit_b)
    _assessed(org, meets, org.t01, 2, on=today - DAY)
    unplaced = org.employee(unit=org.unit_a)
    employee_update(actor=org.hr, employee=unplaced, unit=None)
    row = GapCount.objects.get(unit=org.unit_a, competency=org.t01)
    assert row.below_ids == [below.pk]

    with CaptureQueriesContext(connection) as queries:
        found = employees_below_standard(competency_ids=[org.t01.pk, org.m05.pk])

    assert found[org.t01.pk] == {below.pk, unplaced.pk}
    assert found[org.m05.pk] == {below.pk, meets.pk, unplaced.pk}
    assert found == {
        pk: ids for pk, ids in _below_computed(today).items() if pk in (org.t01.pk, org.m05.pk)
    }
    assert len(queries) == 2  # the lists (with the stale test); the unplaced employees' gaps
    GapCount.objects.filter(pk=row.pk).update(below_ids=[below.pk, 999_999])
    assert 999_999 in employees_below_standard(competency_ids=[org.t01.pk])[org.t01.pk]
    assert employees_below_standard(competency_ids=[]) == {}


def test_compliance_reads_the_table_with_the_computations_results(org, today):
    _factory_data(org, today)
    everyone = Employee.objects.all()
    for below_only in (True, False):
        filters = ComplianceFilters(year=today.year, below_target_only=below_only)
        listing = jp_compliance_list(employees=everyone, filters=filters, target=20)
        assert [(e.pk, e.jp) for e in listing] == [
            (e.pk, e.jp)
            for e in employees_with_jp(
                employees=everyone.filter(pk__in=[e.pk for e in listing]), year=today.year
            ).order_by("jp", "full_name", "pk")
        ]
        report = jp_compliance_report(
            employees=everyone, filters=filters, target=20, units=[org.dinas, org.other],
            page_number=1, page_size=50,
        )  # fmt: skip
        assert [(e.pk, e.jp) for e in report.page.object_list] == [(e.pk, e.jp) for e in listing]
    computed = jp_by_employee(year=today.year, employee_ids=everyone.values("pk"))
    assert jp_by_employee_summary(year=today.year, employee_ids=everyone.values("pk")) == computed


def test_the_tables_never_show_a_scoped_hr_manager_other_units(org, today, client):
    from django.urls import reverse

    _factory_data(org, today)
    outsider = Employee.objects.get(full_name="Cici")  # moved to LAIN
    client.force_login(org.scoped_hr)
    html = client.get(
        reverse("competencies_compliance_report"), {"year": today.year, "all_employees": "on"}
    ).content.decode()
    assert "Ani" in html and "Cici" not in html
    export = client.get(
        reverse("competencies_compliance_report"),
        {"year": today.year, "all_employees": "on", "export": "csv"},
    )
    body = b"".join(export.streaming_content).decode()
    assert "Ani" in body and "Cici" not in body and outsider.full_name not in body


def test_a_new_employee_without_data_has_no_rows(org):
    UserFactory()
    employee = org.employee()
    assert summaries_rebuild().total == 0
    assert current_levels_summary(employee_ids=[employee.pk]) == {}


def test_the_jp_table_refresh_reads_in_constant_queries(org, today):
    """A conversion change refreshes the JP rows of every employee with such a record
    (10,000 in the bench): one query per employee made it minutes long (issue 18, "the
    chain ≤ 10 s"). The refresh reads every employee of a batch together: its queries
    do not grow with the number of employees, nor with their years of records."""
    from competencies.services.summaries import jp_years_refresh
    from tests.perf.queries import assert_constant_queries

    people: list[Employee] = []

    def grow() -> None:
        for _n in range(3):
            person = org.employee(unit=org.unit_a)
            for year_back in range(2):
                _course_record(
                    person, f"grow-{person.pk}-{year_back}", 4,
                    today.replace(month=1, day=10) - datetime.timedelta(days=365 * year_back),
                )  # fmt: skip
            people.append(person)

    grow()
    assert_constant_queries(
        lambda: jp_years_refresh(employee_ids=[p.pk for p in people]), grow=grow
    )
    for person in people:
        rule = jp_target_for_employee(employee=person)
        assert {(y.year, y.jp) for y in jp_years_for_employee(employee=person, rule=rule)} == set(
            EmployeeJpYear.objects.filter(employee=person).values_list("year", "jp")
        )
