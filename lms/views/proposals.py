"""Training-need proposals for signed-in employees: list, propose, detail, support."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.submit_once import submit_duplicate_redirect, submit_token_claim
from lms.models import TrainingNeedProposal
from lms.selectors.proposals import (
    proposal_competency_choices,
    proposal_get_for_user,
    proposal_list_for_user,
)
from lms.services.proposals import proposal_create, proposal_support, proposal_unsupport

PAGE_SIZE = 20


class ProposalForm(forms.Form):
    topic = forms.CharField(label=_("Training topic"), max_length=200)
    competency = forms.ModelChoiceField(
        label=_("Competency it serves"), queryset=proposal_competency_choices()
    )
    reason = forms.CharField(
        label=_("Why it is needed"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Which work it would improve and for whom. Do not write personal data."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = proposal_competency_choices()  # type: ignore[attr-defined]


class ProposalFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *TrainingNeedProposal.Status.choices],
    )
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        required=False,
        queryset=proposal_competency_choices(),
        empty_label=_("All competencies"),
    )
    mine = forms.BooleanField(label=_("Only mine and the ones I support"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = proposal_competency_choices()  # type: ignore[attr-defined]


@login_required
def proposal_list(request: HttpRequest) -> HttpResponse:
    form = ProposalFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    proposals = proposal_list_for_user(
        user=request.user,
        status=data.get("status") or "",
        competency_id=data["competency"].pk if data.get("competency") else None,
        mine=bool(data.get("mine")),
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "lms/proposals/list.html",
        {"form": form, "page": page, "query_string": query.urlencode()},
    )


@login_required
def proposal_new(request: HttpRequest) -> HttpResponse:
    form = ProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        claim = submit_token_claim(request, scope="proposal-new")
        if claim.duplicate:
            return submit_duplicate_redirect(request, claim, fallback=reverse("proposals:list"))
        try:
            proposal = proposal_create(
                user=cast("User", request.user),
                topic=form.cleaned_data["topic"],
                reason=form.cleaned_data["reason"],
                competency=form.cleaned_data["competency"],
            )
        except ValidationError as exc:
            claim.release()
            form.add_error(None, exc)
        else:
            messages.success(request, _("Thank you. Your proposal is open for support."))
            response = redirect("proposals:detail", pk=proposal.pk)
            claim.done(response.url)
            return response
    return render(request, "lms/proposals/new.html", {"form": form})


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "lms/proposals/detail.html",
        {"proposal": proposal, "is_mine": proposal.proposed_by_id == request.user.pk},
    )


@login_required
@require_POST
def proposal_support_view(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = proposal_get_for_user(user=request.user, pk=pk)
    user = cast("User", request.user)
    try:
        if request.POST.get("action") == "withdraw":
            if proposal_unsupport(proposal=proposal, user=user):
                messages.success(request, _("Your support was withdrawn."))
        elif proposal_support(proposal=proposal, user=user):
            messages.success(request, _("Thank you for your support."))
        else:
            messages.info(request, _("You already support this proposal."))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    return redirect("proposals:detail", pk=proposal.pk)
