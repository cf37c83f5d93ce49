"""The yearly development cycle in the browser (issue 18, docs/idp.md and
docs/development-plan.md): an employee starts the IDP (goals prefilled from the gaps),
adds a course and proposes it, the supervisor agrees → BKPSDM starts the agency's plan
and builds it from the gaps (the IDP goal is among the sources), links the item's
e-learning course and submits → the head of agency approves → the employee completes
the course → HR sees the completion in the planned-vs-realised report and enters a
spending entry → the public transparency dashboard shows the approved plan, the new
participant count and the money spent on the very next request (no cache wait).

Prerequisite data only is written with the ORM: a perangkat daerah, a position requiring
a competency that nobody holds yet, the employee and their supervisor, BKPSDM, the head
of agency, a one-lesson course that develops the competency, and four colleagues who
completed that course earlier this year (with the employee, five: a count the public
dashboard shows instead of suppressing it). No demo data: this module provides
`demo_logins` itself."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from tests.e2e.helpers import expect, force_sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE = "Pelayanan Publik Prima (uji e2e)"


@pytest.fixture
def demo_logins(live_server, settings, home_page):
    """Overrides the conftest's demo data: this journey makes its own (see the module)."""
    settings.WAGTAILADMIN_BASE_URL = live_server.url
    return {}


def _people_and_course(home_page):
    from django.contrib.auth.models import Permission

    from accounts.roles import Role
    from lms.models import CourseCompetency, Enrolment
    from tests.factories.accounts import UserFactory
    from tests.factories.competencies import (
        CompetencyFactory,
        EmployeeFactory,
        OrgUnitFactory,
        PositionFactory,
        PositionRequirementFactory,
    )
    from tests.factories.lms import (
        CourseIndexPageFactory,
        CoursePageFactory,
        EnrolmentFactory,
        LessonPageFactory,
    )

    unit = OrgUnitFactory(name="Dinas Kependudukan", code="DUKCAPIL")
    competency = CompetencyFactory(code="T.901", name_id="Pelayanan publik prima")
    position = PositionFactory(name="Analis Pelayanan")
    PositionRequirementFactory(position=position, competency=competency, required_level=3)
    supervisor = EmployeeFactory(
        unit=unit, position=position, full_name="Budi Kepala Seksi", user__roles=[Role.ATASAN]
    )
    employee = EmployeeFactory(
        unit=unit,
        position=position,
        supervisor=supervisor,
        full_name="Rina Lestari",
        user__roles=[Role.PESERTA],
    )
    colleagues = [
        EmployeeFactory(unit=unit, position=position, supervisor=supervisor, full_name=f"Rekan {i}")
        for i in range(4)
    ]
    bkpsdm = UserFactory(roles=[Role.PENGELOLA_SDM])
    head = UserFactory(roles=[Role.PESERTA])
    head.user_permissions.add(
        Permission.objects.get(codename="approve_developmentplan"),
        Permission.objects.get(codename="access_admin", content_type__app_label="wagtailadmin"),
    )
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title=COURSE, jp_hours=Decimal(4))
    CourseCompetency.objects.create(course=course, competency=competency, target_level=3)
    LessonPageFactory(parent=course, title="Standar pelayanan")
    earlier = timezone.now() - datetime.timedelta(minutes=30)
    if earlier.year != timezone.now().year:
        pytest.skip("the earlier completions would fall in last year")
    for colleague in colleagues:
        EnrolmentFactory(
            course=course,
            user=colleague.user,
            status=Enrolment.Status.COMPLETED,
            completed_at=earlier,
        )
    return employee, supervisor, bkpsdm, head, course


def _as(page, live_server, user) -> None:
    page.context.clear_cookies()
    force_sign_in(page, live_server.url, user.email)


def _public_plan_row(page, year: int):
    page.goto(f"{reverse('public:dashboard')}?tahun={year}")
    return page.locator("table:has(#plan-caption) tbody tr")


