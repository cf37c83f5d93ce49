"""HR screens: saved rules (scoped, preview count, confirmed delete), the assignment form's
scoped choices and pickers, and constant query counts on the listing and the team page."""

from __future__ import annotations

import datetime

from django.urls import reverse

from wagtail.admin.widgets import AdminPageChooser

import pytest

from accounts.roles import Role
from competencies.models import Position
from lms.models import Assignment, AssignmentRule
from lms.services.assignments import assignment_create
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    EmployeeFactory,
    PositionFactory,
    PositionRequirementFactory,
)
from tests.factories.lms import AssignmentRuleFactory, CoursePageFactory
from tests.perf.queries import assert_constant_queries, page_get

pytestmark = pytest.mark.django_db


# SAVED RULES -------------------------------------------------------------------------


def test_scoped_hr_sees_only_rules_inside_their_subtree(client, scoped_hr, unit, other_unit):
    AssignmentRuleFactory(name="Mine", unit=unit)
    AssignmentRuleFactory(name="Theirs", unit=other_unit)
    AssignmentRuleFactory(name="Everyone")
    client.force_login(scoped_hr)
    page = client.get(reverse("lms_assignment_rules"))
    assert [r.name for r, _d in page.context["rows"]] == ["Mine"]
    theirs = AssignmentRule.objects.get(name="Theirs")
    assert client.get(reverse("lms_assignment_rule_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("lms_assignment_rule_delete", args=[theirs.pk])).status_code == 404
    assert AssignmentRule.objects.filter(pk=theirs.pk).exists()


def test_rule_create_previews_the_matching_employees_then_saves(
    client, scoped_hr, unit, subunit, other_unit
):
    EmployeeFactory(unit=unit, golongan=31)
    EmployeeFactory(unit=subunit, golongan=31)
    EmployeeFactory(unit=subunit, golongan=32)
    EmployeeFactory(unit=other_unit, golongan=31)
    client.force_login(scoped_hr)
    data = {"name": "III/a Dinkes", "unit": unit.pk, "include_subunits": "on", "golongan": 31}
    url = reverse("lms_assignment_rule_create")
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["preview"] == 2
    assert not AssignmentRule.objects.exists()

    response = client.post(url, {**data, "save": "1"})
    assert response.status_code == 302
    assert AssignmentRule.objects.get().golongan == 31


def test_scoped_hr_cannot_save_a_rule_outside_their_units(client, scoped_hr, other_unit):
    client.force_login(scoped_hr)
    url = reverse("lms_assignment_rule_create")
    response = client.post(url, {"name": "x", "unit": other_unit.pk, "save": "1"})
    assert response.status_code == 200
    assert "unit" in response.context["form"].errors
    response = client.post(url, {"name": "x", "save": "1"})  # no unit: the whole city
    assert "unit" in response.context["form"].errors
    assert not AssignmentRule.objects.exists()


def test_rule_delete_asks_first_and_refuses_a_rule_in_use(client, hr, course, unit):
    unused = AssignmentRuleFactory(name="Unused", unit=unit)
    used = AssignmentRuleFactory(name="Used", unit=unit)
    assignment_create(
        actor=hr, course=course, target_type=Assignment.Target.RULE, rule=used, due_days=30
    )
    client.force_login(hr)
    confirm = client.get(reverse("lms_assignment_rule_delete", args=[unused.pk]))
    assert confirm.status_code == 200
    assert AssignmentRule.objects.filter(pk=unused.pk).exists()
    client.post(reverse("lms_assignment_rule_delete", args=[unused.pk]))
    assert not AssignmentRule.objects.filter(pk=unused.pk).exists()

    client.post(reverse("lms_assignment_rule_delete", args=[used.pk]))
    assert AssignmentRule.objects.filter(pk=used.pk).exists()


# ASSIGNMENT FORM -------------------------------------------------------------------------


def _pickers(body: str) -> dict[str, bool]:
    """{target kind: shown} from the wrappers' data-target-picker / hidden attributes."""
    import re

    return {
        kind: "hidden" not in attrs
        for kind, attrs in re.findall(r'data-target-picker="([a-z_]+)"([^>]*)>', body)
    }


def test_assignment_form_shows_only_the_picker_of_the_chosen_target(client, hr):
    client.force_login(hr)
    url = reverse("lms_assignment_create")

    first = client.get(url).content.decode()
    chosen = client.get(url, {"target_type": "units"}).content.decode()
    after_error = client.post(url, {"target_type": "positions"}).content.decode()

    shown = {k for k, v in _pickers(first).items() if v}
    assert shown == {"employees"}  # the first kind in the list
    assert set(_pickers(first)) == {"employees", "units", "positions", "position_kinds", "rule"}
    assert {k for k, v in _pickers(chosen).items() if v} == {"units"}
    assert {k for k, v in _pickers(after_error).items() if v} == {"positions"}
    # Without JavaScript a button reloads the form for the chosen kind; the script
    # (lms/js/target-picker.js) switches at once and hides that button.
    assert 'formmethod="get"' in first and "lms/js/target-picker.js" in first


def test_assignment_form_names_only_what_is_in_the_hr_scope(client, scoped_hr, unit, other_unit):
    mine = PositionFactory(name="Perawat Dinkes", unit=unit)
    theirs = PositionFactory(name="Guru Disdik", unit=other_unit)
    general = PositionFactory(name="Pengadministrasi Umum")
    AssignmentRuleFactory(name="Rule Dinkes", unit=unit)
    AssignmentRuleFactory(name="Rule Disdik", unit=other_unit)
    EmployeeFactory(unit=other_unit, full_name="Budi Disdik")
    client.force_login(scoped_hr)

    response = client.get(reverse("lms_assignment_create"))

    form = response.context["form"]
    assert set(form.fields["positions"].queryset) == {mine, general}
    assert theirs not in form.fields["positions"].queryset
    assert [r.name for r in form.fields["rule"].queryset] == ["Rule Dinkes"]
    body = response.content.decode()
    assert "Guru Disdik" not in body and "Rule Disdik" not in body and "Budi Disdik" not in body
    # The course is chosen with Wagtail's page chooser; employees get a search box.
    assert isinstance(form.fields["course"].widget, AdminPageChooser)
    assert "data-select-filter" in body
    assert "lms/js/select-filter.js" in body


# QUERY COUNTS ---------------------------------------------------------------------------


# Today's counts on SQLite. The team page is a supervisor's page, not one of the learner
# pages that LEARNER_PAGE_LIMIT covers.
LISTING_LIMIT = 16
TEAM_LIMIT = 12


def test_assignment_listing_query_count_is_constant(client, hr, course, course_index, unit):
    client.force_login(hr)
    employee = EmployeeFactory(unit=unit)

    def assign():
        assignment_create(
            actor=hr,
            course=CoursePageFactory(parent=course_index),
            target_type=Assignment.Target.EMPLOYEES,
            employees=[employee],
            due_days=30,
        )

    for _ in range(2):
        assign()

    assert_constant_queries(
        page_get(client, reverse("lms_assignments")),
        grow=lambda: [assign() for _ in range(6)],
        limit=LISTING_LIMIT,
    )


def test_team_page_query_count_is_constant_as_reports_grow(client, course, unit):
    boss = EmployeeFactory(unit=unit, user=UserFactory(roles=[Role.ATASAN]))
    position = PositionFactory(kind=Position.Kind.PELAKSANA)
    PositionRequirementFactory(position=position, required_level=3)
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])

    def add_reports(n):
        reports = [EmployeeFactory(unit=unit, supervisor=boss, position=position) for _ in range(n)]
        assignment_create(
            actor=hr,
            course=course,
            target_type=Assignment.Target.EMPLOYEES,
            employees=reports,
            due_on=datetime.date(2030, 1, 31),
        )

    add_reports(2)
    client.force_login(boss.user)
    team_page = page_get(client, reverse("lms:team"))

    assert_constant_queries(team_page, grow=lambda: add_reports(5), limit=TEAM_LIMIT)
    assert [m.gaps for m in team_page().context["members"]] == [1] * 7
