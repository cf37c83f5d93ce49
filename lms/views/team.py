"""The supervisor's team page: direct and indirect reports, their assignments, progress,
overdue items and gaps; nudge a report, propose a training for one (HR approves)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from competencies.models import AgencySettings, Employee
from competencies.selectors.gaps import gap_counts_for_employees
from competencies.selectors.jp import jp_by_employee, jp_target_for_employee
from lms.forms import TrainingProposalForm
from lms.models import AssignmentRecipient
from lms.selectors.team import team_employee_ids, team_for_supervisor
from lms.services.team import assignment_nudge, training_proposal_create

if TYPE_CHECKING:
    from accounts.models import User


def _me(request: HttpRequest) -> Employee | None:
    user = cast("User", request.user)
    return Employee.objects.filter(user=user, is_active=True).first()


@login_required
def team(request: HttpRequest) -> HttpResponse:
    me = _me(request)
    # With this year's development plan of each report (docs/idp.md), in the same query.
    year = timezone.localdate().year
    members = team_for_supervisor(supervisor=me, idp_year=year) if me else []
    # Gaps are shown for direct reports only (three queries for all of them); indirect
    # reports are rated by their own direct supervisor.
    gaps = gap_counts_for_employees(employee_ids=[m.employee.pk for m in members if m.depth == 1])
    # This year's JP by the one JP rule (competencies.selectors.jp), one query for everyone.
    jp = jp_by_employee(year=year, employee_ids=[m.employee.pk for m in members])
    agency = AgencySettings.for_request(request)
    for member in members:
        member.gaps = gaps.get(member.employee.pk)  # type: ignore[attr-defined]
        member.jp = jp.get(member.employee.pk, Decimal(0))  # type: ignore[attr-defined]
        # PNS floor or PPPK cap (PP 49/2018 art. 40(1)): the one rule in competencies.
        member.jp_rule = jp_target_for_employee(employee=member.employee, agency=agency)  # type: ignore[attr-defined]
    target = agency.yearly_jp_target
    return render(
        request,
        "lms/team.html",
        {"me": me, "members": members, "jp_year": year, "jp_target": target},
    )


@login_required
@require_POST
def team_nudge(request: HttpRequest, recipient_id: int) -> HttpResponse:
    recipient = get_object_or_404(
        AssignmentRecipient.objects.select_related("assignment", "user", "employee"),
        pk=recipient_id,
    )
    try:
        sent = assignment_nudge(actor=cast("User", request.user), recipient=recipient)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("lms:team")
    if sent:
        messages.success(request, _("Reminder sent to %(name)s.") % {"name": recipient.employee})
    else:
        messages.info(request, _("A reminder for this assignment was already sent today."))
    return redirect("lms:team")


@login_required
@require_http_methods(["GET", "POST"])
def team_propose(request: HttpRequest, employee_id: int) -> HttpResponse:
    me = _me(request)
    if me is None or employee_id not in team_employee_ids(supervisor=me):
        raise Http404
    employee = get_object_or_404(Employee, pk=employee_id)
    form = TrainingProposalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        training_proposal_create(
            actor=cast("User", request.user),
            employee=employee,
            course=form.cleaned_data["course"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("Your proposal was sent to HR for approval."))
        return redirect("lms:team")
    return render(request, "lms/team_propose.html", {"form": form, "employee": employee})
