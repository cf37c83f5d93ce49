"""HR screens in the Wagtail admin: assign a course (with a preview count before
confirming), the list of assignments with progress, one assignment's people with
due-date extensions, and supervisors' training proposals to approve."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from competencies import selectors as hr_selectors
from lms.forms import AssignmentExtendForm, AssignmentForm
from lms.models import Assignment, AssignmentRecipient, TrainingProposal
from lms.selectors import assignment_progress
from lms.services.assignments import (
    assignment_create,
    assignment_due_extend,
    target_employees,
    training_proposal_decide,
)

if TYPE_CHECKING:
    from accounts.models import User


def _assignments_for_hr(user) -> QuerySet[Assignment]:
    hr_selectors.orgunit_list_for_hr(user)  # PermissionDenied if not HR
    scope = hr_selectors.hr_scope_unit(user)
    assignments = Assignment.objects.select_related("created_by", "scope_unit")
    if scope is not None:
        assignments = assignments.filter(scope_unit__path__startswith=scope.path)
    return assignments


class AssignmentIndexView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_index.html"
    page_title = gettext_lazy("Course assignments")
    header_icon = "calendar"

    def get(self, request):
        page = Paginator(_assignments_for_hr(request.user), 25).get_page(request.GET.get("p"))
        rows = [(a, assignment_progress(a)) for a in page.object_list]
        return TemplateResponse(
            request, self.template_name, self.get_context_data(page=page, rows=rows)
        )


class AssignmentCreateView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_create.html"
    page_title = gettext_lazy("Assign a course")
    header_icon = "calendar"

    def _form(self, request):
        units = hr_selectors.orgunit_list_for_hr(request.user)
        employees = hr_selectors.employee_list_for_hr(request.user).filter(is_active=True)
        return AssignmentForm(request.POST or None, employees=employees, units=units)

    def get(self, request):
        return self._render(request, self._form(request))

    def post(self, request):
        form = self._form(request)
        if not form.is_valid():
            return self._render(request, form)
        data = form.cleaned_data
        targets = {
            "target_type": data["target_type"],
            "employees": list(data["employees"]),
            "units": list(data["units"]),
            "include_subunits": data["include_subunits"],
            "positions": list(data["positions"]),
            "position_kinds": list(data["position_kinds"]),
            "rule": data["rule"],
        }
        if "confirm" not in request.POST:
            count = target_employees(
                **{
                    **targets,
                    "employees": [e.pk for e in targets["employees"]],
                    "positions": [p.pk for p in targets["positions"]],
                },
                scope_unit=hr_selectors.hr_scope_unit(request.user),
            ).count()
            return self._render(request, form, preview=count)
        try:
            assignment = assignment_create(
                actor=cast("User", request.user),
                course=data["course"],
                due_on=data["due_on"],
                due_days=data["due_days"],
                reason=data["reason"],
                recurs_yearly=data["recurs_yearly"],
                **targets,
            )
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            return self._render(request, form)
        messages.success(
            request,
            _("Assigned to %(count)d employees.") % {"count": assignment.recipients.count()},
        )
        return redirect("lms_assignment_detail", assignment.pk)

    def _render(self, request, form, preview=None):
        return TemplateResponse(
            request, self.template_name, self.get_context_data(form=form, preview=preview)
        )


class AssignmentDetailView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_detail.html"
    header_icon = "calendar"

    def get_page_title(self):
        return str(self.assignment)

    def get(self, request, pk):
        self.assignment = get_object_or_404(_assignments_for_hr(request.user), pk=pk)
        recipients = (
            AssignmentRecipient.objects.filter(assignment=self.assignment)
            .select_related("employee__unit")
            .prefetch_related("extensions")
            .order_by("employee__full_name", "cycle")
        )
        page = Paginator(recipients, 50).get_page(request.GET.get("p"))
        context = self.get_context_data(
            assignment=self.assignment, progress=assignment_progress(self.assignment), page=page
        )
        return TemplateResponse(request, self.template_name, context)


class AssignmentExtendView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_extend.html"
    page_title = gettext_lazy("Extend the due date")
    header_icon = "calendar"

    def _recipient(self, request, pk):
        hr_selectors.orgunit_list_for_hr(request.user)
        recipient = get_object_or_404(
            AssignmentRecipient.objects.select_related("assignment", "employee__unit"), pk=pk
        )
        if not hr_selectors.employee_in_hr_scope(request.user, recipient.employee):
            raise Http404
        return recipient

    def get(self, request, pk):
        recipient = self._recipient(request, pk)
        form = AssignmentExtendForm(initial={"due_on": recipient.due_on})
        return self._render(request, form, recipient)

    def post(self, request, pk):
        recipient = self._recipient(request, pk)
        form = AssignmentExtendForm(request.POST)
        if form.is_valid():
            try:
                assignment_due_extend(
                    actor=cast("User", request.user),
                    recipient=recipient,
                    due_on=form.cleaned_data["due_on"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                form.add_error(None, " ".join(exc.messages))
            else:
                messages.success(request, _("The due date was extended."))
                return redirect("lms_assignment_detail", recipient.assignment_id)
        return self._render(request, form, recipient)

    def _render(self, request, form, recipient):
        return TemplateResponse(
            request,
            self.template_name,
            self.get_context_data(form=form, recipient=recipient),
        )


class ProposalIndexView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_proposals.html"
    page_title = gettext_lazy("Training proposals")
    header_icon = "help"

    def _proposals(self, request):
        hr_selectors.orgunit_list_for_hr(request.user)
        scope = hr_selectors.hr_scope_unit(request.user)
        proposals = TrainingProposal.objects.select_related(
            "employee__unit", "course", "proposed_by"
        ).filter(status=TrainingProposal.Status.PENDING)
        if scope is not None:
            proposals = proposals.filter(employee__unit__path__startswith=scope.path)
        return proposals

    def get(self, request):
        return TemplateResponse(
            request,
            self.template_name,
            self.get_context_data(proposals=self._proposals(request)),
        )

    def post(self, request):
        proposal = get_object_or_404(self._proposals(request), pk=request.POST.get("proposal"))
        try:
            training_proposal_decide(
                actor=cast("User", request.user),
                proposal=proposal,
                approve=request.POST.get("decision") == "approve",
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The proposal was decided."))
        return redirect("lms_assignment_proposals")
