"""The admin pages of the plan: preparing, the lock after approval, the approver's
decision, the report's exports, spending with bad input, and who may do what."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.urls import reverse

import pytest

from competencies.models import DevelopmentPlan, DevelopmentPlanItem, DevelopmentPlanSpend
from tests.pdfa import pdfa_problems

from .conftest import make_item

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_admin(head):
    head.user_permissions.add(
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin")
    )
    return head


def _item_data(competency, unit, **extra):
    data = {
        "competency": competency.pk, "title": "Bimtek", "target_kind": "unit",
        "target_unit": unit.pk, "route": "classical", "provider": "BPSDM",
        "planned_batches": 1, "planned_participants": 6, "planned_jp": "24",
        "cost_basis": "per_participant", "unit_cost": "1500000", "lump_sum": "0",
        "funding": "apbd", "source": "manual", "target_nips": "",
    }  # fmt: skip
    data.update(extra)
    return data


def test_bkpsdm_prepares_and_submits_a_plan(client, bkpsdm, competency, opd_a, staff_a, year):
    client.force_login(bkpsdm)
    response = client.post(reverse("competencies_plan_list"), {"year": year})
    plan = DevelopmentPlan.objects.get(year=year)
    assert response.status_code == 302
    response = client.post(
        reverse("competencies_plan_item_add", args=[plan.pk]), _item_data(competency, opd_a)
    )
    assert response.status_code == 302, response.context["form"].errors
    assert plan.items.get().planned_cost == 9000000
    client.post(reverse("competencies_plan_action", args=[plan.pk, "submit"]))
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.SUBMITTED


def test_item_form_shows_bad_amounts_and_saves_nothing(client, bkpsdm, draft, competency, opd_a):
    client.force_login(bkpsdm)
    response = client.post(
        reverse("competencies_plan_item_add", args=[draft.pk]),
        _item_data(competency, opd_a, unit_cost="-100"),
    )
    assert response.status_code == 200
    assert "unit_cost" in response.context["form"].errors
    assert not DevelopmentPlanItem.objects.exists()


def test_build_from_gaps_adds_the_ticked_lines(client, bkpsdm, draft, opd_a, competency, staff_a):
    client.force_login(bkpsdm)
    page = client.get(reverse("competencies_plan_build", args=[draft.pk]))
    assert page.status_code == 200 and len(page.context["candidates"]) == 1
    client.post(
        reverse("competencies_plan_build", args=[draft.pk]),
        {"candidate": [f"{opd_a.pk}:{competency.pk}"]},
    )
    assert draft.items.get().planned_participants == 6


def test_editing_an_approved_plan_is_refused_with_a_message(
    client, bkpsdm, approved, competency, opd_a
):
    client.force_login(bkpsdm)
    item = approved.items.get()
    response = client.post(
        reverse("competencies_plan_item_edit", args=[approved.pk, item.pk]),
        _item_data(competency, opd_a, title="Changed"),
        follow=True,
    )
    assert "locked" in response.content.decode() or "dikunci" in response.content.decode()
    item.refresh_from_db()
    assert item.title == "Bimtek pelayanan publik"


def test_head_of_agency_approves_and_bkpsdm_cannot(
    client, bkpsdm, head_admin, draft, competency, opd_a, staff_a
):
    client.force_login(bkpsdm)
    client.post(
        reverse("competencies_plan_item_add", args=[draft.pk]), _item_data(competency, opd_a)
    )
    client.post(reverse("competencies_plan_action", args=[draft.pk, "submit"]))
    client.post(reverse("competencies_plan_action", args=[draft.pk, "approve"]))
    draft.refresh_from_db()
    assert draft.status == DevelopmentPlan.Status.SUBMITTED
    client.force_login(head_admin)
    assert client.get(reverse("competencies_plan_detail", args=[draft.pk])).context["can_decide"]
    client.post(reverse("competencies_plan_action", args=[draft.pk, "approve"]))
    draft.refresh_from_db()
    assert draft.status == DevelopmentPlan.Status.APPROVED and draft.approved_by == head_admin


def test_scoped_hr_reads_but_does_not_prepare(client, scoped_hr, approved, year):
    client.force_login(scoped_hr)
    assert client.get(reverse("competencies_plan_detail", args=[approved.pk])).status_code == 200
    assert client.get(reverse("competencies_plan_report", args=[approved.pk])).status_code == 200
    client.post(reverse("competencies_plan_action", args=[approved.pk, "revise"]))
    assert DevelopmentPlan.objects.count() == 1


@pytest.mark.parametrize(
    ("export", "start"), [("csv", b"\xef\xbb\xbf"), ("xlsx", b"PK"), ("pdf", b"%PDF")]
)
def test_report_exports(client, bkpsdm, approved, export, start):
    client.force_login(bkpsdm)
    response = client.get(
        reverse("competencies_plan_report", args=[approved.pk]), {"export": export}
    )
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert body.startswith(start)
    if export == "pdf":
        assert pdfa_problems(body) == []


def test_spend_form_refuses_bad_amounts_and_dates(client, bkpsdm, approved, year):
    client.force_login(bkpsdm)
    item = approved.items.get()
    url = reverse("lms_plan_item_realisation", args=[item.pk])
    base = {"action": "spend", "spend-document_number": "SP2D-9", "spend-spent_on": f"{year}-02-01"}
    for amount in ("-5", "abc", "999.999.999.999.999"):
        response = client.post(url, {**base, "spend-amount": amount})
        assert response.status_code == 200 and response.context["spend_form"].errors
    response = client.post(
        url, {**base, "spend-amount": "1.500.000", "spend-spent_on": f"{year + 1}-01-02"}
    )
    assert "spent_on" in response.context["spend_form"].errors
    assert not DevelopmentPlanSpend.objects.exists()
    response = client.post(url, {**base, "spend-amount": "1.500.000"})
    assert response.status_code == 302
    assert DevelopmentPlanSpend.objects.get().amount == 1500000


def test_the_head_of_agency_finds_the_plans_in_the_admin_menu(client, head_admin):
    client.force_login(head_admin)
    page = client.get(reverse("wagtailadmin_home"))
    assert reverse("competencies_plan_list") in page.content.decode()


def test_report_page_shows_the_items_a_page_at_a_time_with_the_whole_plans_totals(
    client, bkpsdm, draft, competency, opd_a
):
    """Fifty items a page; the total row and the OPD table are of every item, and the
    exports carry them all."""
    from competencies.admin_views.development_plan import REPORT_COLUMNS, REPORT_ITEMS_PER_PAGE
    from competencies.services.development_plan import plan_item_save

    for number in range(REPORT_ITEMS_PER_PAGE + 3):
        plan_item_save(
            actor=bkpsdm,
            item=make_item(
                draft, competency=competency, target_unit=opd_a, title=f"Item {number:03}"
            ),
        )
    client.force_login(bkpsdm)
    url = reverse("competencies_plan_report", args=[draft.pk])

    first, last = client.get(url), client.get(url, {"p": 2})

    assert len(first.context["items"]) == REPORT_ITEMS_PER_PAGE
    assert [label for _r, label, _v in last.context["items"]] == [
        f"Item {n:03} ({competency.code})" for n in range(50, 53)
    ]
    assert first.context["total"] == last.context["total"]
    planned_participants = REPORT_COLUMNS.index("planned_participants")
    assert first.context["total"][planned_participants] == str(6 * (REPORT_ITEMS_PER_PAGE + 3))
    assert "Item 052" not in first.content.decode() and "Item 052" in last.content.decode()
    assert "51–53" in last.content.decode()  # "Items 51–53 of 53", in the admin's language
    csv = b"".join(client.get(url, {"export": "csv"}).streaming_content).decode("utf-8-sig")
    assert "Item 000" in csv and "Item 052" in csv
