"""Notices of the yearly development cycle (issue 18; docs/idp.md, docs/development-plan.md),
through the portal's notification service (accounts.services: in-app always, e-mail unless
the person turned it off, rendered in the reader's language from
templates/notifications/idp.txt and development_plan.txt).

- an IDP proposed → the supervisor (the employee when the supervisor proposed it);
- an IDP agreed → the employee (the supervisor when the employee's agreement completed it);
- an IDP sent back to draft by the supervisor chain or HR → the employee;
- a coaching or mentoring session logged, waiting for confirmation → the supervisor;
- the agency's plan submitted for approval → everyone who may approve it
  (`competencies.approve_developmentplan`, by their account, a group, or as superuser);
- the plan approved or returned → the one who prepared it.

Each notice carries a deduplication key naming the event (with its time where the same
event can rightly happen again, e.g. a plan proposed a second time after a change), so a
double click or a retried request sends nothing twice. Called inside the services'
transactions: the e-mails go out after commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.models import Permission
from django.db.models import Q
from django.urls import reverse

from accounts.models import NotificationKind, User
from accounts.services import notify, notify_many

if TYPE_CHECKING:
    import datetime

    from competencies.models import CoachingSession, DevelopmentPlan, Idp


def _stamp(moment: datetime.datetime | None) -> str:
    return moment.strftime("%Y%m%d%H%M%S%f") if moment else "0"


def _supervisor_user(idp: Idp) -> User | None:
    supervisor = idp.employee.supervisor
    if supervisor is None or not supervisor.is_active or supervisor.user_id is None:
        return None
    return supervisor.user


def _idp_params(idp: Idp, actor: User) -> dict:
    return {"employee": idp.employee.display_name, "year": idp.year, "actor": str(actor)}


def _idp_url(idp: Idp) -> str:
    return reverse("idp:detail", args=[idp.pk])


def idp_proposed_notify(*, idp: Idp, actor: User) -> None:
    """The plan waits for the other side's agreement: the supervisor's, or the
    employee's when the supervisor proposed it."""
    employee_user = idp.employee.user
    recipient = _supervisor_user(idp) if actor.pk == employee_user.pk else employee_user
    if recipient is None or recipient.pk == actor.pk:
        return
    notify(
        user=recipient,
        kind=NotificationKind.IDP,
        params={"event": "proposed", **_idp_params(idp, actor)},
        url=_idp_url(idp),
        dedupe_key=f"idp:{idp.pk}:proposed:{_stamp(idp.proposed_at)}:{recipient.pk}",
    )


def idp_agreed_notify(*, idp: Idp, actor: User) -> None:
    """Both sides agreed: the employee is told (or, when the employee's own agreement
    completed it, the supervisor)."""
    employee_user = idp.employee.user
    recipient = employee_user if actor.pk != employee_user.pk else _supervisor_user(idp)
    if recipient is None or recipient.pk == actor.pk:
        return
    agreed_at = max(
        (t for t in (idp.employee_agreed_at, idp.supervisor_agreed_at) if t), default=None
    )
    notify(
        user=recipient,
        kind=NotificationKind.IDP,
        params={"event": "agreed", **_idp_params(idp, actor)},
        url=_idp_url(idp),
        dedupe_key=f"idp:{idp.pk}:agreed:{_stamp(agreed_at)}:{recipient.pk}",
    )


def idp_returned_notify(*, idp: Idp, actor: User, previous: str, note: str) -> None:
    """A proposed or agreed plan went back to draft by someone other than the employee
    (the supervisor chain or HR): the employee agrees again."""
    employee_user = idp.employee.user
    if actor.pk == employee_user.pk:
        return
    notify(
        user=employee_user,
        kind=NotificationKind.IDP,
        params={"event": "returned", "previous": previous, "note": note, **_idp_params(idp, actor)},
        url=_idp_url(idp),
        dedupe_key=f"idp:{idp.pk}:returned:{_stamp(idp.updated_at)}",
    )


def coaching_session_waiting_notify(*, session: CoachingSession, actor: User) -> None:
    """A session was logged: the employee's supervisor confirms it (it then earns JP)."""
    if session.activity is None:  # the activity was deleted since: nothing to confirm under
        return
    idp = session.activity.goal.idp
    recipient = _supervisor_user(idp)
    if recipient is None or recipient.pk == actor.pk:
        return
    notify(
        user=recipient,
        kind=NotificationKind.IDP,
        params={
            "event": "session_waiting",
            "date": session.date.isoformat(),
            "topic": session.topic,
            "coach": session.coach.display_name if session.coach else session.coach_name,
            **_idp_params(idp, actor),
        },
        url=_idp_url(idp),
        dedupe_key=f"coaching:{session.pk}:waiting",
    )


# THE AGENCY'S PLAN -------------------------------------------------------------------------


def plan_approver_ids() -> list[int]:
    """Active accounts that may approve the plan: the permission on the account or one of
    its groups, or a superuser (Django's rule, as `may_approve_plan`)."""
    permission = Permission.objects.filter(
        content_type__app_label="competencies", codename="approve_developmentplan"
    ).first()
    rule = Q(is_superuser=True)
    if permission is not None:
        rule |= Q(user_permissions=permission) | Q(groups__permissions=permission)
    return list(User.objects.filter(rule, is_active=True).values_list("pk", flat=True).distinct())


def _plan_params(plan: DevelopmentPlan, actor: User) -> dict:
    return {"year": plan.year, "revision": plan.revision, "actor": str(actor)}


def plan_submitted_notify(*, plan: DevelopmentPlan, actor: User) -> int:
    approvers = [pk for pk in plan_approver_ids() if pk != actor.pk]
    return notify_many(
        user_ids=approvers,
        kind=NotificationKind.DEVELOPMENT_PLAN,
        params={"event": "submitted", **_plan_params(plan, actor)},
        url=reverse("competencies_plan_detail", args=[plan.pk]),
        dedupe_prefix=f"devplan:{plan.pk}:submitted:{_stamp(plan.submitted_at)}",
    )


def plan_decided_notify(
    *, plan: DevelopmentPlan, actor: User, event: str, reason: str = ""
) -> None:
    """`event`: "approved" or "returned" (with the approver's reason)."""
    preparer = plan.prepared_by
    if preparer is None or preparer.pk == actor.pk:
        return
    moment = plan.approved_at if event == "approved" else plan.updated_at
    notify(
        user=preparer,
        kind=NotificationKind.DEVELOPMENT_PLAN,
        params={"event": event, "reason": reason, **_plan_params(plan, actor)},
        url=reverse("competencies_plan_detail", args=[plan.pk]),
        dedupe_key=f"devplan:{plan.pk}:{event}:{_stamp(moment)}",
    )
