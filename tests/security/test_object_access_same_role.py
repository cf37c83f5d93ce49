"""IDOR between people of the SAME role: a trainer of another course, the supervisor of
another team and an HR manager scoped to another unit must not reach a record that their
counterpart (the course's trainer, the employee's supervisor, HR in scope) may open.
tests/security/object_access.py covers the owner against other learners and roles."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.models import Assessment, HRScope
from competencies.services.assessments import assessment_create
from lms.models import Enrolment
from lms.services.enrolments import enrolment_create
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory, EmployeeFactory, OrgUnitFactory
from tests.security.object_access import (
    course_with_quiz,
    issued_certificate,
    quiz_attempt,
    training_record_with_proof,
)

pytestmark = pytest.mark.django_db

DENIED_OR_HIDDEN = {403, 404}


def _status(user, path: str, *, method: str = "get", data=None) -> int:
    client = Client()
    client.force_login(user)
    return getattr(client, method)(path, data or {}).status_code


@pytest.fixture
def org(home_page):
    """Two units, each with a supervisor (Atasan) and an HR manager scoped to it; the
    learner works in the first unit under its supervisor."""
    units = [OrgUnitFactory(name="Dinas Kesehatan"), OrgUnitFactory(name="Dinas Pendidikan")]
    supervisors = [EmployeeFactory(unit=u, user__roles=[Role.ATASAN]) for u in units]
    hr = []
    for unit in units:
        manager = UserFactory(roles=[Role.PENGELOLA_SDM])
        HRScope.objects.create(user=manager, unit=unit)
        hr.append(manager)
    learner = UserFactory(roles=[Role.PESERTA])
    return {"units": units, "supervisors": supervisors, "hr": hr, "learner": learner}


def test_trainer_of_another_course_cannot_open_an_attempt_or_decide_an_enrolment(home_page):
    trainer, other_trainer = (UserFactory(roles=[Role.PELATIH]) for _ in range(2))
    learner = UserFactory(roles=[Role.PESERTA])
    attempt = quiz_attempt(learner, trainer=trainer)
    attempt_url = reverse("lms:attempt", kwargs={"attempt_uuid": attempt.uuid})
    course = attempt.enrolment.course
    report_url = reverse("lms:trainer_course", kwargs={"course_id": course.pk})

    assert _status(trainer, attempt_url) == 200
    assert _status(other_trainer, attempt_url) == 404
    assert _status(trainer, report_url) == 200
    assert _status(other_trainer, report_url) in DENIED_OR_HIDDEN

    # An enrolment request waiting for approval: only the course's trainer (or HR) decides.
    approval_course, _quiz = course_with_quiz(trainer=trainer)
    approval_course.enrolment_policy = "approval"
    approval_course.save()
    requester = UserFactory(roles=[Role.PESERTA])
    request = enrolment_create(user=requester, course=approval_course)
    decide_url = reverse("lms:trainer_enrolment_decide", kwargs={"enrolment_id": request.pk})
    status = _status(other_trainer, decide_url, method="post", data={"decision": "approve"})
    assert status in DENIED_OR_HIDDEN
    request.refresh_from_db()
    assert request.status == Enrolment.Status.REQUESTED


def test_supervisor_of_another_team_cannot_rate_or_read_records_and_certificates(org):
    own, other = org["supervisors"]
    learner = org["learner"]
    record = training_record_with_proof(learner, unit=org["units"][0], supervisor=own)
    employee = record.employee
    proof_url = reverse("competencies:record_proof", kwargs={"pk": record.pk})
    rate_url = reverse("competencies:rate_employee", kwargs={"pk": employee.pk})

    assert _status(own.user, proof_url) == 200
    assert _status(other.user, proof_url) == 404
    assert _status(own.user, rate_url) == 200
    assert _status(other.user, rate_url) == 404


def test_supervisor_of_another_team_cannot_download_the_certificate(org):
    own, other = org["supervisors"]
    certificate = issued_certificate(org["learner"], unit=org["units"][0], supervisor=own)
    url = reverse("lms:certificate_download", kwargs={"code": certificate.code})

    assert _status(own.user, url) == 200
    assert _status(other.user, url) == 404


def test_hr_manager_of_another_unit_cannot_reach_certificate_proof_assessment_or_record(org):
    in_scope, out_of_scope = org["hr"]
    learner = org["learner"]
    record = training_record_with_proof(
        learner, unit=org["units"][0], supervisor=org["supervisors"][0]
    )
    certificate = issued_certificate(UserFactory(roles=[Role.PESERTA]), unit=org["units"][0])
    assessment = assessment_create(
        actor=org["supervisors"][0].user,
        employee=record.employee,
        competency=CompetencyFactory(),
        level=3,
        method=Assessment.Method.SUPERVISOR,
    )
    urls = {
        "certificate": reverse("lms:certificate_download", kwargs={"code": certificate.code}),
        "proof": reverse("competencies:record_proof", kwargs={"pk": record.pk}),
        "assessment edit": reverse("competencies_assessment:edit", args=[assessment.pk]),
        "assessment decision": reverse("competencies_assessment:decide", args=[assessment.pk]),
        "record decision": reverse("competencies_record:decide", args=[record.pk]),
    }

    allowed = {name: _status(in_scope, url) for name, url in urls.items()}
    refused = {name: _status(out_of_scope, url) for name, url in urls.items()}

    assert allowed == dict.fromkeys(urls, 200)
    assert all(status in DENIED_OR_HIDDEN for status in refused.values()), refused
