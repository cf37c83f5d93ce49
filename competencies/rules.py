"""Object permissions for HR records (django-rules)."""

import rules

from competencies.selectors.hr_scope import employee_in_hr_scope


@rules.predicate
def manages_employee(user, employee) -> bool:
    return employee is not None and employee_in_hr_scope(user=user, employee=employee)


@rules.predicate
def supervises_employee(user, employee) -> bool:
    return bool(
        employee is not None and employee.supervisor_id and employee.supervisor.user_id == user.pk
    )


@rules.predicate
def is_the_employee(user, employee) -> bool:
    return employee is not None and employee.user_id == user.pk


rules.add_perm(
    "competencies.view_employee_record", manages_employee | supervises_employee | is_the_employee
)
rules.add_perm("competencies.change_employee_record", manages_employee)
rules.add_perm("competencies.rate_employee", manages_employee | supervises_employee)


@rules.predicate
def approves_development_plan(user) -> bool:
    """The head of agency (docs/development-plan.md): the model permission
    `competencies.approve_developmentplan`, given to their account or a group. Not
    implied by the Administrator role: approving public money is not an IT task."""
    from django.contrib.auth.backends import ModelBackend

    return bool(
        user.is_authenticated
        and user.is_active
        and ModelBackend().has_perm(user, "competencies.approve_developmentplan")
    )


rules.add_perm("competencies.approve_development_plan", approves_development_plan)
