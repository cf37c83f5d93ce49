"""Training-need proposals (docs/transparency.md, "Proposals"): an employee proposes, a
colleague supports (one vote each, idempotent), HR answers and the people involved are
notified."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import NotificationKind, User
from accounts.services import notify, notify_many
from competencies.services.audit import audit_log, changes_between, snapshot
from lms.models import TrainingNeedProposal, TrainingNeedSupport

if TYPE_CHECKING:
    from competencies.models import Competency
    from lms.models import CoursePage

ANSWER_ACTION = "lms.need_proposal_answer"
ANSWER_FIELDS = ("status", "planned_course", "response")


def proposal_create(
    *, user: User, topic: str, reason: str, competency: Competency
) -> TrainingNeedProposal:
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    employee = getattr(user, "employee", None)
    proposal = TrainingNeedProposal(
        topic=topic.strip(),
        reason=reason.strip(),
        competency=competency,
        proposed_by=user,
        unit_id=employee.unit_id if employee is not None else None,
    )
    proposal.full_clean()
    with transaction.atomic():
        proposal.save()
        audit_log(instance=proposal, action="wagtail.create", user=user)
    return proposal


def proposal_support(*, proposal: TrainingNeedProposal, user: User) -> bool:
    """Adds the user's vote. Returns False (and changes nothing) when the vote is already
    there, e.g. after a double click; the unique constraint settles a race."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied
    if proposal.proposed_by_id == user.pk:
        raise ValidationError(_("You cannot support your own proposal."))
    if not proposal.is_supportable:
        raise ValidationError(_("This proposal has been answered and takes no more support."))
    if TrainingNeedSupport.objects.filter(proposal=proposal, user=user).exists():
        return False
    try:
        with transaction.atomic():
            TrainingNeedSupport.objects.create(proposal=proposal, user=user)
    except IntegrityError:
        return False
    return True


def proposal_unsupport(*, proposal: TrainingNeedProposal, user: User) -> bool:
    deleted, _rows = TrainingNeedSupport.objects.filter(proposal=proposal, user=user).delete()
    return bool(deleted)


def _can_answer(actor: User, proposal: TrainingNeedProposal) -> bool:
    from competencies.selectors.hr_scope import hr_scope_unit

    if not actor.has_perm("portal.access_hr"):
        return False
    scope = hr_scope_unit(user=actor)
    if scope is None:
        return True
    return proposal.unit is not None and proposal.unit.path.startswith(scope.path)


def proposal_answer(
    *,
    proposal: TrainingNeedProposal,
    actor: User,
    status: str,
    planned_course: CoursePage | None = None,
    response: str = "",
    notify_supporters: bool = True,
) -> TrainingNeedProposal:
    """HR sets the status (under review, planned with a course, declined with a reason).
    The proposer, and the supporters unless told otherwise, get a notice when the status
    changes; an unchanged status only updates the answer."""
    if not _can_answer(actor, proposal):
        raise PermissionDenied
    if status == TrainingNeedProposal.Status.OPEN:
        raise ValidationError({"status": _("Choose an answer.")})
    with transaction.atomic():
        proposal = (
            TrainingNeedProposal.objects.select_for_update(of=("self",))
            .select_related("proposed_by")
            .get(pk=proposal.pk)
        )
        before = snapshot(proposal, ANSWER_FIELDS)
        proposal.status = status
        proposal.planned_course = (
            planned_course if status == TrainingNeedProposal.Status.PLANNED else None
        )
        proposal.response = (response or "").strip()
        proposal.full_clean()
        changes = changes_between(before, snapshot(proposal, ANSWER_FIELDS))
        if not changes:
            return proposal
        proposal.decided_by = actor
        proposal.decided_at = timezone.now()
        proposal.save()
        audit_log(instance=proposal, action=ANSWER_ACTION, user=actor, changes=changes)
        if "status" in changes:
            _notify(proposal, supporters=notify_supporters)
    return proposal


def _notify(proposal: TrainingNeedProposal, *, supporters: bool) -> None:
    params = {
        "topic": proposal.topic,
        "status": proposal.status,
        "course": proposal.planned_course.title if proposal.planned_course else "",
        "response": proposal.response,
    }
    url = reverse("proposals:detail", args=[proposal.pk])
    notify(
        user=proposal.proposed_by,
        kind=NotificationKind.PROPOSAL_ANSWERED,
        params=params,
        url=url,
        dedupe_key=f"need-proposal:{proposal.pk}:{proposal.status}:{proposal.decided_at:%s}",
    )
    if supporters:
        users = User.objects.filter(
            pk__in=proposal.supports.values("user_id"), is_active=True
        ).exclude(pk=proposal.proposed_by_id)
        notify_many(
            users=users,
            kind=NotificationKind.PROPOSAL_ANSWERED,
            params={**params, "supporter": True},
            url=url,
            dedupe_prefix=f"need-proposal:{proposal.pk}:{proposal.status}",
        )
