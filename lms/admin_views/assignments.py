"""HR screens in the Wagtail admin: assign a course (with a preview count before
confirming), the list of assignments with progress, one assignment's people with
due-date extensions, and supervisors' training proposals to approve."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from competencies.admin_views.base import TitledAdminMixin
from competencies.models import Employee, Position
from competencies.models.employees import Golongan
from competencies.selectors.hr_scope import (
    employee_in_hr_scope,
    employee_list_for_hr,
    hr_scope_unit,
    orgunit_list_for_hr,
)
from lms.forms import AssignmentExtendForm, AssignmentForm
from lms.models import Assignment, AssignmentRecipient, AssignmentRule, TrainingProposal
from lms.selectors.assignments import (
    assignment_progress,
    assignment_progress_many,
    assignment_rule_list_for_hr,
    rule_employees,
    target_employees,
)
from lms.services.assignment_due_dates import assignment_due_extend
from lms.services.assignments import (
    assignment_create,
    assignment_rule_delete,
    assignment_rule_save,
    training_proposal_decide,
)

if TYPE_CHECKING:
    from accounts.models import User


def _assignments_for_hr(user) -> QuerySet[Assignment]:
    orgunit_list_for_hr(user=user)  # PermissionDenied if not HR
    scope = hr_scope_unit(user=user)
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
        progress = assignment_progress_many(assignment_ids=[a.pk for a in page.object_list])
        rows = [(a, progress[a.pk]) for a in page.object_list]
        return TemplateResponse(
            request, self.template_name, self.get_context_data(page=page, rows=rows)
        )


class AssignmentCreateView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_create.html"
    page_title = gettext_lazy("Assign a course")
    header_icon = "calendar"

    def _form(self, request):
        user = cast("User", request.user)
        units = orgunit_list_for_hr(user=user)
        scope = hr_scope_unit(user=user)
        employees = (
            employee_list_for_hr(user=user)
            .filter(is_active=True)
            .select_related("unit")
            .order_by("full_name")
        )
        positions = Position.objects.filter(is_active=True)
        if scope is not None:
            # Unit-bound positions of other units are not even named.
            positions = positions.filter(
                Q(unit__isnull=True) | Q(unit__path__startswith=scope.path)
            )
        return AssignmentForm(
            request.POST or None,
            # Without JavaScript, "Show the choices" reloads the form for the chosen kind.
            initial={"target_type": request.GET.get("target_type")},
            employees=employees,
            units=units,
            positions=positions,
            rules=assignment_rule_list_for_hr(user=user),
        )

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
                scope_unit=hr_scope_unit(user=request.user),
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
            assignment=self.assignment,
            progress=assignment_progress(assignment=self.assignment),
            page=page,
        )
        return TemplateResponse(request, self.template_name, context)


class AssignmentExtendView(WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_extend.html"
    page_title = gettext_lazy("Extend the due date")
    header_icon = "calendar"

    def _recipient(self, request, pk):
        orgunit_list_for_hr(user=request.user)
        recipient = get_object_or_404(
            AssignmentRecipient.objects.select_related("assignment", "employee__unit"), pk=pk
        )
        if not employee_in_hr_scope(user=request.user, employee=recipient.employee):
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
        orgunit_list_for_hr(user=request.user)
        scope = hr_scope_unit(user=request.user)
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


# SAVED RULES -----------------------------------------------------------------------------


class AssignmentRuleForm(forms.ModelForm):
    """Shape only; the service checks the HR scope. The unit list is the HR manager's
    own units; a unit-scoped manager must name one."""

    class Meta:
        model = AssignmentRule
        fields = [
            "name",
            "unit",
            "include_subunits",
            "position_kind",
            "golongan",
            "employment_type",
        ]

    def __init__(self, *args, units, unit_required: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        fields = cast("dict[str, Any]", self.fields)
        fields["unit"].queryset = units
        fields["unit"].required = unit_required
        fields["position_kind"] = forms.ChoiceField(
            label=_("Position kind"),
            choices=[("", "—"), *Position.Kind.choices],
            required=False,
        )
        fields["golongan"] = forms.TypedChoiceField(
            label=_("Golongan/ruang"),
            choices=[("", "—"), *Golongan.choices],
            coerce=int,
            empty_value=None,
            required=False,
        )
        fields["employment_type"] = forms.ChoiceField(
            label=_("Employment type"),
            choices=[("", "—"), *Employee.EmploymentType.choices],
            required=False,
        )


def _rule_describe(rule: AssignmentRule) -> str:
    parts = []
    if rule.unit is not None:
        parts.append(
            str(rule.unit) + (" " + _("(with sub-units)") if rule.include_subunits else "")
        )
    if rule.position_kind:
        parts.append(str(dict(Position.Kind.choices).get(rule.position_kind, rule.position_kind)))
    if rule.golongan:
        parts.append(str(dict(Golongan.choices).get(rule.golongan, rule.golongan)))
    if rule.employment_type:
        parts.append(
            str(
                dict(Employee.EmploymentType.choices).get(
                    rule.employment_type, rule.employment_type
                )
            )
        )
    return " · ".join(parts) or _("Everyone")


class AssignmentRuleIndexView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_rules.html"
    page_title = gettext_lazy("Saved assignment rules")
    header_icon = "tasks"

    def get(self, request):
        rules = (
            assignment_rule_list_for_hr(user=cast("User", request.user))
            .annotate(used_by=Count("assignments"))
            .order_by("name", "pk")
        )
        page = Paginator(rules, 50).get_page(request.GET.get("p"))
        rows = [(r, _rule_describe(r)) for r in page.object_list]
        return TemplateResponse(
            request, self.template_name, self.get_context_data(page=page, rows=rows)
        )


class AssignmentRuleEditView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    """Create (pk None) or edit a rule. "Preview" shows how many active employees in the
    HR manager's scope match; "Save" stores it."""

    template_name = "lms/admin/assignment_rule_edit.html"
    header_icon = "tasks"

    def get_page_title(self):
        return _("Edit rule") if self.rule.pk else _("New rule")

    def _setup(self, request, pk):
        user = cast("User", request.user)
        self.rule = (
            get_object_or_404(assignment_rule_list_for_hr(user=user), pk=pk)
            if pk is not None
            else AssignmentRule()
        )
        if pk is None:
            assignment_rule_list_for_hr(user=user)  # PermissionDenied if not HR
        return AssignmentRuleForm(
            request.POST or None,
            instance=self.rule,
            units=orgunit_list_for_hr(user=user),
            unit_required=hr_scope_unit(user=user) is not None,
        )

    def get(self, request, pk=None):
        return self._render(request, self._setup(request, pk))

    def post(self, request, pk=None):
        form = self._setup(request, pk)
        if not form.is_valid():
            return self._render(request, form)
        rule = form.save(commit=False)
        if "save" not in request.POST:
            count = rule_employees(
                rule=rule,
                employees=employee_list_for_hr(user=request.user).filter(is_active=True),
            ).count()
            return self._render(request, form, preview=count)
        try:
            assignment_rule_save(actor=cast("User", request.user), rule=rule)
        except (ValidationError, PermissionDenied) as exc:
            form.add_error(None, " ".join(getattr(exc, "messages", [str(exc)])))
            return self._render(request, form)
        messages.success(request, _("The rule “%(name)s” was saved.") % {"name": rule.name})
        return redirect("lms_assignment_rules")

    def _render(self, request, form, preview=None):
        return TemplateResponse(
            request,
            self.template_name,
            self.get_context_data(form=form, rule=self.rule, preview=preview),
        )


class AssignmentRuleDeleteView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    template_name = "lms/admin/assignment_rule_delete.html"
    page_title = gettext_lazy("Delete rule")
    header_icon = "bin"

    def _rule(self, request, pk):
        return get_object_or_404(
            assignment_rule_list_for_hr(user=cast("User", request.user)).annotate(
                used_by=Count("assignments")
            ),
            pk=pk,
        )

    def get(self, request, pk):
        rule = self._rule(request, pk)
        return TemplateResponse(
            request,
            self.template_name,
            self.get_context_data(rule=rule, description=_rule_describe(rule)),
        )

    def post(self, request, pk):
        rule = self._rule(request, pk)
        try:
            assignment_rule_delete(actor=cast("User", request.user), rule=rule)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The rule “%(name)s” was deleted.") % {"name": rule.name})
        return redirect("lms_assignment_rules")
