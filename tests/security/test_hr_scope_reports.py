"""An HR manager limited to one unit subtree (HRScope) sees, downloads and decides only
the learners of that subtree in a course's learner report, and the gap report per
position counts only the holders in that subtree.
The course's trainers, administrators and unscoped HR managers see everyone."""

from __future__ import annotations

import csv
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from competencies.models import Competency, HRScope, Position, PositionRequirement
from lms.models import CourseEvaluation, Enrolment
from lms.services.enrolments import enrolment_create
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
from tests.security.object_access import course_with_quiz

pytestmark = pytest.mark.django_db

DENIED_OR_HIDDEN = {403, 404}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def setting(home_page):
    """DINKES (with PUSKESMAS below it) and DISDIK; one learner in PUSKESMAS, one in
    DISDIK and one account without an employee record, all enrolled in one course; an HR
    manager scoped to DINKES, an unscoped one and the course's trainer."""
    dinkes = OrgUnitFactory(code="DINKES", name="Dinas Kesehatan")
    puskesmas = OrgUnitFactory(code="PUSKESMAS", name="Puskesmas", parent=dinkes)
    disdik = OrgUnitFactory(code="DISDIK", name="Dinas Pendidikan")
    inside = EmployeeFactory(
        unit=puskesmas, user__first_name="Rina", user__last_name="Dalam", full_name="Rina Dalam"
    )
    outside = EmployeeFactory(
        unit=disdik, user__first_name="Budi", user__last_name="Luar", full_name="Budi Luar"
    )
    loose = UserFactory(roles=[Role.PESERTA], first_name="Tanpa", last_name="Pegawai")
    trainer = UserFactory(roles=[Role.PELATIH])
    course, _quiz = course_with_quiz(trainer=trainer)
    for user in (inside.user, outside.user, loose):
        enrolment_create(user=user, course=course)
    scoped_hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=scoped_hr, unit=dinkes)
    return {
        "course": course,
        "inside": inside,
        "outside": outside,
        "loose": loose,
        "trainer": trainer,
        "scoped_hr": scoped_hr,
        "hr": UserFactory(roles=[Role.PENGELOLA_SDM]),
        "admin": UserFactory(roles=[Role.ADMINISTRATOR]),
        "units": (dinkes, puskesmas, disdik),
    }


def _csv_emails(user, course) -> set[str]:
    response = _client(user).get(reverse("lms:trainer_course_export", args=[course.pk]))
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    return {row[1] for row in rows[1:]}


def test_scoped_hr_downloads_only_the_learners_of_their_unit_subtree(setting):
    course, inside = setting["course"], setting["inside"]

    assert _csv_emails(setting["scoped_hr"], course) == {inside.user.email}

    # The course's trainer, administrators and unscoped HR managers still see everyone.
    everyone = {inside.user.email, setting["outside"].user.email, setting["loose"].email}
    for user in (setting["trainer"], setting["admin"], setting["hr"]):
        assert _csv_emails(user, course) == everyone


def test_scoped_hr_csv_leaks_no_nip_of_another_unit(setting):
    course, outside = setting["course"], setting["outside"]
    response = _client(setting["scoped_hr"]).get(
        reverse("lms:trainer_course_export", args=[course.pk])
    )
    body = response.content.decode("utf-8-sig")
    assert outside.user.nip not in body
    assert outside.user.email not in body
    assert setting["inside"].user.nip in body


def test_scoped_hr_report_page_lists_only_their_learners_and_their_comments(setting):
    course, inside, outside = setting["course"], setting["inside"], setting["outside"]
    for employee, comment in ((inside, "Komentar dalam"), (outside, "Komentar luar")):
        CourseEvaluation.objects.create(
            enrolment=Enrolment.objects.get(user=employee.user, course=course),
            course=course,
            content_rating=4,
            trainer_rating=4,
            usefulness_rating=4,
            comments=comment,
            submitted_at=timezone.now(),
        )

    html = (
        _client(setting["scoped_hr"])
        .get(reverse("lms:trainer_course", args=[course.pk]))
        .content.decode()
    )

    assert "Rina Dalam" in html
    assert "Budi Luar" not in html
    assert "Tanpa Pegawai" not in html
    assert "Komentar dalam" in html
    assert "Komentar luar" not in html

    trainer_html = (
        _client(setting["trainer"])
        .get(reverse("lms:trainer_course", args=[course.pk]))
        .content.decode()
    )
    assert "Budi Luar" in trainer_html and "Komentar luar" in trainer_html


