from __future__ import annotations

import json
from io import StringIO

from django.apps import apps
from django.core.management import CommandError, call_command

from wagtail.models import Site

import pytest

from accounts.models import User
from lms.models import HomePage

pytestmark = pytest.mark.django_db


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model.objects.count()
        for model in apps.get_models()
        if model._meta.app_label
        in {"accounts", "auth", "account", "competencies", "lms", "wagtailcore", "mfa"}
    }


def test_seed_demo_twice_leaves_the_same_rows():
    call_command("seed_demo", stdout=StringIO())
    first = _row_counts()

    call_command("seed_demo", stdout=StringIO())

    assert _row_counts() == first
    # The five demo logins (the competencies demo adds colleagues without a login).
    local_parts = {"peserta", "atasan", "pelatih", "sdm", "admin"}
    assert (
        User.objects.filter(email__in=[f"{p}@demo.bontang.example" for p in local_parts]).count()
        == 5
    )


def test_seed_demo_makes_the_home_page_the_site_root():
    call_command("seed_demo", stdout=StringIO())

    site = Site.objects.get(is_default_site=True)
    assert isinstance(site.root_page.specific, HomePage)
    assert site.root_page.live


def test_seed_demo_json_lists_one_login_per_role_that_works(client):
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)

    logins = json.loads(out.getvalue())
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


def test_demo_administrator_reaches_the_wagtail_admin(client):
    out = StringIO()
    call_command("seed_demo", "--json", stdout=out)
    admin = next(d for d in json.loads(out.getvalue()) if d["role"] == "Administrator")

    client.post("/accounts/login/", {"login": admin["email"], "password": admin["password"]})
    response = client.get("/admin/")

    assert response.status_code == 200


def test_seed_demo_refuses_production_profile_without_force(settings):
    settings.SETTINGS_PROFILE = "production"

    with pytest.raises(CommandError, match="production"):
        call_command("seed_demo", stdout=StringIO())

    assert not User.objects.exists()


def test_seed_demo_creates_courses_with_learners_at_different_stages():
    from lms.models import CoursePage, Enrolment, LessonPage, QuizPage

    call_command("seed_demo", stdout=StringIO())

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


def test_seed_demo_adds_proposals_with_votes_and_an_answer():
    from lms.models import TrainingNeedProposal

    call_command("seed_demo", stdout=StringIO())

    proposals = {p.topic: p for p in TrainingNeedProposal.objects.all()}
    assert len(proposals) == 2
    statuses = sorted(p.status for p in proposals.values())
    assert statuses == ["open", "under_review"]
    assert sorted(p.supports.count() for p in proposals.values()) == [1, 2]


def test_seed_demo_assigned_enrolments_have_assignment_records_on_the_team_page(client):
    """Every enrolment the demo marks as assigned comes from an assignment (made through
    lms.services.assignments), so the supervisor's team page lists it, overdue included; and
    a second run adds no second assignment."""
    from lms.models import AssignmentRecipient, Enrolment

    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

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


def test_seed_demo_leaves_the_readme_learner_a_valid_certificate_and_revokes_another():
    """The README sends the Peserta to their certificates and anyone to a revoked one on
    /verify/: the demo must hold both, and the revoked one must not be the Peserta's only
    certificate."""
    from lms.models import Certificate

    call_command("seed_demo", stdout=StringIO())

    valid = Certificate.objects.filter(
        user__email="peserta@demo.bontang.example",
        status=Certificate.Status.ISSUED,
        is_current=True,
    )
    assert valid.exists()
    assert Certificate.objects.filter(
        user__email__endswith="@demo.bontang.example", status=Certificate.Status.REVOKED
    ).exists()


def test_seed_demo_adds_a_finished_a_running_and_an_open_classroom_batch(
    django_capture_on_commit_callbacks,
):
    from decimal import Decimal

    from lms.models import Batch, Certificate, Enrolment, Nomination

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())

    batches = {b.number: b for b in Batch.objects.all()}
    assert batches["Angkatan I"].status == Batch.Status.FINISHED
    assert batches["Angkatan II"].status == Batch.Status.RUNNING
    assert batches["Angkatan III"].is_registration_open
    assert batches["Angkatan III"].unit_quotas.count() == 4
    assert batches["Angkatan II"].sessions.filter(date=batches["Angkatan II"].starts_on).exists()
    finished = Nomination.objects.filter(batch=batches["Angkatan I"]).select_related("enrolment")
    jp = sorted(n.enrolment.jp_earned for n in finished)
    assert jp == [Decimal("5.0"), Decimal("6.0")]  # the JP of the sessions attended
    completed = Enrolment.objects.filter(classroom_nominations__batch=batches["Angkatan I"])
    assert Certificate.objects.filter(enrolment__in=completed).count() == 2
    # Both participants evaluated the batch and the trainers of the sessions they attended.
    from lms.models import BatchEvaluation, BatchEvaluationReceipt, TrainerEvaluation

    assert BatchEvaluationReceipt.objects.filter(nomination__in=finished).count() == 2
    assert BatchEvaluation.objects.filter(batch=batches["Angkatan I"]).count() == 2
    assert TrainerEvaluation.objects.filter(evaluation__batch=batches["Angkatan I"]).count() == 4
