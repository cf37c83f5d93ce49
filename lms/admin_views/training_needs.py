"""Training-needs report (analisis kebutuhan diklat) in the Wagtail admin: for a unit
subtree, the courses ranked by how many employees' competency gaps they close, with one
click from a row to assign that course to exactly those employees (a confirm page that
calls `assignment_create`). HR-scoped: a unit-scoped HR manager sees only their subtree.

The report runs a fixed number of queries whatever the number of employees
(`lms.selectors.assignments.training_needs`); the CSV export streams."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.submit_once import submit_duplicate_redirect, submit_token_claim
from competencies.admin_views.base import TitledAdminMixin
from competencies.models import Employee, OrgUnit
from competencies.selectors.hr_scope import employee_list_for_hr, hr_scope_unit, orgunit_list_for_hr
from competencies.spreadsheets import csv_response
from lms.models import Assignment, CoursePage
from lms.selectors.assignments import TrainingNeed, training_needs, training_needs_counted
from lms.selectors.proposals import proposal_summary
from lms.services.assignments import assignment_create

if TYPE_CHECKING:
    from accounts.models import User

PAGE_SIZE = 25


def _scope(request, unit_id: Any) -> tuple[QuerySet[OrgUnit], OrgUnit | None, QuerySet]:
    """(units the HR manager may choose, the chosen root or their scope, the active
    employees of that subtree). PermissionDenied if not HR; an unknown or out-of-scope
    unit id answers 404."""
    units = orgunit_list_for_hr(user=request.user)
    root = hr_scope_unit(user=request.user)
    if unit_id not in (None, ""):
        try:
            root = units.get(pk=int(unit_id))
        except (OrgUnit.DoesNotExist, ValueError, TypeError) as exc:
            raise Http404 from exc
    employees = employee_list_for_hr(user=request.user).filter(is_active=True)
    if root is not None:
        employees = employees.filter(unit__path__startswith=root.path)
    return units, root, employees


def default_reason(need: TrainingNeed) -> str:
    names = ", ".join(c.competency.name for c in need.competencies)
    return _("Gap in %(competency)s") % {"competency": names}


class TrainingNeedsView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/training_needs.html"
    page_title = gettext_lazy("Training needs")
    header_icon = "table"

    def get(self, request):
        # One read of the units: the filter's options, the chosen root and its subtree.
        units = list(orgunit_list_for_hr(user=request.user))  # PermissionDenied if not HR
        root = hr_scope_unit(user=request.user)
        unit_id = request.GET.get("unit")
        if unit_id not in (None, ""):
            try:
                pk = int(unit_id)
            except (ValueError, TypeError) as exc:
                raise Http404 from exc
            root = next((u for u in units if u.pk == pk), None)
            if root is None:
                raise Http404
        employees = employee_list_for_hr(user=request.user).filter(is_active=True)
        if root is not None:
            employees = employees.filter(unit__path__startswith=root.path)
        needs, employee_count = training_needs_counted(employees=employees)
        if request.GET.get("export") == "csv":
            return self._csv(needs, root)
        unit_ids = None if root is None else [u.pk for u in units if u.path.startswith(root.path)]
        page = Paginator(needs, PAGE_SIZE).get_page(request.GET.get("p"))
        context = self.get_context_data(
            units=units,
            root=root,
            page=page,
            needs=page.object_list,
            employee_count=employee_count,
            proposals=proposal_summary(unit_ids=unit_ids),
            query=f"unit={root.pk}" if root else "",
        )
        return TemplateResponse(request, self.template_name, context)

    def _csv(self, needs: list[TrainingNeed], root: OrgUnit | None) -> StreamingHttpResponse:
        def rows():
            yield [
                _("Course"),
                _("Employees"),
                _("Competency"),
                _("Target level"),
                _("Gaps closed"),
            ]
            for need in needs:
                for c in need.competencies:
                    yield [
                        need.course.title,
                        need.employees,
                        c.competency.name,
                        c.target_level,
                        c.employees,
                    ]

        suffix = f"-{root.pk}" if root else ""
        return csv_response(rows=rows(), filename=f"kebutuhan-diklat{suffix}.csv")


class TrainingNeedAssignForm(forms.Form):
    due_on = forms.DateField(
        label=gettext_lazy("Due date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    due_days = forms.IntegerField(
        label=gettext_lazy("Or: due this many days after being assigned"),
        required=False,
        min_value=1,
        max_value=3650,
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=255, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("due_on")) == bool(data.get("due_days")):
            raise forms.ValidationError(_("Give either a due date or a number of days, not both."))
        return data


class TrainingNeedAssignView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    """Confirm page: the employees of the chosen subtree whose gaps the course closes,
    recomputed on every request (never taken from the URL), then one assignment of
    exactly those employees."""

    template_name = "lms/admin/training_need_assign.html"
    page_title = gettext_lazy("Assign to the employees with the gap")
    header_icon = "calendar"

    def _need(self, request, course_id: int):
        unit_id = request.GET.get("unit") or request.POST.get("unit")
        _units, root, employees = _scope(request, unit_id)
        course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
        needs = training_needs(employees=employees, course_id=course.pk)
        if not needs:
            raise Http404
        return root, needs[0]

    def get(self, request, course_id: int):
        root, need = self._need(request, course_id)
        form = TrainingNeedAssignForm(
            initial={
                "reason": default_reason(need),
                "due_on": timezone.localdate() + datetime.timedelta(days=90),
            }
        )
        return self._render(request, form, root, need)

    def post(self, request, course_id: int):
        form = TrainingNeedAssignForm(request.POST)
        claim = None
        if form.is_valid():
            # Claimed before the need is recomputed: once the first submit has assigned
            # the course, a second one would find no one left (404) instead of its result.
            claim = submit_token_claim(request, scope=f"training-need-assign:{course_id}")
            if claim.duplicate:
                return submit_duplicate_redirect(request, claim, fallback=_back_url(None))
        try:
            root, need = self._need(request, course_id)
        except (Http404, PermissionDenied):
            if claim is not None:
                claim.release()
            raise
        if claim is None:
            return self._render(request, form, root, need)
        employees = list(Employee.objects.filter(pk__in=need.employee_ids).select_related("unit"))
        try:
            assignment = assignment_create(
                actor=cast("User", request.user),
                course=need.course,
                target_type=Assignment.Target.EMPLOYEES,
                employees=employees,
                due_on=form.cleaned_data["due_on"],
                due_days=form.cleaned_data["due_days"],
                reason=form.cleaned_data["reason"] or default_reason(need),
            )
        except (ValidationError, PermissionDenied) as exc:
            claim.release()
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            return self._render(request, form, root, need)
        messages.success(
            request,
            _("Assigned to %(count)d employees.") % {"count": assignment.recipients.count()},
        )
        response = redirect("lms_assignment_detail", assignment.pk)
        claim.done(response.url)
        return response

    def _render(self, request, form, root, need):
        employees = (
            Employee.objects.filter(pk__in=need.employee_ids)
            .select_related("unit", "position")
            .order_by("full_name")
        )
        context = self.get_context_data(
            form=form,
            root=root,
            need=need,
            employees=employees,
            back_url=_back_url(root),
        )
        return TemplateResponse(request, self.template_name, context)


def _back_url(root: OrgUnit | None) -> str:
    from django.urls import reverse

    url = reverse("lms_training_needs")
    return f"{url}?unit={root.pk}" if root else url
