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
