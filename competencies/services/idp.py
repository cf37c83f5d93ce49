"""Writes of individual development plans (docs/idp.md): the plan and its goals drawn
from the gaps, activities, the draft → proposed → agreed workflow, the reviews, and the
coaching sessions that become training records once the supervisor confirms them.

Who may do what: the employee, their supervisor chain and HR in scope may shape the plan
while it is a draft or proposed; any change to a proposed or agreed plan sends it back to
draft and clears both agreements. The employee agrees for themselves, someone in the
supervisor chain for the supervisor; HR sees and edits but does not agree for either."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies import webhooks
from competencies.formats import jp_display
from competencies.models import (
    CoachingSession,
    Competency,
    Employee,
    Idp,
    IdpActivity,
    IdpGoal,
    IdpReview,
    IdpReviewItem,
    TrainingRecord,
)
from competencies.selectors.gaps import competency_gaps_for_employee
from competencies.selectors.idp import (
    KIND_CONVERSION,
    IdpRole,
    idp_activity_jp_cap,
    idp_activity_target,
    idp_evidence,
    idp_require_access,
    supervisor_chain,
)
from competencies.services import audit, development_notices
from competencies.services.summaries import jp_years_refresh

if TYPE_CHECKING:
    from accounts.models import User

# Plans may be written for last year (its end-of-year review), this year and next.
YEARS_BACK, YEARS_AHEAD = 1, 1


def _lock(idp: Idp) -> Idp:
    return Idp.objects.select_for_update(of=("self",)).select_related("employee").get(pk=idp.pk)


def _editable_years() -> range:
    today = timezone.localdate()
    return range(today.year - YEARS_BACK, today.year + YEARS_AHEAD + 1)


def _back_to_draft(idp: Idp, *, actor: User, note: str) -> None:
    """After a change to the plan (`note` says which): the audit entry, and a proposed or
    agreed plan goes back to draft with both agreements cleared."""
    previous = idp.status
    if previous != Idp.Status.DRAFT:
        idp.status = Idp.Status.DRAFT
        idp.proposed_by = None
        idp.proposed_at = None
        idp.employee_agreed_by = None
        idp.employee_agreed_at = None
        idp.supervisor_agreed_by = None
        idp.supervisor_agreed_at = None
    idp.save()
    audit.audit_log(
        instance=idp,
        action=audit.EDIT,
        user=actor,
        changes={"status": [previous, Idp.Status.DRAFT]} if previous != idp.status else None,
        note=note,
    )
    if previous != Idp.Status.DRAFT:
        development_notices.idp_returned_notify(idp=idp, actor=actor, previous=previous, note=note)


# THE PLAN AND ITS GOALS ----------------------------------------------------------------


@transaction.atomic
def idp_create(*, actor: User, employee: Employee, year: int) -> Idp:
    """The employee's plan for `year`, a draft whose goals are the competencies the
    employee is below the position's standard in (largest gap first). Returns the
    existing plan when there is one (a double submit creates nothing)."""
    idp_require_access(user=actor, employee=employee)
    if year not in _editable_years():
        raise ValidationError(
            {"year": _("A plan can be made for last year, this year or next year.")}
        )
    # Lock the employee row: two submits at once wait here, and the second finds the plan.
    Employee.objects.select_for_update().filter(pk=employee.pk).first()
    existing = Idp.objects.filter(employee=employee, year=year).first()
    if existing is not None:
        return existing
    idp = Idp(employee=employee, year=year)
    idp.full_clean()
    idp.save()
    gaps = sorted(
        (g for g in competency_gaps_for_employee(employee=employee) if g.gap > 0),
        key=lambda g: (-g.gap, g.competency.code),
    )
    IdpGoal.objects.bulk_create(
        IdpGoal(
            idp=idp,
            competency=g.competency,
            title=_("Reach level %(level)s in %(competency)s")
            % {"level": g.required_level, "competency": g.competency.name},
            required_level=g.required_level,
            current_level=g.current_level,
            sort_order=i,
        )
        for i, g in enumerate(gaps)
    )
    audit.audit_log(instance=idp, action=audit.CREATE, user=actor)
    return idp


@transaction.atomic
def idp_goal_add(
    *, actor: User, idp: Idp, title: str, competency: Competency | None = None
) -> IdpGoal:
    idp = _lock(idp)
    idp_require_access(user=actor, employee=idp.employee)
    if competency is not None and idp.goals.filter(competency=competency).exists():
        raise ValidationError({"competency": _("The plan already has a goal on this competency.")})
    goal = IdpGoal(
        idp=idp,
        competency=competency,
        title=title.strip(),
        sort_order=idp.goals.count(),
    )
    goal.full_clean()
    goal.save()
    _back_to_draft(idp, actor=actor, note=_("Goal added: %(goal)s") % {"goal": goal.title})
    return goal


@transaction.atomic
def idp_goal_delete(*, actor: User, goal: IdpGoal) -> None:
    idp = _lock(goal.idp)
    idp_require_access(user=actor, employee=idp.employee)
    if CoachingSession.objects.filter(activity__goal=goal).exists():
        raise ValidationError(
            _("Sessions were logged under this goal's activities; it cannot be removed.")
        )
    title = goal.title
    goal.delete()
    _back_to_draft(idp, actor=actor, note=_("Goal removed: %(goal)s") % {"goal": title})


# ACTIVITIES ---------------------------------------------------------------------------


def _activity_check(
    *,
    idp: Idp,
    kind: str,
    target_id: int | None,
    coach: Employee | None,
    coach_name: str,
    target_date: datetime.date,
    expected_jp: Decimal,
) -> tuple[str, int | None, int | None]:
    """Checks an activity before anything is written; returns (target title, course page
    id, batch id). Raises ValidationError keyed by form field."""
    errors: dict[str, str] = {}
    if target_date.year != idp.year:
        errors["target_date"] = _("The target date must fall in %(year)s, the plan's year.") % {
            "year": idp.year
        }
    if expected_jp < 0:
        errors["expected_jp"] = _("The expected JP cannot be negative.")
    title, course_page_id, batch_id = "", None, None
    if kind in (IdpActivity.Kind.COURSE, IdpActivity.Kind.CLASSROOM):
        target = idp_activity_target(kind=kind, target_id=target_id) if target_id else None
        if target is None:
            errors["target"] = (
                _("This course is no longer in the catalogue. Choose another.")
                if kind == IdpActivity.Kind.COURSE
                else _("This classroom batch no longer exists or is cancelled. Choose another.")
            )
        else:
            title = target.title
            course_page_id = target.course_page_id
            batch_id = target_id if kind == IdpActivity.Kind.CLASSROOM else None
    if kind in (IdpActivity.Kind.COACHING, IdpActivity.Kind.MENTORING):
        if coach is None and not coach_name.strip():
            errors["coach"] = _("Name the coach or mentor.")
        if coach is not None and coach.pk == idp.employee_id:
            errors["coach"] = _("An employee cannot coach themselves.")
    if "target_date" not in errors and "expected_jp" not in errors:
        cap = idp_activity_jp_cap(kind=kind, year=idp.year, target_date=target_date)
        if cap is not None and expected_jp > cap:
            errors["expected_jp"] = _(
                "At most %(cap)s JP: the JP conversion table caps this kind of activity "
                "by %(date)s."
            ) % {"cap": jp_display(cap), "date": target_date.strftime("%d-%m-%Y")}
    if errors:
        raise ValidationError(errors)
    return title, course_page_id, batch_id


@transaction.atomic
def idp_activity_add(
    *,
    actor: User,
    goal: IdpGoal,
    kind: str,
    target_date: datetime.date,
    expected_jp: Decimal,
    description: str = "",
    target_id: int | None = None,
    coach: Employee | None = None,
    coach_name: str = "",
) -> IdpActivity:
    """Adds an activity to a goal: a course (`target_id` a course page), a classroom
    batch (`target_id` a batch), coaching or mentoring by `coach` or `coach_name`, an
    on-the-job assignment or self-study. Nothing is written when a check fails."""
    idp = _lock(goal.idp)
    idp_require_access(user=actor, employee=idp.employee)
    title, course_page_id, batch_id = _activity_check(
        idp=idp,
        kind=kind,
        target_id=target_id,
        coach=coach,
        coach_name=coach_name,
        target_date=target_date,
        expected_jp=expected_jp,
    )
    coaching = kind in (IdpActivity.Kind.COACHING, IdpActivity.Kind.MENTORING)
    activity = IdpActivity(
        goal=goal,
        kind=kind,
        description=description.strip(),
        course_id=course_page_id,
        classroom_batch_id=batch_id,
        target_title=title,
        coach=coach if coaching else None,
        coach_name=coach_name.strip() if coaching and coach is None else "",
        target_date=target_date,
        expected_jp=expected_jp,
    )
    activity.full_clean()
    activity.save()
    _back_to_draft(
        idp, actor=actor, note=_("Activity added: %(activity)s") % {"activity": activity.title}
    )
    return activity


@transaction.atomic
def idp_activity_delete(*, actor: User, activity: IdpActivity) -> None:
    idp = _lock(activity.goal.idp)
    idp_require_access(user=actor, employee=idp.employee)
    if activity.sessions.exists():
        raise ValidationError(_("Sessions were logged under this activity; it cannot be removed."))
    title = activity.title
    activity.delete()
    _back_to_draft(idp, actor=actor, note=_("Activity removed: %(activity)s") % {"activity": title})


# WORKFLOW -----------------------------------------------------------------------------


def _agree_as(idp: Idp, *, actor: User, roles: set[IdpRole]) -> None:
    now = timezone.now()
    if IdpRole.EMPLOYEE in roles and idp.employee_agreed_by_id is None:
        idp.employee_agreed_by = actor
        idp.employee_agreed_at = now
    if IdpRole.SUPERVISOR in roles and idp.supervisor_agreed_by_id is None:
        idp.supervisor_agreed_by = actor
        idp.supervisor_agreed_at = now


@transaction.atomic
def idp_propose(*, actor: User, idp: Idp) -> Idp:
    """Draft → proposed, with the proposer's own agreement (the employee's or the
    supervisor's). Every goal needs at least one activity."""
    idp = _lock(idp)
    roles = idp_require_access(user=actor, employee=idp.employee)
    if idp.status != Idp.Status.DRAFT:
        return idp  # proposed already (a double submit)
    if not roles & {IdpRole.EMPLOYEE, IdpRole.SUPERVISOR}:
        raise PermissionDenied(_("Only the employee or their supervisor proposes the plan."))
    goals = list(idp.goals.prefetch_related("activities"))
    if not goals:
        raise ValidationError(_("Add at least one goal before proposing the plan."))
    empty = [g.title for g in goals if not g.activities.all()]
    if empty:
        raise ValidationError(
            _("Each goal needs at least one activity. Without one: %(goals)s.")
            % {"goals": "; ".join(empty)}
        )
    idp.status = Idp.Status.PROPOSED
    idp.proposed_by = actor
    idp.proposed_at = timezone.now()
    _agree_as(idp, actor=actor, roles=roles)
    _maybe_agreed(idp)
    idp.save()
    audit.audit_log(
        instance=idp,
        action=audit.EDIT,
        user=actor,
        changes={"status": [Idp.Status.DRAFT, idp.status]},
    )
    if idp.status == Idp.Status.AGREED:
        development_notices.idp_agreed_notify(idp=idp, actor=actor)
    else:
        development_notices.idp_proposed_notify(idp=idp, actor=actor)
    return idp


