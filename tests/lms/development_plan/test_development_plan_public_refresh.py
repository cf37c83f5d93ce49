"""The public figures of the plan (transparency dashboard, open data) are cached for a
quarter of an hour, but an approval, a realisation link, a spending entry, a completion in
a linked course and a linked batch finished show on the very next request: each bumps the
figures' version, at once and again on commit."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from competencies.models.development_plan import PUBLIC_FIGURES_VERSION_KEY
from competencies.services.development_plan import (
    plan_approve,
    plan_item_save,
    plan_spend_add,
    plan_spend_cancel,
    plan_submit,
)
from config import request_cache
from lms.models import Batch, Enrolment
from lms.services.classroom import batch_status_change
from lms.services.development_plan import plan_item_batch_link, plan_item_course_set
from lms.services.enrolments import enrolment_completion_check
from tests.competencies.development_plan.conftest import make_item
from tests.factories.lms import BatchFactory, CoursePageFactory, EnrolmentFactory

pytestmark = pytest.mark.django_db


def _plan(client, year):
    data = json.loads(client.get(reverse("public:data_json"), {"tahun": year}).content)
    return data["development_plan"]


def test_approval_shows_on_the_dashboard_at_the_next_request(
    client, draft, bkpsdm, head, competency, opd_a, staff_a, year
):
    plan_item_save(actor=bkpsdm, item=make_item(draft, competency=competency, target_unit=opd_a))
    plan_submit(actor=bkpsdm, plan=draft)
    page = client.get(reverse("public:dashboard"), {"tahun": year}).content.decode()
    assert "Bimtek pelayanan publik" not in page  # submitted only: nothing public, cached

    plan_approve(actor=head, plan=draft)

    page = client.get(reverse("public:dashboard"), {"tahun": year}).content.decode()
    assert "Bimtek pelayanan publik" in page
    assert _plan(client, year)["items"][0]["item"] == "Bimtek pelayanan publik"


def test_spending_added_and_cancelled_changes_the_public_total(
    client, approved, bkpsdm, spend_date, year
):
    item = approved.items.get()
    assert _plan(client, year)["total"]["spent"] == 0

    spend = plan_spend_add(
        actor=bkpsdm, item=item, amount="6000000", spent_on=spend_date, document_number="SP2D-1"
    )
    assert _plan(client, year)["total"]["spent"] == 6000000
    plan_spend_add(
        actor=bkpsdm, item=item, amount="2500000", spent_on=spend_date, document_number="SP2D-2"
    )
    assert _plan(client, year)["total"]["spent"] == 8500000

    plan_spend_cancel(actor=bkpsdm, spend=spend, reason="Salah ketik")
    assert _plan(client, year)["total"]["spent"] == 2500000


def test_course_link_and_unlink_change_the_public_participants(
    client, approved, bkpsdm, course_index, staff_a, year
):
    item = approved.items.get()
    course = CoursePageFactory(parent=course_index, title="E-learning", jp_hours=Decimal(4))
    done = timezone.make_aware(datetime.datetime(year, 1, 2, 10))  # noqa: DTZ001
    for employee in staff_a[:5]:
        EnrolmentFactory(
            course=course, user=employee.user, status=Enrolment.Status.COMPLETED, completed_at=done
        )
    assert _plan(client, year)["total"]["participants"] == 0

    plan_item_course_set(actor=bkpsdm, item=item, course=course)
    assert _plan(client, year)["total"]["participants"] == 5

    plan_item_course_set(actor=bkpsdm, item=item, course=None)
    assert _plan(client, year)["total"]["participants"] == 0


def test_the_version_is_bumped_again_when_the_transaction_commits(
    approved, bkpsdm, spend_date, django_capture_on_commit_callbacks
):
    item = approved.items.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan_spend_add(
            actor=bkpsdm, item=item, amount="1000", spent_on=spend_date, document_number="X-1"
        )
    before = request_cache.version(PUBLIC_FIGURES_VERSION_KEY)
    for callback in callbacks:
        callback()
    assert request_cache.version(PUBLIC_FIGURES_VERSION_KEY) != before


def test_a_completion_in_the_linked_course_shows_at_the_next_request(
    client, approved, bkpsdm, course_index, staff_a, year
):
    """The learner's completion goes through the completion engine, not a link or a
    spending entry: it too bumps the version when the course serves a plan item."""
    item = approved.items.get()
    course = CoursePageFactory(
        parent=course_index, title="E-learning", jp_hours=Decimal(4), evaluation_required=False
    )
    plan_item_course_set(actor=bkpsdm, item=item, course=course)
    enrolments = [EnrolmentFactory(course=course, user=e.user) for e in staff_a[:5]]
    assert _plan(client, year)["total"]["participants"] == 0  # cached now

    for enrolment in enrolments:  # five: fewer would be a suppressed small cell
        enrolment = enrolment_completion_check(enrolment=enrolment)
        assert enrolment.status == Enrolment.Status.COMPLETED

    assert _plan(client, year)["total"]["participants"] == 5


def test_a_completion_in_a_course_serving_no_item_leaves_the_version(
    approved, course_index, staff_a
):
    course = CoursePageFactory(parent=course_index, title="Lain", evaluation_required=False)
    enrolment = EnrolmentFactory(course=course, user=staff_a[0].user)
    before = request_cache.version(PUBLIC_FIGURES_VERSION_KEY)
    enrolment = enrolment_completion_check(enrolment=enrolment)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert request_cache.version(PUBLIC_FIGURES_VERSION_KEY) == before


def test_finishing_a_linked_batch_shows_the_batch_held_at_the_next_request(
    client, approved, bkpsdm, course_index, opd_a, year
):
    item = approved.items.get()
    course = CoursePageFactory(parent=course_index, title="Bimtek klasikal")
    day = datetime.date(year, 1, 5)
    batch = BatchFactory(
        course=course, unit=opd_a, status=Batch.Status.RUNNING, starts_on=day, ends_on=day
    )
    plan_item_batch_link(actor=bkpsdm, item=item, batch=batch)
    assert _plan(client, year)["total"]["batches_held"] == 0  # cached now

    batch_status_change(batch=batch, actor=bkpsdm, status=Batch.Status.FINISHED)

    assert _plan(client, year)["total"]["batches_held"] == 1
