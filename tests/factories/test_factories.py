"""Each factory builds an object that passes model validation and is saved, so a test that
uses one starts from a valid row, not from whatever `objects.create` let through."""

from __future__ import annotations

import pytest

from accounts.roles import Role, has_role
from competencies.models import Assessment, TrainingRecord
from lms.models import Assignment, Certificate, TrainingNeedProposal
from tests.factories.competencies import (
    AssessmentFactory,
    HRScopeFactory,
    TrainingRecordFactory,
)
from tests.factories.lms import (
    AssignmentFactory,
    AssignmentRuleFactory,
    CertificateFactory,
    CourseIndexPageFactory,
    CoursePageFactory,
    EnrolmentFactory,
    TrainingNeedProposalFactory,
    TrainingNeedSupportFactory,
)

pytestmark = pytest.mark.django_db


def _valid_and_saved(obj) -> None:
    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()


@pytest.fixture
def course(home_page):
    return CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page))


def test_certificate_factory_pending_and_issued(course):
    pending = CertificateFactory(enrolment=EnrolmentFactory(course=course))
    issued = CertificateFactory(enrolment=EnrolmentFactory(course=course), issued=True)

    for certificate in (pending, issued):
        _valid_and_saved(certificate)
        assert certificate.user == certificate.enrolment.user
        assert certificate.course_title == course.title
    assert pending.status == Certificate.Status.PENDING and not pending.number
    assert issued.status == Certificate.Status.ISSUED and issued.number and issued.issued_at


def test_assignment_and_rule_factories(course):
    rule = AssignmentRuleFactory()
    to_employees = AssignmentFactory(course=course)
    by_rule = AssignmentFactory(course=course, target_type=Assignment.Target.RULE, rule=rule)

    for obj in (rule, to_employees, by_rule):
        _valid_and_saved(obj)
    assert to_employees.course_title == course.title


def test_assessment_factory():
    assessment = AssessmentFactory()
    _valid_and_saved(assessment)
    assert assessment.status == Assessment.Status.DRAFT


def test_training_record_factory():
    record = TrainingRecordFactory()
    _valid_and_saved(record)
    assert record.status == TrainingRecord.Status.APPROVED
    assert record.started_on <= record.finished_on


def test_hr_scope_factory_scopes_an_hr_manager():
    scope = HRScopeFactory()
    _valid_and_saved(scope)
    assert has_role(scope.user, Role.PENGELOLA_SDM)
    assert scope.user.hr_scope == scope


def test_training_need_proposal_and_support_factories():
    support = TrainingNeedSupportFactory()
    _valid_and_saved(support.proposal)
    _valid_and_saved(support)
    assert support.proposal.status == TrainingNeedProposal.Status.OPEN
    assert TrainingNeedProposalFactory().proposed_by != support.proposal.proposed_by