def _maybe_agreed(idp: Idp) -> None:
    if idp.employee_agreed_by_id is not None and idp.supervisor_agreed_by_id is not None:
        idp.status = Idp.Status.AGREED


@transaction.atomic
def idp_agree(*, actor: User, idp: Idp) -> Idp:
    """The employee or someone in the supervisor chain agrees a proposed plan; with both
    agreements it is agreed. Agreeing twice changes nothing."""
    idp = _lock(idp)
    roles = idp_require_access(user=actor, employee=idp.employee)
    if not roles & {IdpRole.EMPLOYEE, IdpRole.SUPERVISOR}:
        raise PermissionDenied(_("Only the employee and their supervisor agree the plan."))
    if idp.status == Idp.Status.AGREED:
        return idp
    if idp.status != Idp.Status.PROPOSED:
        raise ValidationError(_("Only a proposed plan can be agreed."))
    previous = idp.status
    _agree_as(idp, actor=actor, roles=roles)
    _maybe_agreed(idp)
    idp.save()
    audit.audit_log(
        instance=idp,
        action=audit.EDIT,
        user=actor,
        changes={"status": [previous, idp.status]} if previous != idp.status else None,
        note=_("Agreed"),
    )
    if idp.status == Idp.Status.AGREED:
        development_notices.idp_agreed_notify(idp=idp, actor=actor)
    return idp


