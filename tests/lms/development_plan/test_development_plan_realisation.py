"""Realisation of the plan (batches and e-learning linked to items), the planned-vs-
realised report and its query budget, and the public figures: the same numbers as HR's
report, small cells suppressed, no personal data."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.selectors.development_plan import development_plan_report
from competencies.services.development_plan import plan_revise, plan_spend_add
from lms.models import Attendance, Batch, CoursePage, Enrolment, Nomination
from lms.selectors.development_plan import plan_public_figures_compute
from lms.services.development_plan import plan_item_batch_link, plan_item_course_set
from tests.factories.lms import BatchFactory, CoursePageFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


def _attend(session, employee):
    nomination, _ = Nomination.objects.get_or_create(
        batch=session.batch,
        employee=employee,
        defaults={"unit": employee.unit, "status": Nomination.Status.SELECTED},
    )
    Attendance.objects.create(
        session=session, nomination=nomination, status=Attendance.Status.HADIR,
        method=Attendance.Method.QR,
    )  # fmt: skip


@pytest.fixture
def delivered(approved, bkpsdm, course_index, staff_a, staff_b, opd_a, year, spend_date):
    """A finished batch linked to the item, attended by five of OPD A (2 JP each); the
    item's e-learning course (4 JP) completed this year by one employee of OPD B; two
    spending entries."""
    item = approved.items.get()
    course = CoursePageFactory(
        parent=course_index, title="Bimtek", delivery_mode=CoursePage.DeliveryMode.KLASIKAL
    )
    day = datetime.date(year, 5, 4)
    batch = BatchFactory(
        course=course, unit=opd_a, status=Batch.Status.FINISHED, starts_on=day, ends_on=day
    )
    session = SessionFactory(batch=batch, jp=2, date=day)
    for employee in staff_a[:5]:
        _attend(session, employee)
    plan_item_batch_link(actor=bkpsdm, item=item, batch=batch)
    elearning = CoursePageFactory(parent=course_index, title="E-learning", jp_hours=Decimal(4))
    EnrolmentFactory(
        course=elearning, user=staff_b[0].user, status=Enrolment.Status.COMPLETED,
        completed_at=timezone.make_aware(datetime.datetime(year, 6, 1, 10)),  # noqa: DTZ001
    )  # fmt: skip
    plan_item_course_set(actor=bkpsdm, item=item, course=elearning)
    plan_spend_add(
        actor=bkpsdm, item=item, amount="6000000", spent_on=spend_date, document_number="SP2D-1"
    )
    plan_spend_add(
        actor=bkpsdm, item=item, amount="3000000", spent_on=spend_date, document_number="SP2D-2"
    )
    return item


def test_report_counts_linked_batches_completions_and_spending(delivered, approved, opd_a, opd_b):
    report = development_plan_report(plan=approved)
    row = report.items[0]
    assert (row.batches_held, row.participants, row.jp_delivered) == (1, 6, Decimal(14))
    assert row.spent == Decimal("9000000") and row.planned_cost == Decimal("9000000")
    assert row.cost_per_participant == Decimal(1500000)
    by_opd = {r.unit: r for r in report.opds}
    assert (by_opd[opd_a].participants, by_opd[opd_a].jp_delivered) == (5, Decimal(10))
    assert (by_opd[opd_b].participants, by_opd[opd_b].jp_delivered) == (1, Decimal(4))
    assert by_opd[opd_a].spent == Decimal("9000000")
    assert report.total.participants == 6


def test_sessions_without_their_own_jp_count_their_minutes(delivered, approved, staff_a, opd_a):
    """The attendance is summed in the database per participant; a session without JP of
    its own is worth its minutes / 45 (session_jp), each session once per participant."""
    batch = Batch.objects.get(plan_item_link__isnull=False)
    day = batch.starts_on
    # 90 minutes: 2 JP by default; 30 minutes: 0.7 JP.
    long_session = SessionFactory(batch=batch, jp=None, date=day, start_time=datetime.time(10),
                                  end_time=datetime.time(11, 30))  # fmt: skip
    short_session = SessionFactory(batch=batch, jp=None, date=day, start_time=datetime.time(13),
                                   end_time=datetime.time(13, 30))  # fmt: skip
    for employee in staff_a[:2]:
        _attend(long_session, employee)
        _attend(short_session, employee)
    _attend(long_session, staff_a[2])

    report = development_plan_report(plan=approved)

    # Before: 5 × 2 JP in the batch and 4 JP of e-learning; now 2 × 2.7 + 1 × 2 more.
    row = report.items[0]
    assert row.participants == 6
    assert row.jp_delivered == Decimal(14) + Decimal("5.4") + Decimal(2)
    by_opd = {r.unit: r for r in report.opds}
    assert by_opd[opd_a].jp_delivered == Decimal(10) + Decimal("7.4")


def test_someone_counted_by_the_batch_and_the_course_is_one_participant(
    delivered, approved, staff_a, opd_a, year
):
    """A participant of the linked batch who also completes the item's course outside
    any batch: one participant of the item and of their OPD, with both JP."""
    elearning = CoursePage.objects.get(title="E-learning")
    EnrolmentFactory(
        course=elearning, user=staff_a[0].user, status=Enrolment.Status.COMPLETED,
        completed_at=timezone.make_aware(datetime.datetime(year, 7, 1, 10)),  # noqa: DTZ001
    )  # fmt: skip

    report = development_plan_report(plan=approved)

    row = report.items[0]
    assert (row.participants, row.jp_delivered) == (6, Decimal(18))
    by_opd = {r.unit: r for r in report.opds}
    assert (by_opd[opd_a].participants, by_opd[opd_a].jp_delivered) == (5, Decimal(14))
    assert report.total.participants == 6


def test_realisation_follows_the_item_into_a_revision(delivered, approved, bkpsdm):
    revision = plan_revise(actor=bkpsdm, plan=approved)
    row = development_plan_report(plan=revision).items[0]
    assert (row.participants, row.spent) == (6, Decimal("9000000"))


def test_batch_link_refuses_another_year_and_a_second_item(
    approved, bkpsdm, course_index, opd_a, year
):
    course = CoursePageFactory(parent=course_index)
    old = BatchFactory(
        course=course,
        unit=opd_a,
        starts_on=datetime.date(year - 1, 3, 1),
        ends_on=datetime.date(year - 1, 3, 2),
    )
    with pytest.raises(ValidationError, match="outside the plan year"):
        plan_item_batch_link(actor=bkpsdm, item=approved.items.get(), batch=old)


def test_report_stays_within_twenty_queries(delivered, approved, django_assert_max_num_queries):
    with django_assert_max_num_queries(20):
        development_plan_report(plan=approved)


def test_public_figures_equal_hr_report(delivered, approved, year):
    report = development_plan_report(plan=approved)
    public = plan_public_figures_compute(year=year)
    item, row = public["items"][0], report.items[0]
    assert item["participants"] == row.participants
    assert item["spent"] == int(row.spent)
    assert item["planned_cost"] == int(row.planned_cost)
    assert item["jp_delivered"] == float(row.jp_delivered)
    assert item["cost_per_participant"] == int(row.cost_per_participant)
    assert item["cost_per_jp"] == int(row.cost_per_jp)
    assert item["below_standard_at_plan"] == row.below_at_plan == 6
    assert item["target_size"] == row.target_size == 6
    assert public["total"]["spent"] == int(report.total.spent)


def test_public_figures_suppress_small_cells(approved, bkpsdm, staff_a, competency, year):
    from competencies.models import Assessment
    from tests.factories.competencies import AssessmentFactory

    AssessmentFactory(
        employee=staff_a[0], competency=competency, level=3, status=Assessment.Status.APPROVED
    )
    public = plan_public_figures_compute(year=year)
    item = public["items"][0]
    # One gap closed: a single person's progress is not published, nor what derives from it.
    assert item["gaps_closed"] is None and "gaps_closed" in item["suppressed"]
    # No participants (0 is not small) and money is not about people.
    assert item["participants"] == 0 and item["planned_cost"] == 9000000
    assert item["cost_per_participant"] is None and "cost_per_participant" not in item["suppressed"]
    # Exactly one item hides gaps_closed: the total would reveal it, so it is hidden too.
    assert public["total"]["gaps_closed"] is None


def test_public_pages_show_the_plan_without_personal_data(
    delivered, approved, client, year, staff_a
):
    page = client.get(reverse("public:dashboard"), {"tahun": year})
    assert page.status_code == 200
    assert "Bimtek pelayanan publik" in page.content.decode()
    data = json.loads(client.get(reverse("public:data_json"), {"tahun": year}).content)
    plan = data["development_plan"]
    assert plan["items"][0]["spent"] == 9000000
    text = json.dumps(plan)
    for employee in staff_a:
        assert employee.full_name not in text and employee.user.nip not in text
    csv = client.get(
        reverse("public:data_csv"), {"tahun": year, "tabel": "rencana"}
    ).content.decode("utf-8-sig")
    assert csv.splitlines()[0].startswith("year,item,competency")
    assert "TOTAL" in csv.splitlines()[-1]
    assert "target_size" in client.get(reverse("public:data_dictionary")).content.decode()


def test_public_dashboard_without_a_plan_says_so(client, db):
    page = client.get(reverse("public:dashboard"))
    assert page.status_code == 200