def test_idp_agreed_plan_built_approved_and_realised_shows_on_the_public_dashboard(
    page, live_server, home_page
):
    from competencies.models import DevelopmentPlan, Idp
    from lms.models import Enrolment

    employee, supervisor, bkpsdm, head, course = _people_and_course(home_page)
    year = timezone.localdate().year

    # The public dashboard before: no approved plan (and that answer is now cached).
    page.goto(f"{reverse('public:dashboard')}?tahun={year}")
    expect(
        page.get_by_text(t("No development plan has been approved for this year."))
    ).to_be_visible()

    # 1. The employee starts this year's IDP: one goal per gap, prefilled.
    _as(page, live_server, employee.user)
    page.goto(reverse("idp:my"))
    page.get_by_role("button", name=t("Start the plan for %(year)s") % {"year": year}).click()
    expect(page.get_by_text("Pelayanan publik prima").first).to_be_visible()
    page.get_by_role("link", name=t("Add an activity")).first.click()
    page.locator("#id_kind").select_option("course")
    page.locator("#id_course").select_option(label=COURSE)
    page.locator("#id_target_date").fill(f"{year}-12-31")
    page.locator("#id_expected_jp").fill("4")
    page.get_by_role("button", name=t("Add the activity")).click()
    expect(page.get_by_text(t("Activity added."))).to_be_visible()
    page.get_by_role("button", name=t("Propose the plan (and agree to it)")).click()
    idp = Idp.objects.get(employee=employee, year=year)
    assert idp.status == Idp.Status.PROPOSED

    # 2. The supervisor agrees.
    _as(page, live_server, supervisor.user)
    page.goto(reverse("idp:detail", args=[idp.pk]))
    page.get_by_role("button", name=t("Agree to the plan")).click()
    idp.refresh_from_db()
    assert idp.status == Idp.Status.AGREED

    # 3. BKPSDM starts the plan for this year and builds it from the gaps.
    _as(page, live_server, bkpsdm)
    page.goto(reverse("competencies_plan_list"))
    page.locator("#id_year").fill(str(year))
    page.get_by_role("button", name=t("Start")).click()
    plan = DevelopmentPlan.objects.get(year=year)
    page.get_by_role("link", name=t("Build from gaps")).click()
    line = page.locator("tbody tr").filter(has_text="Dinas Kependudukan").filter(has_text="T.901")
    expect(line.locator("td").nth(7)).to_have_text("1")  # the agreed IDP goal
    expect(line.locator("td").last).to_have_text(COURSE)
    page.get_by_role("button", name=t("Add the ticked lines")).click()
    item = plan.items.get()
    assert item.title == COURSE and item.planned_participants == 6

    # The item's e-learning course, then submit.
    page.goto(reverse("lms_plan_item_realisation", args=[item.pk]))
    page.locator("#id_link-course").select_option(label=COURSE)
    page.get_by_role("button", name=t("Link"), exact=True).click()
    expect(page.locator("main")).to_contain_text(COURSE)
    page.goto(reverse("competencies_plan_detail", args=[plan.pk]))
    page.get_by_role("link", name=t("Submit for approval")).click()
    page.get_by_role("button", name=t("Confirm")).click()
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.SUBMITTED

    # 4. The head of agency approves: the public page shows the plan at once.
    _as(page, live_server, head)
    page.goto(reverse("competencies_plan_detail", args=[plan.pk]))
    page.get_by_role("link", name=t("Approve"), exact=True).click()
    page.get_by_role("button", name=t("Confirm")).click()
    plan.refresh_from_db()
    assert plan.status == DevelopmentPlan.Status.APPROVED
    rows = _public_plan_row(page, year)
    expect(rows.first).to_contain_text(COURSE)

    # 5. The employee completes the course (enrol, the one lesson).
    _as(page, live_server, employee.user)
    page.goto(course.url)
    page.get_by_role("button", name=t("Enrol")).click()
    page.goto(course.get_children().first().url)
    page.get_by_role("button", name=t("Mark as completed and continue")).click()
    enrolment = Enrolment.objects.get(user=employee.user, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED

    # 6. HR: the completion in the report; a spending entry on the item.
    _as(page, live_server, bkpsdm)
    page.goto(reverse("competencies_plan_report", args=[plan.pk]))
    report_row = page.locator("tbody tr").filter(has_text=COURSE).first
    expect(report_row).to_be_visible()
    page.goto(reverse("lms_plan_item_realisation", args=[item.pk]))
    page.locator("#id_spend-amount").fill("2.500.000")
    page.locator("#id_spend-spent_on").fill(timezone.localdate().isoformat())
    page.locator("#id_spend-document_number").fill("SP2D-E2E-1")
    page.get_by_role("button", name=t("Enter"), exact=True).click()
    expect(page.locator("main")).to_contain_text("2.500.000")

    # 7. The public dashboard, at the next request: five participants, the money spent.
    page.context.clear_cookies()
    rows = _public_plan_row(page, year)
    item_row = rows.filter(has_text=COURSE)
    expect(item_row).to_contain_text("2.500.000")
    cells = item_row.locator("td")
    expect(cells.nth(4)).to_have_text("5")  # participants: four earlier, the employee now


def test_named_people_picker_finds_in_scope_employees_by_keyboard(
    page, live_server, home_page, check_a11y
):
    """BKPSDM adds a named-people item: types a name in the picker, presses Enter, tabs
    to the result's Add button and presses Enter; the NIP lands on the list the form
    sends. axe checks the form with the results shown."""
    from accounts.roles import Role
    from competencies.models import DevelopmentPlanItem
    from competencies.services.development_plan import plan_create
    from tests.factories.accounts import UserFactory
    from tests.factories.competencies import CompetencyFactory, EmployeeFactory, OrgUnitFactory

    unit = OrgUnitFactory(name="Dinas Kependudukan", code="DUKCAPIL")
    competency = CompetencyFactory(code="T.902", name_id="Mentoring")
    wanted = EmployeeFactory(unit=unit, full_name="Sari Wulandari")
    EmployeeFactory(unit=unit, full_name="Sarmin Hadi")
    bkpsdm = UserFactory(roles=[Role.PENGELOLA_SDM])
    plan = plan_create(actor=bkpsdm, year=timezone.localdate().year)

    _as(page, live_server, bkpsdm)
    page.goto(reverse("competencies_plan_item_add", args=[plan.pk]))
    search = page.get_by_label(t("Find an employee by name or NIP"))
    search.fill("sari w")
    search.press("Enter")
    results = page.locator("[data-people-results] li")
    expect(results).to_have_count(1)
    expect(results.first).to_contain_text(
        f"Sari Wulandari — {wanted.user.nip} — Dinas Kependudukan"
    )
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator("#id_target_nips")).to_have_value(wanted.user.nip)
    expect(page.locator("#people-status")).to_contain_text("Sari Wulandari")
    check_a11y(page)

    page.locator("#id_competency").select_option(str(competency.pk))
    page.locator("#id_title").fill("Mentoring pelayanan")
    page.locator("#id_target_kind").select_option("people")
    page.locator("#id_route").select_option("non_classical")
    page.locator("#id_provider").fill("BKPSDM")
    page.locator("#id_funding").select_option("none")
    page.locator("#id_planned_participants").fill("1")
    page.locator("#id_planned_jp").fill("10")
    page.locator("#id_source").select_option("manual")
    page.get_by_role("button", name=t("Save"), exact=True).click()
    expect(page.get_by_text(t("The item was saved."))).to_be_visible()
    item = DevelopmentPlanItem.objects.get(plan=plan)
    assert list(item.target_employees.all()) == [wanted]