@transaction.atomic
def idp_reopen(*, actor: User, idp: Idp) -> Idp:
    """Back to draft on purpose (to change it); both agree again afterwards."""
    idp = _lock(idp)
    idp_require_access(user=actor, employee=idp.employee)
    if idp.status != Idp.Status.DRAFT:
        _back_to_draft(idp, actor=actor, note=_("Reopened to change it: back to draft."))
    return idp


# REVIEWS ------------------------------------------------------------------------------


@transaction.atomic
def idp_review_record(
    *,
    actor: User,
    idp: Idp,
    stage: str,
    summary: str,
    notes: dict[int, str] | None = None,
    done: set[int] | None = None,
) -> IdpReview:
    """The mid-year or end-of-year review of an agreed plan: what was done. Each activity
    is linked automatically to the completion or training record that shows it
    (`idp_evidence`), which also marks it done; `done` marks others done by hand (an
    on-the-job assignment rarely leaves a record). Recording a stage again replaces it."""
    idp = _lock(idp)
    roles = idp_require_access(user=actor, employee=idp.employee)
    if not roles & {IdpRole.EMPLOYEE, IdpRole.SUPERVISOR}:
        raise PermissionDenied(_("The employee and their supervisor review the plan."))
    if idp.status != Idp.Status.AGREED:
        raise ValidationError(_("Only an agreed plan is reviewed."))
    if stage not in IdpReview.Stage.values:
        raise ValidationError({"stage": _("Choose the mid-year or the end-of-year review.")})
    notes = notes or {}
    done = done or set()
    plan = Idp.objects.prefetch_related("goals__activities").get(pk=idp.pk)
    activities = [a for g in plan.goals.all() for a in g.activities.all()]
    unknown = (set(notes) | done) - {a.pk for a in activities}
    if unknown:
        raise ValidationError(_("The review names an activity that is not in this plan."))
    evidence = idp_evidence(idp=plan)
    review, _created = IdpReview.objects.update_or_create(
        idp=idp,
        stage=stage,
        defaults={"summary": summary.strip(), "reviewed_by": actor, "reviewed_at": timezone.now()},
    )
    review.full_clean()
    review.items.all().delete()
    items = []
    for activity in activities:
        record = evidence.get(activity.pk)
        item = IdpReviewItem(
            review=review,
            activity=activity,
            done=record is not None or activity.pk in done,
            training_record=record,
            jp=record.jp if record is not None else Decimal(0),
            note=notes.get(activity.pk, "").strip()[:500],
        )
        items.append(item)
    IdpReviewItem.objects.bulk_create(items)
    audit.audit_log(instance=idp, action=audit.EDIT, user=actor, note=str(review))
    return review


