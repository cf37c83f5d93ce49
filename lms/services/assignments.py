"""Course assignments: creation (bulk), dynamic re-application, completion and HR's
decision on training proposals (reminders and due-date extensions are
lms.services.assignment_due_dates; the supervisor's nudges and proposals
lms.services.team; whom an assignment covers, lms.selectors.assignments).

The bulk path (`_recipients_add`) runs a fixed number of queries whatever the number of
employees: one read of existing recipients, one bulk insert of recipients, the bulk
enrolment (`enrolments_bulk_create`) and one `notify_many` (whose e-mails go out from a
sweep task after commit, never inline)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import NotificationKind
from accounts.services import notify, notify_many
from competencies.models import Employee, OrgUnit, Position
from competencies.selectors.hr_scope import employee_in_hr_scope, hr_scope_unit
from competencies.services import audit
from config.celery import enqueue_on_commit
from lms.models import (
    Assignment,
    AssignmentRecipient,
    AssignmentRule,
    Certificate,
    CoursePage,
    Enrolment,
    TrainingProposal,
)
from lms.selectors.assignments import assignment_target_employees
from lms.services.bulk import ids_q, rows_insert_new
from lms.services.enrolments import enrolments_bulk_create, enrolments_retake

if TYPE_CHECKING:
    from accounts.models import User

ASSIGNMENT_CREATE = "lms.assignment_create"
PROPOSAL_DECIDE = "lms.proposal_decide"

DYNAMIC_TARGETS = {
    Assignment.Target.UNITS,
    Assignment.Target.POSITIONS,
    Assignment.Target.POSITION_KINDS,
    Assignment.Target.RULE,
}


def _today() -> datetime.date:
    return timezone.localdate()


def _year_start(today: datetime.date) -> datetime.datetime:
    """Midnight of 1 January in the portal's time zone (Asia/Makassar): a yearly
    assignment is due once per calendar year, as JP are counted."""
    return datetime.datetime(today.year, 1, 1, tzinfo=timezone.get_default_timezone())


def _check_targets_in_scope(
    *,
    actor: User,
    employees: list[Employee],
    units: list[OrgUnit],
    positions: list[Position],
    rule: AssignmentRule | None,
) -> OrgUnit | None:
    """A unit-scoped HR manager may target only their subtree. Returns the scope."""
    scope = hr_scope_unit(user=actor)
    if scope is None:
        return None
    outside = _("A target is outside the part of the organisation you manage.")
    for unit in units:
        if not unit.path.startswith(scope.path):
            raise PermissionDenied(outside)
    for employee in employees:
        if not employee_in_hr_scope(user=actor, employee=employee):
            raise PermissionDenied(outside)
    for position in positions:
        if position.unit is not None and not position.unit.path.startswith(scope.path):
            raise PermissionDenied(outside)
    if rule is not None and (rule.unit is None or not rule.unit.path.startswith(scope.path)):
        raise PermissionDenied(outside)
    return scope


def assignment_create(
    *,
    actor: User,
    course: CoursePage,
    target_type: str,
    employees: list[Employee] | None = None,
    units: list[OrgUnit] | None = None,
    include_subunits: bool = True,
    positions: list[Position] | None = None,
    position_kinds: list[str] | None = None,
    rule: AssignmentRule | None = None,
    due_on: datetime.date | None = None,
    due_days: int | None = None,
    reason: str = "",
    recurs_yearly: bool = False,
) -> Assignment:
    """Creates the assignment and assigns everyone it covers now (enrolled, notified)."""
    if not actor.has_perm("portal.access_hr"):
        raise PermissionDenied
    employees, units, positions = employees or [], units or [], positions or []
    scope = _check_targets_in_scope(
        actor=actor, employees=employees, units=units, positions=positions, rule=rule
    )
    with transaction.atomic():
        assignment = Assignment(
            course=course,
            course_title=course.title,
            target_type=target_type,
            include_subunits=include_subunits,
            position_kinds=list(position_kinds or []),
            rule=rule,
            scope_unit=scope,
            due_on=due_on,
            due_days=due_days,
            reason=reason,
            recurs_yearly=recurs_yearly,
            created_by=actor,
        )
        assignment.full_clean()
        assignment.save()
        assignment.employees.set(employees)
        assignment.units.set(units)
        assignment.positions.set(positions)
        audit.audit_log(instance=assignment, action=ASSIGNMENT_CREATE, user=actor, note=reason)
        assignment_apply(assignment=assignment, actor=actor)
    return assignment


def _due_for(assignment: Assignment, today: datetime.date) -> datetime.date:
    if assignment.due_on is not None:
        return assignment.due_on
    return today + datetime.timedelta(days=assignment.due_days or 0)


def _recipients_add(
    *,
    assignment: Assignment,
    people: list[tuple[int, int]],
    actor: User | None,
    cycle: int = 1,
) -> int:
    """Assigns (employee id, user id) pairs: recipients, enrolments, notices. Employees
    already holding a row for this cycle are left alone, except a withdrawn row, which
    reopens. A fixed number of queries; the inserts skip rows a concurrent run already
    wrote (unique constraints), so running twice adds nothing. Returns how many were
    newly assigned."""
    if not people or assignment.course is None:
        return 0
    now = timezone.now()
    due_on = _due_for(assignment, timezone.localdate(now))
    existing = dict(
        AssignmentRecipient.objects.filter(
            ids_q("employee_id", [e for e, _u in people]), assignment=assignment, cycle=cycle
        ).values_list("employee_id", "status")
    )
    reopen = {e for e, status in existing.items() if status == AssignmentRecipient.Status.WITHDRAWN}
    fresh = [(e, u) for e, u in people if e not in existing]
    if reopen:
        AssignmentRecipient.objects.filter(
            assignment=assignment, cycle=cycle, employee_id__in=list(reopen)
        ).update(status=AssignmentRecipient.Status.OPEN, withdrawn_at=None, due_on=due_on)
    newly = fresh + [(e, u) for e, u in people if e in reopen]
    if not newly:
        return 0
    enrolments = enrolments_bulk_create(
        user_ids=[u for _e, u in newly], course=assignment.course, due_on=due_on, actor=actor
    )
    done = {
        u: e.completed_at
        for u, e in enrolments.items()
        if e.status == Enrolment.Status.COMPLETED and not assignment.recurs_yearly
    }
    if assignment.recurs_yearly:
        # Completed in an earlier year: this year's obligation needs a fresh cycle.
        enrolments_retake(
            user_ids=[u for _e, u in newly],
            course=assignment.course,
            completed_before=_year_start(timezone.localdate(now)),
            due_on=due_on,
            actor=actor,
        )
    completed = AssignmentRecipient.Status.COMPLETED
    rows_insert_new(
        AssignmentRecipient,
        same={
            "assignment_id": assignment.pk,
            "cycle": cycle,
            "assigned_at": now,
            "due_on": due_on,
        },
        each={
            "employee_id": [e for e, _u in fresh],
            "user_id": [u for _e, u in fresh],
            "status": [
                completed if u in done else AssignmentRecipient.Status.OPEN for _e, u in fresh
            ],
            "completed_at": [done.get(u) for _e, u in fresh],
        },
    )
    notify_many(
        user_ids=[u for _e, u in newly if u not in done],
        kind=NotificationKind.ASSIGNMENT_NEW,
        params={
            "course": assignment.course_title,
            "due": due_on.isoformat(),
            "reason": assignment.reason,
        },
        url="/learning/",
        dedupe_prefix=f"assignment:{assignment.pk}:c{cycle}:new:{due_on.isoformat()}",
    )
    return len(newly)


def assignment_apply(
    *, assignment: Assignment, actor: User | None = None, employee_ids: list[int] | None = None
) -> tuple[int, int]:
    """Brings the assignment's recipients in line with whom it covers now: assigns the
    newcomers, withdraws the open rows of people no longer covered (their history and
    enrolment stay; an untouched assignment-only enrolment becomes withdrawn). With
    `employee_ids`, looks at those employees only. Returns (added, withdrawn)."""
    if not assignment.is_active:
        return (0, 0)
    with transaction.atomic():
        covered = assignment_target_employees(assignment=assignment)
        if employee_ids is not None:
            covered = covered.filter(pk__in=employee_ids)
        people = list(covered.values_list("pk", "user_id"))
        cycle = (
            AssignmentRecipient.objects.filter(assignment=assignment)
            .order_by("-cycle")
            .values_list("cycle", flat=True)
            .first()
            or 1
        )
        added = _recipients_add(assignment=assignment, people=people, actor=actor, cycle=cycle)
        leavers = AssignmentRecipient.objects.filter(
            assignment=assignment, status=AssignmentRecipient.Status.OPEN
        ).exclude(ids_q("employee_id", [e for e, _u in people]))
        if employee_ids is not None:
            leavers = leavers.filter(employee_id__in=employee_ids)
        leaver_users = list(leavers.values_list("user_id", flat=True))
        withdrawn = leavers.update(
            status=AssignmentRecipient.Status.WITHDRAWN, withdrawn_at=timezone.now()
        )
        if leaver_users and assignment.course_id:
            still_open = AssignmentRecipient.objects.filter(
                assignment__course_id=assignment.course_id,
                user_id__in=leaver_users,
                status=AssignmentRecipient.Status.OPEN,
            ).values("user_id")
            Enrolment.objects.filter(
                course_id=assignment.course_id,
                user_id__in=leaver_users,
                is_current=True,
                status=Enrolment.Status.ACTIVE,
                source=Enrolment.Source.ASSIGNMENT,
            ).exclude(user_id__in=still_open).update(
                status=Enrolment.Status.WITHDRAWN, updated_at=timezone.now()
            )
    return (added, withdrawn)


def assignment_rules_apply(*, employee_ids: list[int] | None = None) -> int:
    """Re-applies every active assignment (nightly, and for changed employees after an
    HR edit or import). Safe to run twice. Returns how many rows changed."""
    total = 0
    for assignment in Assignment.objects.filter(is_active=True).select_related(
        "course", "rule__unit", "scope_unit"
    ):
        added, withdrawn = assignment_apply(assignment=assignment, employee_ids=employee_ids)
        total += added + withdrawn
    if employee_ids is None:
        total += assignment_cycles_open()
    return total


def assignment_cycles_open(*, today: datetime.date | None = None) -> int:
    """Opens this year's enrolment cycle for the open rows of yearly assignments whose
    learner's current enrolment was completed in an earlier year (nightly, from
    `assignment_rules_apply`). The completed enrolment stays as history; the new one
    starts without progress. Idempotent. One query, plus one retake per course."""
    today = today or _today()
    rows = (
        AssignmentRecipient.objects.filter(
            status=AssignmentRecipient.Status.OPEN,
            assignment__is_active=True,
            assignment__recurs_yearly=True,
            assignment__course__isnull=False,
        )
        .values_list("assignment__course_id", "user_id", "due_on")
        .order_by("assignment__course_id", "due_on")
    )
    by_course: dict[int, dict[int, datetime.date]] = defaultdict(dict)
    for course_id, user_id, due_on in rows:
        by_course[course_id].setdefault(user_id, due_on)
    opened = 0
    courses = CoursePage.objects.in_bulk(list(by_course))
    for course_id, users in by_course.items():
        by_due: dict[datetime.date, list[int]] = defaultdict(list)
        for user_id, due_on in users.items():
            by_due[due_on].append(user_id)
        for due_on, user_ids in by_due.items():
            opened += len(
                enrolments_retake(
                    user_ids=user_ids,
                    course=courses[course_id],
                    completed_before=_year_start(today),
                    due_on=due_on,
                )
            )
    return opened


def employees_changed(*, employee_ids: list[int]) -> None:
    """Handler of settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS (called after commit)."""
    from lms.tasks import assignment_rules_apply as assignment_rules_apply_task

    # Outside a transaction by now, so this queues at once; a broker outage is logged
    # and the nightly rules job applies the change.
    enqueue_on_commit(assignment_rules_apply_task, list(employee_ids))


# SAVED RULES ----------------------------------------------------------------------------

RULE_SAVE = "lms.assignment_rule_save"
RULE_DELETE = "lms.assignment_rule_delete"


def _check_rule_scope(*, actor: User, rule: AssignmentRule) -> None:
    if not actor.has_perm("portal.access_hr"):
        raise PermissionDenied
    scope = hr_scope_unit(user=actor)
    if scope is not None and (rule.unit is None or not rule.unit.path.startswith(scope.path)):
        raise PermissionDenied(_("A target is outside the part of the organisation you manage."))


def assignment_rule_save(*, actor: User, rule: AssignmentRule) -> AssignmentRule:
    """Creates or updates a saved rule (HR in scope; a unit-scoped manager's rule must
    name a unit inside their subtree). Assignments using the rule are re-applied
    nightly, or at once here when the criteria changed."""
    _check_rule_scope(actor=actor, rule=rule)
    if rule.pk:
        _check_rule_scope(actor=actor, rule=AssignmentRule.objects.get(pk=rule.pk))
    created = rule.pk is None
    with transaction.atomic():
        rule.full_clean()
        rule.save()
        audit.audit_log(
            instance=rule, action=RULE_SAVE, user=actor, note="created" if created else ""
        )
        if not created:
            for assignment in rule.assignments.filter(is_active=True).select_related(
                "course", "scope_unit", "rule__unit"
            ):
                assignment_apply(assignment=assignment, actor=actor)
    return rule


def assignment_rule_delete(*, actor: User, rule: AssignmentRule) -> None:
    """Deletes a saved rule that no assignment uses (assignments keep their rule so
    that the dynamic re-application still works)."""
    _check_rule_scope(actor=actor, rule=rule)
    if rule.assignments.exists():
        raise ValidationError(_("This rule is used by assignments and cannot be deleted."))
    with transaction.atomic():
        audit.audit_log(instance=rule, action=RULE_DELETE, user=actor, note=rule.name)
        rule.delete()


# COMPLETION ---------------------------------------------------------------------------


def _completed_notice_key(enrolment_id: int) -> str:
    return f"enrolment:{enrolment_id}:completed"


def assignment_enrolment_completed(*, enrolment_id: int) -> None:
    """Completion hook: sends the completion notice, completes the person's open
    assignment rows for the course and, for yearly ones, opens next year's cycle.
    Idempotent (notice by key, rows by status)."""
    enrolment = Enrolment.objects.filter(pk=enrolment_id, status=Enrolment.Status.COMPLETED).first()
    if enrolment is None or enrolment.completed_at is None:
        return
    with transaction.atomic():
        notify(
            user=enrolment.user,
            kind=NotificationKind.COURSE_COMPLETED,
            params={"course": enrolment.course_title, "jp": str(enrolment.jp_earned or 0)},
            url="/learning/",
            dedupe_key=_completed_notice_key(enrolment.pk),
        )
        rows = list(
            AssignmentRecipient.objects.select_for_update()
            .select_related("assignment")
            .filter(
                user_id=enrolment.user_id,
                assignment__course_id=enrolment.course_id,
                status=AssignmentRecipient.Status.OPEN,
                # A row opened after this completion (next year's cycle) needs the
                # next enrolment cycle, so a second run of the hook completes nothing.
                assigned_at__lte=enrolment.completed_at,
            )
        )
        if not enrolment.is_current or _certificate_revoked(enrolment.pk):
            # A revoked certificate reopened the rows (assignment_completion_undo): a late
            # run of this hook must not complete them again.
            rows = []
        for row in rows:
            row.status = AssignmentRecipient.Status.COMPLETED
            row.completed_at = enrolment.completed_at
            row.save(update_fields=["status", "completed_at"])
            if row.assignment.recurs_yearly and row.assignment.is_active:
                AssignmentRecipient.objects.get_or_create(
                    assignment=row.assignment,
                    employee_id=row.employee_id,
                    cycle=row.cycle + 1,
                    defaults={
                        "user_id": row.user_id,
                        "assigned_at": timezone.now(),
                        "due_on": _next_due(row.due_on, completed=enrolment.completed_at),
                    },
                )


def _certificate_revoked(enrolment_id: int) -> bool:
    return Certificate.objects.filter(
        enrolment_id=enrolment_id, is_current=True, status=Certificate.Status.REVOKED
    ).exists()


def assignment_completion_undo(*, enrolment: Enrolment) -> int:
    """The enrolment no longer counts as completing its course (its certificate was
    revoked): the person's assignment rows it completed are open again (status "Open",
    no completion date), so the supervisor and HR see the assignment as not done and the
    reminders resume. Next year's cycle opened by a yearly assignment is left as it is.
    Called inside the revocation's transaction; idempotent. Returns how many rows."""
    if enrolment.completed_at is None:
        return 0
    rows = list(
        AssignmentRecipient.objects.select_for_update().filter(
            user_id=enrolment.user_id,
            assignment__course_id=enrolment.course_id,
            status=AssignmentRecipient.Status.COMPLETED,
            completed_at=enrolment.completed_at,
        )
    )
    for row in rows:
        row.status = AssignmentRecipient.Status.OPEN
        row.completed_at = None
        row.save(update_fields=["status", "completed_at"])
    return len(rows)


