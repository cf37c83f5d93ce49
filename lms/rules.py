"""Object-level permissions for courses and learner records (django-rules)."""

from __future__ import annotations

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


# Trainers of a course see its learners' progress, results and evaluations; HR sees them
# for compliance but cannot grade or edit content.
rules.add_perm("lms.view_course_report", is_course_trainer | is_hr_manager | is_administrator)
rules.add_perm("lms.grade_course", is_course_trainer | is_administrator)
rules.add_perm("lms.decide_enrolment", is_course_trainer | is_hr_manager | is_administrator)
rules.add_perm("lms.view_attempt", is_attempt_owner | is_attempt_course_trainer | is_administrator)