@pytest.fixture
def requests(setting):
    """An approval course with a request to join from inside and one from outside the
    scoped manager's subtree."""
    course, _quiz = course_with_quiz(trainer=setting["trainer"])
    course.enrolment_policy = "approval"
    course.save()
    return {
        "course": course,
        "inside": enrolment_create(user=setting["inside"].user, course=course),
        "outside": enrolment_create(user=setting["outside"].user, course=course),
    }


def test_scoped_hr_cannot_decide_a_request_from_another_unit(setting, requests):
    client = _client(setting["scoped_hr"])
    outside = requests["outside"]
    assert outside.status == Enrolment.Status.REQUESTED

    response = client.post(
        reverse("lms:trainer_enrolment_decide", args=[outside.pk]), {"decision": "decline"}
    )

    assert response.status_code in DENIED_OR_HIDDEN
    outside.refresh_from_db()
    assert outside.status == Enrolment.Status.REQUESTED
    assert outside.decided_by is None


def test_scoped_hr_decides_a_request_from_their_unit_and_sees_only_those(setting, requests):
    client = _client(setting["scoped_hr"])
    course = requests["course"]

    html = client.get(reverse("lms:trainer_course", args=[course.pk])).content.decode()
    assert "Rina Dalam" in html
    assert "Budi Luar" not in html

    client.post(
        reverse("lms:trainer_enrolment_decide", args=[requests["inside"].pk]),
        {"decision": "approve"},
    )
    requests["inside"].refresh_from_db()
    assert requests["inside"].status == Enrolment.Status.ACTIVE


def test_the_service_refuses_an_out_of_scope_decision(setting, requests):
    from django.core.exceptions import PermissionDenied

    from lms.services.enrolments import enrolment_request_decide

    with pytest.raises(PermissionDenied):
        enrolment_request_decide(
            enrolment=requests["outside"], approve=False, actor=setting["scoped_hr"]
        )
    # The course's trainer decides every request.
    decided = enrolment_request_decide(
        enrolment=requests["outside"], approve=True, actor=setting["trainer"]
    )
    assert decided.status == Enrolment.Status.ACTIVE


# GAP REPORT PER POSITION ------------------------------------------------------------------


def test_scoped_hr_gap_report_per_position_counts_only_holders_in_scope(setting):
    _dinkes, puskesmas, disdik = setting["units"]
    competency = Competency.objects.create(code="M.09", name_id="Kerja Sama", kind="manajerial")
    position = Position.objects.create(code="ANALIS", name="Analis", kind=Position.Kind.PELAKSANA)
    PositionRequirement.objects.create(position=position, competency=competency, required_level=3)
    # The only holder of the position works outside the manager's scope.
    EmployeeFactory(unit=disdik, position=position)
    url = reverse("competencies_gap_report") + f"?position={position.pk}"

    scoped = _client(setting["scoped_hr"]).get(url)
    assert scoped.status_code == 200
    assert scoped.context["position_summary"].employees == 0
    assert scoped.context["position_rows"] == []

    unscoped = _client(setting["hr"]).get(url)
    assert unscoped.context["position_summary"].employees == 1
    assert unscoped.context["position_summary"].cells[competency.pk].below == 1

    # A holder inside the scope is counted for the scoped manager.
    EmployeeFactory(unit=puskesmas, position=position)
    scoped = _client(setting["scoped_hr"]).get(url)
    assert scoped.context["position_summary"].employees == 1
