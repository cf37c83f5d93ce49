"""The named-people picker of a plan item: the search (JSON) finds employees by name or
NIP in the HR manager's scope only, in a fixed number of queries; the NIP list (the
path without JavaScript) names every bad NIP and refuses employees outside the scope."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

import pytest

from competencies.admin_views.development_plan import PlanItemForm
from competencies.models import DevelopmentPlanItem
from competencies.selectors.development_plan import plan_people_search

pytestmark = pytest.mark.django_db

URL = "competencies_plan_people_search"


def _search(client, user, q):
    client.force_login(user)
    response = client.get(reverse(URL), {"q": q})
    assert response.status_code == 200
    return response.json()["results"]


def test_search_finds_by_name_and_nip_with_name_nip_and_unit(client, bkpsdm, staff_a, staff_b):
    people = _search(client, bkpsdm, "b 1")
    assert people == [{"nip": staff_b[1].user.nip, "name": "B 1", "unit": "Dinas Pendidikan"}]
    nip = staff_a[2].user.nip
    spaced = f"{nip[:8]} {nip[8:14]}"
    found = _search(client, bkpsdm, spaced)
    assert staff_a[2].user.nip in [p["nip"] for p in found]


def test_search_of_a_scoped_hr_manager_never_shows_other_units(client, scoped_hr, staff_a, staff_b):
    names = [p["name"] for p in _search(client, scoped_hr, " ")]
    assert names == []  # under two characters: nothing searched
    # "19": the start of every NIP here (the birth year).
    assert [p["name"] for p in _search(client, scoped_hr, "19")] == [f"A {i}" for i in range(6)]
    assert _search(client, scoped_hr, "B 0") == []
    assert _search(client, scoped_hr, staff_b[0].user.nip) == []


def test_search_leaves_out_inactive_employees(client, bkpsdm, staff_a):
    staff_a[0].is_active = False
    staff_a[0].save(update_fields=["is_active"])
    assert _search(client, bkpsdm, "A 0") == []
    assert len(_search(client, bkpsdm, "A 1")) == 1


def test_search_is_refused_to_non_hr(client, head, staff_a):
    client.force_login(head)
    response = client.get(reverse(URL), {"q": "A 0"})
    assert response.status_code in (302, 403)
    assert b"A 0" not in response.content


def test_search_runs_three_queries_whatever_it_finds(
    bkpsdm, staff_a, staff_b, django_assert_num_queries
):
    # The role check (groups), the HR scope, the employees with user and unit.
    with django_assert_num_queries(3):
        people = plan_people_search(user=bkpsdm, query="19")
        assert sorted({e.unit.name for e in people}) == ["Dinas Kesehatan", "Dinas Pendidikan"]


def test_search_endpoint_queries_do_not_grow_with_the_results(client, bkpsdm, staff_a, staff_b):
    client.force_login(bkpsdm)
    client.get(reverse(URL), {"q": "A 0"})  # the session's first save is not the search's
    counts = []
    for q, found in (("19", 8), ("B 1", 1)):
        with CaptureQueriesContext(connection) as queries:
            assert len(client.get(reverse(URL), {"q": q}).json()["results"]) == found
        counts.append(len(queries))
    # Session, user, groups, permissions (2), Wagtail's user profile, scope, rows.
    assert counts[0] == counts[1] <= 8


def _form(user, draft, competency, nips):
    data = {
        "competency": competency.pk, "title": "Mentoring", "target_kind": "people",
        "route": "non_classical", "provider": "BKPSDM", "planned_batches": 1,
        "planned_participants": 2, "planned_jp": "10", "cost_basis": "lump_sum",
        "unit_cost": "0", "lump_sum": "0", "funding": "none", "source": "manual",
        "target_nips": nips,
    }  # fmt: skip
    return PlanItemForm(data, instance=DevelopmentPlanItem(plan=draft), user=user)


def test_nip_list_names_each_bad_nip(bkpsdm, draft, competency, staff_a):
    good = staff_a[0].user.nip
    form = _form(bkpsdm, draft, competency, f"{good}\n12345\n{'9' * 18}")
    assert not form.is_valid()
    errors = form.errors["target_nips"]
    assert "“12345” is not a NIP: a NIP has exactly 18 digits." in errors
    assert f"No employee with NIP {'9' * 18} among the employees you manage." in errors


def test_nip_list_message_in_indonesian(bkpsdm, draft, competency):
    with translation.override("id"):
        form = _form(bkpsdm, draft, competency, "12345")
        assert not form.is_valid()
        assert "“12345” bukan NIP: NIP terdiri dari tepat 18 angka." in form.errors["target_nips"]


def test_nip_list_refuses_an_employee_outside_the_scope(
    scoped_hr, draft, competency, staff_a, staff_b
):
    outside = staff_b[0].user.nip
    form = _form(scoped_hr, draft, competency, f"{staff_a[0].user.nip}\n{outside}")
    assert not form.is_valid()
    assert form.errors["target_nips"] == [
        f"No employee with NIP {outside} among the employees you manage."
    ]
    form = _form(scoped_hr, draft, competency, f"{staff_a[0].user.nip} {staff_a[1].user.nip}")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["target_nips"] == staff_a[:2]


def test_item_page_saves_named_people_and_shows_the_picker(
    client, bkpsdm, draft, competency, staff_a
):
    client.force_login(bkpsdm)
    url = reverse("competencies_plan_item_add", args=[draft.pk])
    page = client.get(url).content.decode()
    assert "data-people-picker hidden" in page and 'for="people-search"' in page
    assert reverse(URL) in page
    form = _form(bkpsdm, draft, competency, f"{staff_a[0].user.nip}\n{staff_a[1].user.nip}")
    response = client.post(url, form.data)
    assert response.status_code == 302
    item = draft.items.get()
    assert set(item.target_employees.all()) == set(staff_a[:2])
