"""The IDP pages (docs/idp.md): the whole journey through HTTP, who gets 404, the team
page's IDP status within its query budget, and HR's agreement rates per OPD."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from competencies.models import CoachingSession, Idp, IdpActivity
from competencies.services.idp import idp_activity_add, idp_create, idp_propose
from tests.factories.competencies import EmployeeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def client(client, settings):
    """Pages are asserted in English here (the portal's second language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _login(client, employee_or_user):
    user = getattr(employee_or_user, "user", employee_or_user)
    client.force_login(user)
    return client


def test_idp_page_speaks_indonesian_by_default(client, line):
    client.cookies.clear()
    _login(client, line.employee)
    page = client.get(reverse("idp:my")).content.decode()
    assert "Rencana pengembangan individu" in page


def test_idp_journey_employee_proposes_supervisor_agrees(client, line, home_page):
    from tests.factories.lms import CoursePageFactory

    course = CoursePageFactory(parent=home_page)
    _login(client, line.employee)
    response = client.get(reverse("idp:my"))
    assert response.status_code == 200
    response = client.post(reverse("idp:create", args=[line.employee.pk]), {"year": line.year})
    idp = Idp.objects.get(employee=line.employee, year=line.year)
    assert response.url == reverse("idp:detail", args=[idp.pk])
    page = client.get(response.url)
    assert page.status_code == 200
    for goal in idp.goals.all():
        form = client.get(reverse("idp:activity_add", args=[goal.pk]))
        assert course.title in form.content.decode()
        response = client.post(
            reverse("idp:activity_add", args=[goal.pk]),
            {"kind": "course", "course": course.pk, "target_date": f"{line.year}-10-01",
             "expected_jp": "10"},
        )  # fmt: skip
        assert response.status_code == 302, response.context["form"].errors
    client.post(reverse("idp:propose", args=[idp.pk]))
    idp.refresh_from_db()
    assert idp.status == Idp.Status.PROPOSED

    _login(client, line.supervisor)
    assert "Agree to the plan" in client.get(reverse("idp:detail", args=[idp.pk])).content.decode()
    client.post(reverse("idp:agree", args=[idp.pk]))
    idp.refresh_from_db()
    assert idp.status == Idp.Status.AGREED
    assert idp.supervisor_agreed_by == line.supervisor.user


def test_idp_activity_form_shows_clear_errors_and_saves_nothing(client, line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    goal = idp.goals.first()
    _login(client, line.employee)
    response = client.post(
        reverse("idp:activity_add", args=[goal.pk]),
        {"kind": "course", "course": 987654, "target_date": f"{line.year + 1}-02-01",
         "expected_jp": "10"},
    )  # fmt: skip
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "no longer in the catalogue" in str(errors["course"])
    assert "must fall in" in str(errors["target_date"])
    assert not IdpActivity.objects.exists()


@pytest.mark.parametrize("who", ["stranger", "coach", "other_hr"])
def test_idp_pages_are_404_to_outsiders(client, line, who):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    _login(client, line.other_hr if who == "other_hr" else getattr(line, who))
    assert client.get(reverse("idp:detail", args=[idp.pk])).status_code == 404
    assert client.get(reverse("idp:employee", args=[line.employee.pk])).status_code == 404
    assert client.post(reverse("idp:agree", args=[idp.pk])).status_code == 404
    goal = idp.goals.first()
    assert client.get(reverse("idp:activity_add", args=[goal.pk])).status_code == 404


@pytest.mark.parametrize("who", ["employee", "supervisor", "head", "hr"])
def test_idp_pages_open_to_the_employee_the_chain_and_scoped_hr(client, line, who):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    _login(client, line.hr if who == "hr" else getattr(line, who))
    assert client.get(reverse("idp:detail", args=[idp.pk])).status_code == 200
    assert client.get(reverse("idp:employee", args=[line.employee.pk])).status_code == 200


def test_coaching_notes_hidden_from_the_supervisor_who_confirms(client, line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    activity = idp_activity_add(
        actor=line.employee.user, goal=idp.goals.first(), kind=IdpActivity.Kind.COACHING,
        coach=line.coach, target_date=datetime.date(line.year, 12, 31), expected_jp=Decimal(4),
    )  # fmt: skip
    _login(client, line.employee)
    from django.utils import timezone

    today = timezone.localdate()
    response = client.post(
        reverse("idp:session_log", args=[activity.pk]),
        {"date": today.isoformat(), "topic": "Menyusun anggaran", "notes": "Sangat rahasia"},
    )
    assert response.status_code == 302
    session = CoachingSession.objects.get()
    _login(client, line.supervisor)
    page = client.get(reverse("idp:detail", args=[idp.pk])).content.decode()
    assert "Menyusun anggaran" in page and "Sangat rahasia" not in page
    assert "Menyusun anggaran" in client.get(reverse("idp:my")).content.decode()
    client.post(reverse("idp:session_confirm", args=[session.pk]))
    session.refresh_from_db()
    assert session.status == CoachingSession.Status.CONFIRMED
    _login(client, line.coach)
    page = client.get(reverse("idp:my")).content.decode()
    assert "Sangat rahasia" in page and reverse("idp:session_log", args=[activity.pk]) in page
    _login(client, line.hr)
    assert "Sangat rahasia" not in client.get(reverse("idp:detail", args=[idp.pk])).content.decode()


def test_team_page_shows_idp_status_within_ten_queries(client, line):
    # Eight more direct reports, some with plans in each status.
    reports = [EmployeeFactory(unit=line.dinas, supervisor=line.supervisor) for _ in range(8)]
    for report in reports[:3]:
        idp_create(actor=line.supervisor.user, employee=report, year=line.year)
    plan = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    for goal in plan.goals.all():
        idp_activity_add(
            actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.ON_THE_JOB,
            target_date=datetime.date(line.year, 12, 1), expected_jp=Decimal(0),
        )  # fmt: skip
    idp_propose(actor=line.employee.user, idp=plan)
    _login(client, line.supervisor)
    client.get(reverse("lms:team"))  # warm the per-user caches (menu, roles)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("lms:team"))
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("No development plan for") == 5
    assert page.count(": draft") == 3
    assert "proposed, waiting for agreement" in page
    assert len(queries) <= 10, "\n".join(q["sql"] for q in queries.captured_queries)


def test_hr_agreement_report_per_opd_in_scope(client, line):
    plan = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    for goal in plan.goals.all():
        idp_activity_add(
            actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.SELF_STUDY,
            target_date=datetime.date(line.year, 12, 1), expected_jp=Decimal(2),
        )  # fmt: skip
    from competencies.services.idp import idp_agree

    idp_agree(actor=line.supervisor.user, idp=idp_propose(actor=line.employee.user, idp=plan))
    _login(client, line.hr)
    response = client.get(reverse("competencies_idp_agreement_report"), {"year": line.year})
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r.unit for r in rows] == [line.dinas]  # LAIN is outside this HR's scope
    # head, supervisor, employee, coach: four active employees, one agreed plan.
    assert (rows[0].employees, rows[0].agreed, rows[0].agreed_percent) == (4, 1, 25)
    _login(client, line.other_hr)
    rows = client.get(reverse("competencies_idp_agreement_report")).context["rows"]
    assert [(r.unit, r.agreed) for r in rows] == [(line.lain, 0)]


def test_review_page_links_the_completed_course_and_saves(client, line, home_page):
    from django.utils import timezone

    from competencies.models import IdpReview, TrainingRecord
    from competencies.services.idp import idp_agree
    from tests.factories.competencies import TrainingRecordFactory
    from tests.factories.lms import CoursePageFactory, EnrolmentFactory

    course = CoursePageFactory(parent=home_page)
    plan = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    for goal in plan.goals.all():
        idp_activity_add(
            actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.COURSE,
            target_id=course.pk, target_date=datetime.date(line.year, 12, 1),
            expected_jp=Decimal(10),
        )  # fmt: skip
    idp_agree(actor=line.supervisor.user, idp=idp_propose(actor=line.employee.user, idp=plan))
    enrolment = EnrolmentFactory(
        user=line.employee.user, course=course, status="completed", completed_at=timezone.now()
    )
    today = timezone.localdate()
    TrainingRecordFactory(
        employee=line.employee, source=TrainingRecord.Source.COURSE, title=course.title,
        source_key=f"enrolment:{enrolment.pk}", started_on=today, finished_on=today,
    )  # fmt: skip
    _login(client, line.supervisor)
    url = reverse("idp:review", args=[plan.pk, "end_of_year"])
    page = client.get(url).content.decode()
    assert course.title in page and "Found automatically" in page
    response = client.post(url, {"summary": "Tercapai"})
    assert response.status_code == 302
    review = IdpReview.objects.get(idp=plan, stage="end_of_year")
    assert review.summary == "Tercapai" and review.reviewed_by == line.supervisor.user
    # One completion, two activities on the same course: it backs one of them only.
    assert review.items.filter(training_record__isnull=False).count() == 1


def test_removing_an_activity_asks_first(client, line):
    plan = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    activity = idp_activity_add(
        actor=line.employee.user, goal=plan.goals.first(), kind=IdpActivity.Kind.SELF_STUDY,
        target_date=datetime.date(line.year, 12, 1), expected_jp=Decimal(2),
    )  # fmt: skip
    _login(client, line.employee)
    url = reverse("idp:activity_delete", args=[activity.pk])
    assert "Remove" in client.get(url).content.decode()
    assert IdpActivity.objects.filter(pk=activity.pk).exists()
    client.post(url)
    assert not IdpActivity.objects.filter(pk=activity.pk).exists()
