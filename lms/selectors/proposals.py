"""Reads for training-need proposals. `proposal_summary` feeds the training-needs report."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from competencies.models import Competency
from lms.models import TrainingNeedProposal, TrainingNeedSupport

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def _with_votes(proposals: QuerySet[TrainingNeedProposal]) -> QuerySet[TrainingNeedProposal]:
    return proposals.annotate(vote_count=Count("supports", distinct=True))


def proposal_list_for_user(
    *,
    user: User | AnonymousUser,
    status: str = "",
    competency_id: int | None = None,
    mine: bool = False,
) -> QuerySet[TrainingNeedProposal]:
    """Every proposal, for any signed-in person (the answers are public to employees),
    with `vote_count` and `supported` (by this user). Most supported first."""
    if not user.is_authenticated:
        raise PermissionDenied
    proposals = TrainingNeedProposal.objects.select_related("competency", "planned_course", "unit")
    if status:
        proposals = proposals.filter(status=status)
    if competency_id:
        proposals = proposals.filter(competency_id=competency_id)
    if mine:
        # Exists, not a join on supports: a joined filter would restrict the rows that
        # `vote_count` counts to this user's own support.
        proposals = proposals.filter(
            Q(proposed_by=user)
            | Exists(TrainingNeedSupport.objects.filter(proposal=OuterRef("pk"), user_id=user.pk))
        )
    return (
        _with_votes(proposals)
        .annotate(
            supported=Exists(
                TrainingNeedSupport.objects.filter(proposal=OuterRef("pk"), user_id=user.pk)
            )
        )
        .order_by("-vote_count", "-created_at", "-pk")  # type: ignore[misc]  # annotated
    )


def proposal_get_for_user(*, user: User | AnonymousUser, pk: int) -> TrainingNeedProposal:
    from django.http import Http404

    proposal = proposal_list_for_user(user=user).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    return proposal


def proposal_list_for_hr(user: User | AnonymousUser) -> QuerySet[TrainingNeedProposal]:
    """The proposals an HR manager answers: those from their unit subtree (all for
    unscoped HR managers and administrators; proposals without a unit only for those)."""
    from competencies.selectors.hr_scope import hr_scope_unit

    if not user.has_perm("portal.access_hr"):
        raise PermissionDenied
    proposals = _with_votes(
        TrainingNeedProposal.objects.select_related(
            "competency", "planned_course", "unit", "proposed_by"
        )
    )
    scope = hr_scope_unit(user=user)
    if scope is not None:
        proposals = proposals.filter(unit__path__startswith=scope.path)
    return proposals


@dataclass
class CompetencyProposals:
    """The open proposals serving one competency."""

    competency: Competency
    proposals: list[TrainingNeedProposal] = field(default_factory=list)

    @property
    def proposal_count(self) -> int:
        return len(self.proposals)

    @property
    def vote_count(self) -> int:
        return sum(p.vote_count for p in self.proposals)  # type: ignore[attr-defined]


def proposal_summary(*, unit_ids: Iterable[int] | None = None) -> list[CompetencyProposals]:
    """Open proposals (open for support or under review) with their vote counts, grouped
    by competency, the most supported competency first; each proposal has `vote_count`.
    `unit_ids` limits them to proposals made from those units (pass a whole subtree).
    Two queries."""
    proposals = TrainingNeedProposal.objects.filter(
        status__in=TrainingNeedProposal.SUPPORTABLE
    ).select_related("competency")
    if unit_ids is not None:
        proposals = proposals.filter(unit_id__in=list(unit_ids))
    groups: dict[int, CompetencyProposals] = {}
    ordered = _with_votes(proposals).order_by("-vote_count", "created_at", "pk")  # type: ignore[misc]
    for proposal in ordered:
        group = groups.get(proposal.competency_id)
        if group is None:
            group = groups[proposal.competency_id] = CompetencyProposals(proposal.competency)
        group.proposals.append(proposal)
    return sorted(groups.values(), key=lambda g: (-g.vote_count, g.competency.code))


def proposal_competency_choices() -> QuerySet[Competency]:
    return Competency.objects.filter(is_active=True).order_by("code")
