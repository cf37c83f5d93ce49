"""What the demo data holds: the logins, the courses and learners at their stages, the
proposals, the assignments and certificates the README points to. Seeded once for the
module (`demo_seeded`, tests/conftest.py); test_seed_demo.py tests the seeding itself."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from wagtail.models import Site

import pytest

from accounts.models import User
from lms.models import HomePage

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seeded")]


def test_seed_demo_makes_the_home_page_the_site_root(demo_seeded):
    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.live


def test_seed_demo_json_lists_one_login_per_role_that_works(demo_seeded):
    logins = demo_seeded.logins  # what `seed_demo --json` printed
    assert {login["role"] for login in logins} == {
        "Peserta",
        "Atasan",
        "Pelatih",
        "Pengelola SDM",
        "Administrator",
    }
    for login in logins:
        assert set(login) == {"role", "email", "nip", "password"}
        assert User.objects.get(email=login["email"]).check_password(login["password"])


def test_demo_administrator_reaches_the_wagtail_admin(client, demo_seeded):
    admin = next(d for d in demo_seeded.logins if d["role"] == "Administrator")

    client.post("/accounts/login/", {"login": admin["email"], "password": admin["password"]})
    response = client.get("/admin/")

    assert response.status_code == 200


def test_seed_demo_creates_courses_with_learners_at_different_stages(demo_seeded):
    from lms.models import CoursePage, Enrolment, LessonPage, QuizPage

    courses = CoursePage.objects.live()
    assert courses.count() >= 6
    for course in courses:
        assert LessonPage.objects.child_of(course).live().count() >= 3
        assert course.questions.count() >= 8
        assert course.course_competencies.exists()
        assert course.trainers.filter(email="pelatih@demo.bontang.example").exists()
    assert QuizPage.objects.filter(role=QuizPage.Role.PRE_TEST).count() >= 2
    assert QuizPage.objects.filter(role=QuizPage.Role.POST_TEST).count() >= 2
    peserta = User.objects.get(email="peserta@demo.bontang.example")
    statuses = set(Enrolment.objects.filter(user=peserta).values_list("status", flat=True))
    assert {"completed", "active", "requested"} <= statuses
    assert Enrolment.objects.filter(
        user=peserta, source="assignment", due_on__isnull=False
    ).exists()


def test_seed_demo_adds_proposals_with_votes_and_an_answer(demo_seeded):
    from lms.models import TrainingNeedProposal

    proposals = {p.topic: p for p in TrainingNeedProposal.objects.all()}
    assert len(proposals) == 2
    statuses = sorted(p.status for p in proposals.values())
    assert statuses == ["open", "under_review"]
    assert sorted(p.supports.count() for p in proposals.values()) == [1, 2]


def test_seed_demo_assigned_enrolments_have_assignment_records_on_the_team_page(
    client, demo_seeded
):
    """Every enrolment the demo marks as assigned comes from an assignment (made through
    lms.services.assignments), so the supervisor's team page lists it, overdue included; and
    a second run adds no second assignment."""
    from lms.models import AssignmentRecipient, Enrolment

    call_command("seed_demo", stdout=StringIO())  # the second run (demo_seeded was the first)

    assigned = list(Enrolment.objects.filter(source=Enrolment.Source.ASSIGNMENT, is_current=True))
    assert assigned
    for enrolment in assigned:
        rows = AssignmentRecipient.objects.filter(
            user=enrolment.user, assignment__course_id=enrolment.course_id
        ).exclude(status=AssignmentRecipient.Status.WITHDRAWN)
        assert rows.count() == 1, enrolment.course_title
        assert rows.get().due_on == enrolment.due_on

    client.post(
        "/accounts/login/",
        {"login": "atasan@demo.bontang.example", "password": "DemoBontang#2026"},
    )
    response = client.get("/learning/tim/")
    html = response.content.decode()
    assert response.status_code == 200
    for enrolment in assigned:
        if enrolment.user.email == "peserta@demo.bontang.example":
            assert enrolment.course_title in html
    # The overdue demo assignment is shown as overdue (in either language).
    assert "Lewat tenggat" in html or "Overdue" in html


def test_seed_demo_leaves_the_readme_learner_a_valid_certificate_and_revokes_another(
    demo_seeded,
):
    """The README sends the Peserta to their certificates and anyone to a revoked one on
    /verify/: the demo must hold both, and the revoked one must not be the Peserta's only
    certificate."""
    from lms.models import Certificate

    valid = Certificate.objects.filter(
        user__email="peserta@demo.bontang.example",
        status=Certificate.Status.ISSUED,
        is_current=True,
    )
    assert valid.exists()
    assert Certificate.objects.filter(
        user__email__endswith="@demo.bontang.example", status=Certificate.Status.REVOKED
    ).exists()