def _next_due(due_on: datetime.date, *, completed: datetime.datetime) -> datetime.date:
    """The next yearly due date: the first anniversary of `due_on` in a calendar year
    (WITA) after the completion's. A late completion (due 31-12-2024, done 15-01-2025)
    fulfils the year it falls in, so the next one is due 31-12-2026, not a date that the
    person could never meet with a fresh cycle (cycles open from 1 January)."""
    completed_year = timezone.localtime(completed).year
    due = _next_year(due_on)
    while due.year <= completed_year:
        due = _next_year(due)
    return due


def _next_year(day: datetime.date) -> datetime.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def training_proposal_decide(
    *,
    actor: User,
    proposal: TrainingProposal,
    approve: bool,
    due_on: datetime.date | None = None,
    due_days: int | None = 30,
) -> TrainingProposal:
    """HR approves (the proposal becomes an assignment of that one employee) or rejects."""
    if not employee_in_hr_scope(user=actor, employee=proposal.employee):
        raise PermissionDenied
    with transaction.atomic():
        proposal = TrainingProposal.objects.select_for_update().get(pk=proposal.pk)
        if proposal.status != TrainingProposal.Status.PENDING:
            raise ValidationError(_("This proposal has already been decided."))
        if approve:
            if proposal.course is None:
                raise ValidationError(_("The course no longer exists."))
            proposal.assignment = assignment_create(
                actor=actor,
                course=proposal.course,
                target_type=Assignment.Target.EMPLOYEES,
                employees=[proposal.employee],
                due_on=due_on,
                due_days=None if due_on else due_days,
                reason=proposal.reason,
            )
        proposal.status = (
            TrainingProposal.Status.APPROVED if approve else TrainingProposal.Status.REJECTED
        )
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.save()
        audit.audit_log(
            instance=proposal,
            action=PROPOSAL_DECIDE,
            user=actor,
            changes={"status": ["pending", proposal.status]},
        )
    return proposal