# COACHING AND MENTORING SESSIONS ------------------------------------------------------------


@transaction.atomic
def coaching_session_log(
    *,
    actor: User,
    activity: IdpActivity,
    date: datetime.date,
    topic: str,
    notes: str = "",
) -> CoachingSession:
    """The employee or the coach logs a session of a coaching or mentoring activity. It
    earns JP once the supervisor confirms it (`coaching_session_confirm`)."""
    activity = IdpActivity.objects.select_related("goal__idp__employee", "coach").get(
        pk=activity.pk
    )
    employee = activity.goal.idp.employee
    is_coach = activity.coach is not None and activity.coach.user_id == actor.pk
    if employee.user_id != actor.pk and not is_coach:
        raise PermissionDenied(_("The employee or the coach logs a session."))
    if activity.kind not in (IdpActivity.Kind.COACHING, IdpActivity.Kind.MENTORING):
        raise ValidationError(_("Sessions are logged under a coaching or mentoring activity."))
    if date > timezone.localdate():
        raise ValidationError({"date": _("A session is logged after it took place.")})
    if date.year != activity.goal.idp.year:
        raise ValidationError(
            {
                "date": _("The session must fall in %(year)s, the plan's year.")
                % {"year": activity.goal.idp.year}
            }
        )
    session = CoachingSession(
        employee=employee,
        activity=activity,
        kind=activity.kind,
        date=date,
        coach=activity.coach,
        coach_name=activity.coach_name,
        topic=topic.strip(),
        notes=notes.strip(),
        logged_by=actor,
    )
    session.full_clean()
    session.save()
    development_notices.coaching_session_waiting_notify(session=session, actor=actor)
    return session


