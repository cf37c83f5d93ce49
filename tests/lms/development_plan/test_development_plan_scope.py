"""Who may write what on the plan's realisation, the spending document, and the report's
query count staying flat as the plan and its realisation grow."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import DevelopmentPlanItem, DevelopmentPlanSpend
from competencies.selectors.development_plan import development_plan_report
from competencies.services.development_plan import plan_revise, plan_spend_add
from lms.models import Batch
from lms.services.development_plan import plan_item_batch_link, plan_item_course_set
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.factories.lms import BatchFactory, CoursePageFactory, SessionFactory
from tests.lms.development_plan.test_development_plan_realisation import _attend
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_scoped_hr_and_the_head_cannot_write(
    approved, scoped_hr, head, course_index, opd_a, spend_date
):
    item = approved.items.get()
    course = CoursePageFactory(parent=course_index)
    batch = BatchFactory(course=course, unit=opd_a)
    for user in (scoped_hr, head):
        with pytest.raises(PermissionDenied):
            plan_spend_add(
                actor=user, item=item, amount="1", spent_on=spend_date, document_number="X"
            )
        with pytest.raises(PermissionDenied):
            plan_item_batch_link(actor=user, item=item, batch=batch)
        with pytest.raises(PermissionDenied):
            plan_item_course_set(actor=user, item=item, course=course)
        with pytest.raises(PermissionDenied):
            plan_revise(actor=user, plan=approved)
    assert not DevelopmentPlanSpend.objects.exists()


def test_spending_document_is_checked_and_only_for_plan_readers(client, approved, bkpsdm, year):
    item = approved.items.get()
    url = reverse("lms_plan_item_realisation", args=[item.pk])
    data = {
        "action": "spend",
        "spend-amount": "250000",
        "spend-spent_on": f"{year}-04-01",
        "spend-document_number": "KW-1",
    }
    client.force_login(bkpsdm)
    fake = SimpleUploadedFile(
        "kuitansi.pdf", b"<html>not a pdf</html>", content_type="application/pdf"
    )
    response = client.post(url, {**data, "spend-attachment": fake})
    assert response.status_code == 200 and "attachment" in response.context["spend_form"].errors
    pdf = SimpleUploadedFile("kuitansi.pdf", b"%PDF-1.4 demo", content_type="application/pdf")
    assert client.post(url, {**data, "spend-attachment": pdf}).status_code == 302
    spend = DevelopmentPlanSpend.objects.get()
    download = client.get(reverse("competencies_plan_spend_document", args=[spend.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_report_queries_do_not_grow_with_the_plan(
    approved, bkpsdm, course_index, competency, year, spend_date
):
    def grow():
        unit = OrgUnitFactory()
        people = [EmployeeFactory(unit=unit) for _ in range(3)]
        item = DevelopmentPlanItem.objects.create(
            plan=approved, competency=competency, title="Tambahan", target_kind="people",
            route="non_classical", planned_participants=3, planned_jp=10, funding="none",
        )  # fmt: skip
        item.target_employees.set(people)
        day = datetime.date(year, 7, 1)
        batch = BatchFactory(
            course=CoursePageFactory(parent=course_index),
            unit=unit,
            status=Batch.Status.FINISHED,
            starts_on=day,
            ends_on=day,
        )
        session = SessionFactory(batch=batch, jp=3, date=day)
        for employee in people:
            _attend(session, employee)
        plan_item_batch_link(actor=bkpsdm, item=item, batch=batch)
        plan_item_course_set(actor=bkpsdm, item=item, course=CoursePageFactory(parent=course_index))
        plan_spend_add(
            actor=bkpsdm,
            item=item,
            amount="100000",
            spent_on=spend_date,
            document_number=f"D-{item.pk}",
        )

    grow()
    assert_constant_queries(lambda: development_plan_report(plan=approved), grow=grow, limit=20)
