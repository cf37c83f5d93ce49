"""Object-level permissions for courses and learner records (django-rules)."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ObjectDoesNotExist

import rules

from accounts.rules import is_administrator, is_hr_manager


@rules.predicate
def is_course_trainer(user, course) -> bool:
    if course is None or not user.is_authenticated:
        return False
    if course.owner_id == user.pk:
        return True
    return course.trainers.filter(pk=user.pk).exists()


@rules.predicate
def is_attempt_owner(user, attempt) -> bool:
    return attempt is not None and attempt.user_id == user.pk


@rules.predicate
def is_attempt_course_trainer(user, attempt) -> bool:
    return attempt is not None and is_course_trainer(user, attempt.enrolment.course)


def learner_in_hr_scope(user, learner) -> bool:
    """An HR manager's scope covers a learner whose employee record lies in the manager's
    unit subtree; a learner with no employee record only when the scope is the whole
    organisation. Reuses the competencies scope helpers (docs/security.md, HR scope)."""
    from competencies.selectors.hr_scope import employee_in_hr_scope, hr_scope_unit

    if learner is None or not is_hr_manager(user):
        return False
    try:
        employee = learner.employee
    except ObjectDoesNotExist:
        return hr_scope_unit(user=user) is None
    return employee_in_hr_scope(user=user, employee=employee)


@rules.predicate
def is_enrolment_course_trainer(user, enrolment) -> bool:
    return enrolment is not None and is_course_trainer(user, enrolment.course)


@rules.predicate
def is_enrolment_in_hr_scope(user, enrolment) -> bool:
    return enrolment is not None and learner_in_hr_scope(user, enrolment.user)


# Trainers of a course see its learners' progress, results and evaluations; HR sees them
# for compliance but cannot grade or edit content. A unit-scoped HR manager opens every
# course's report but sees only the rows of learners in scope (lms.selectors.
# trainer.course_report_scope), and decides only their requests to join (the object of
# lms.decide_enrolment is the enrolment, not the course).
rules.add_perm("lms.view_course_report", is_course_trainer | is_hr_manager | is_administrator)
rules.add_perm("lms.grade_course", is_course_trainer | is_administrator)
rules.add_perm(
    "lms.decide_enrolment",
    is_enrolment_course_trainer | is_enrolment_in_hr_scope | is_administrator,
)
rules.add_perm("lms.view_attempt", is_attempt_owner | is_attempt_course_trainer | is_administrator)


@rules.predicate
def is_certificate_holder(user, certificate) -> bool:
    return certificate is not None and user.is_authenticated and certificate.user_id == user.pk


def _holder_employee(certificate):
    try:
        return certificate.user.employee
    except ObjectDoesNotExist:
        return None


@rules.predicate
def is_certificate_holder_supervisor(user, certificate) -> bool:
    if certificate is None or not user.is_authenticated:
        return False
    employee = _holder_employee(certificate)
    return bool(
        employee is not None
        and employee.supervisor_id
        and employee.supervisor.is_active  # a supervisor who left no longer sees reports
        and employee.supervisor.user_id == user.pk
    )


@rules.predicate
def is_certificate_in_hr_scope(user, certificate) -> bool:
    """HR managers see the certificates of employees in their unit subtree; holders with
    no employee record only when the manager's scope is the whole organisation."""
    return certificate is not None and learner_in_hr_scope(user, certificate.user)


# Certificates: the holder, their supervisor, HR (in scope) and administrators download
# the PDF; only HR (in scope) and administrators revoke or reissue.
rules.add_perm(
    "lms.view_certificate",
    is_certificate_holder
    | is_certificate_holder_supervisor
    | is_certificate_in_hr_scope
    | is_administrator,
)
rules.add_perm("lms.manage_certificate", is_certificate_in_hr_scope | is_administrator)
# Re-rendering every certificate's PDF (after a template change) is an administrator's
# operation: it touches all units.
rules.add_perm("lms.regenerate_certificates", is_administrator)


@rules.predicate
def is_certificate_signer(user) -> bool:
    """The signer (the Kepala BKPSDM): the `lms.sign_certificate` model permission, given
    to their account or a group in the Wagtail admin."""
    return bool(
        user.is_authenticated
        and user.is_active
        and ModelBackend().has_perm(user, "lms.sign_certificate")
    )


# The signer's queue: certificates waiting for the electronic signature.
rules.add_perm("lms.sign_certificates", is_certificate_signer | is_administrator)


@rules.predicate
def is_transcript_employee(user, employee) -> bool:
    return employee is not None and user.is_authenticated and employee.user_id == user.pk


@rules.predicate
def supervises_transcript_employee(user, employee) -> bool:
    return bool(
        employee is not None
        and user.is_authenticated
        and employee.supervisor_id
        and employee.supervisor.is_active
        and employee.supervisor.user_id == user.pk
    )


@rules.predicate
def manages_transcript_employee(user, employee) -> bool:
    from competencies.selectors.hr_scope import employee_in_hr_scope

    return employee is not None and employee_in_hr_scope(user=user, employee=employee)


# An employee's training transcript (competencies/views.py): the employee, their
# supervisor, HR managers in scope and administrators.
rules.add_perm(
    "competencies.view_transcript",
    is_transcript_employee
    | supervises_transcript_employee
    | manages_transcript_employee
    | is_administrator,
)