@transaction.atomic
def coaching_session_confirm(*, actor: User, session: CoachingSession) -> CoachingSession:
    """The employee's supervisor (anyone in the chain) confirms a session: it becomes an
    approved training record whose JP the conversion table gives for one session on that
    date, within the monthly cap (competencies.selectors.jp_conversion), and the yearly
    JP summary is refreshed in the same transaction, so the JP count everywhere.
    Confirming twice changes nothing."""
    session = (
        CoachingSession.objects.select_for_update(of=("self",))
        .select_related("employee", "coach")
        .get(pk=session.pk)
    )
    if session.status == CoachingSession.Status.CONFIRMED:
        return session
    employee = session.employee
    if not any(s.user_id == actor.pk for s in supervisor_chain(employee=employee)):
        raise PermissionDenied(_("Only the employee's supervisor confirms a session."))
    from competencies.selectors.jp_conversion import jp_compute_for_employee

    development_type, activity_kind = KIND_CONVERSION[session.kind]
    computation = jp_compute_for_employee(
        employee=employee,
        development_type=development_type,
        activity=activity_kind,
        started_on=session.date,
        finished_on=session.date,
        units=Decimal(1),
        international=False,
    )
    now = timezone.now()
    record = TrainingRecord(
        employee=employee,
        source=TrainingRecord.Source.EXTERNAL,
        source_key=f"coaching:{session.pk}",
        title=_("%(kind)s: %(topic)s")
        % {"kind": session.get_kind_display(), "topic": session.topic},
        organiser=session.coach_label or _("Supervisor"),
        development_type=development_type,
        started_on=session.date,
        finished_on=session.date,
        jp=computation.jp,
        activity=activity_kind,
        jp_rule=computation.rule,
        jp_units=computation.units,
        jp_computed=computation.jp,
        status=TrainingRecord.Status.APPROVED,
        submitted_by=session.logged_by,
        decided_by=actor,
        decided_at=now,
        decision_note=computation.explanation,
    )
    record.full_clean()
    record.save()
    audit.audit_log(instance=record, action=audit.CREATE, user=actor)
    transaction.on_commit(lambda: webhooks.record_changed(record_id=record.pk))
    session.status = CoachingSession.Status.CONFIRMED
    session.confirmed_by = actor
    session.confirmed_at = now
    session.training_record = record
    session.save(update_fields=["status", "confirmed_by", "confirmed_at", "training_record"])
    jp_years_refresh(employee_ids=[employee.pk])
    return session
