"""`jp_compliance_report`, the compliance page's single pass: it must give exactly what
`jp_compliance_list` (paginated) and `jp_unit_summary` give, in a fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.paginator import Paginator

import pytest

from competencies.models import Employee, Position
from competencies.selectors.compliance import (
    ComplianceFilters,
    jp_compliance_list,
    jp_compliance_report,
    jp_unit_summary,
)
from competencies.services.records import training_record_from_course
from competencies.siasn import DevelopmentType
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db
YEAR = 2026
TARGET = 20


def _jp(employee, jp, *, year=YEAR):
    training_record_from_course(
        employee=employee, source_key=f"r:{employee.pk}:{jp}:{year}", title="Pelatihan",
        organiser="BKPSDM", development_type=DevelopmentType.E_LEARNING,
        started_on=datetime.date(year, 3, 1), finished_on=datetime.date(year, 3, 2), jp=Decimal(jp),
    )  # fmt: skip


@pytest.fixture
def staff(org):
    """Ties on JP (ordered by name), last year's hours, a sub-unit and an inactive one."""
    people = {
        "Dewi": org.employee(full_name="Dewi", unit=org.unit_a),
        "Agus": org.employee(full_name="Agus", unit=org.unit_a),
        "Citra": org.employee(full_name="Citra", unit=org.unit_b, position=org.head),
        "Bayu": org.employee(full_name="Bayu", unit=org.unit_b, golongan=31),
        "Eko": org.employee(full_name="Eko", unit=org.dinas),
        "Fajar": org.employee(full_name="Fajar", unit=org.other),
    }
    _jp(people["Dewi"], 8)
    _jp(people["Agus"], 8)
    _jp(people["Citra"], 12)
    _jp(people["Citra"], 9)
    _jp(people["Bayu"], 30, year=YEAR - 1)
    _jp(people["Fajar"], 4)
    gone = org.employee(full_name="Gita", unit=org.unit_a)
    Employee.objects.filter(pk=gone.pk).update(is_active=False)
    return people


def _report(org, *, units, page_number=1, page_size=50, **filters):
    return jp_compliance_report(
        employees=Employee.objects.all(),
        filters=ComplianceFilters(year=YEAR, **filters),
        target=TARGET,
        units=units,
        page_number=page_number,
        page_size=page_size,
    )


@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"below_target_only": False},
        {"unit": "dinas"},
        {"unit": "unit_b", "below_target_only": False},
        {"position_kind": Position.Kind.ADMINISTRATOR, "below_target_only": False},
        {"golongan": 31, "below_target_only": False},
    ],
)
def test_compliance_report_lists_what_the_listing_query_lists_in_the_same_order(
    org, staff, filters
):
    if "unit" in filters:
        filters["unit"] = getattr(org, filters["unit"])
    expected = [
        (e.full_name, e.jp)
        for e in jp_compliance_list(
            employees=Employee.objects.all(),
            filters=ComplianceFilters(year=YEAR, **filters),
            target=TARGET,
        )
    ]

    report = _report(org, units=[org.dinas, org.other], **filters)

    assert [(e.full_name, e.jp) for e in report.page.object_list] == expected
    assert report.page.paginator.count == len(expected)


def test_compliance_report_orders_ties_on_jp_by_name_and_loads_the_page_rows(org, staff):
    report = _report(org, units=[org.dinas, org.other])

    assert [(e.full_name, e.jp) for e in report.page.object_list] == [
        ("Bayu", 0),
        ("Eko", 0),
        ("Fajar", Decimal("4.0")),
        ("Agus", Decimal("8.0")),
        ("Dewi", Decimal("8.0")),
    ]
    first = report.page.object_list[0]
    assert (first.unit, first.position, first.user.email) == (
        org.unit_b,
        org.staff,
        staff["Bayu"].user.email,
    )


def test_compliance_report_pages_continue_the_order(org, staff):
    first = _report(org, units=[org.dinas], page_size=2, below_target_only=False)
    second = _report(org, units=[org.dinas], page_number=2, page_size=2, below_target_only=False)
    everyone = _report(org, units=[org.dinas], page_size=50, below_target_only=False)

    names = [e.full_name for e in everyone.page.object_list]
    assert [e.full_name for e in first.page.object_list] == names[:2]
    assert [e.full_name for e in second.page.object_list] == names[2:4]
    assert second.page.paginator.num_pages == 3


@pytest.mark.parametrize(
    ("asked", "shown"),
    [(99, 3), (10**20, 3), ("abc", 1), (None, 1), ("2.0", 1), (2, 2), (0, 3), (-2, 3)],
)
def test_a_page_past_the_last_or_not_a_number_shows_as_get_page_would(org, staff, asked, shown):
    """The page is read with its count in one query; what is shown for a page number
    out of range or not a number is what `Paginator.get_page` shows (everyone in the
    listing: six, the units only frame the summary)."""
    report = _report(
        org, units=[org.dinas], page_number=asked, page_size=2, below_target_only=False
    )
    everyone = _report(org, units=[org.dinas], page_size=50, below_target_only=False)
    names = [e.full_name for e in everyone.page.object_list]

    assert report.page.number == shown
    assert (report.page.paginator.count, report.page.paginator.num_pages) == (6, 3)
    assert report.page.number == Paginator(names, 2).get_page(asked).number
    assert [e.full_name for e in report.page.object_list] == names[(shown - 1) * 2 : shown * 2]
    assert report.page.has_next() == (shown < 3)


def test_an_empty_listing_is_one_empty_page(org, staff):
    report = _report(org, units=[org.other], unit=org.other, golongan=45, page_number=4)

    assert (report.page.number, report.page.paginator.count) == (1, 0)
    assert list(report.page.object_list) == []


def test_compliance_report_summary_equals_the_unit_summary(org, staff):
    units = [org.unit_a, org.unit_b]
    expected = jp_unit_summary(
        units=units, employees=Employee.objects.all(), year=YEAR, target=TARGET
    )

    summary = _report(org, units=units, unit=org.dinas, position_kind="x").summary

    def figures(rows):
        return [(s.unit, s.employees, s.meeting_target, s.jp_total) for s in rows]

    assert figures(summary) == figures(expected)
    assert figures(summary) == [
        (org.unit_a, 2, 0, Decimal("16.0")),
        (org.unit_b, 2, 1, Decimal("21.0")),
    ]


def test_compliance_report_takes_three_queries_whatever_the_number_of_employees(org, staff):
    reports = []

    def twelve_more_employees_with_jp():
        for i in range(12):
            _jp(org.employee(unit=org.unit_b), i)

    count = assert_constant_queries(
        lambda: reports.append(_report(org, units=[org.dinas, org.other], below_target_only=False)),
        grow=twelve_more_employees_with_jp,
        limit=3,
        warm_up=0,
    )

    assert count == 3
    assert reports[-1].page.paginator.count == reports[0].page.paginator.count + 12
