"""HR administration in Wagtail: viewsets grouped under "Kepegawaian" and "Kompetensi",
the audit log actions, the gap report and the import screens
(competencies/wagtail_hooks_imports.py).

An HR manager limited to a unit subtree (HRScope) sees and changes only that subtree:
the limit is applied to the querysets of the listing, edit, delete, history and usage
views, so a URL for an employee outside it answers 404, not just a hidden menu entry."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail import hooks
from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from accounts.roles import Role, has_role
from competencies import (
    wagtail_hooks_imports,  # noqa: F401 - registers the import screens
)
from competencies.admin_views.base import (
    TitledAdminMixin,
    WholeOrganisationOnlyMixin,
    sees_whole_organisation,
)
from competencies.formats import date_display, jp_display
from competencies.forms import (
    AssessmentAdminForm,
    AssessmentDecisionForm,
    CompetencyAdminForm,
    EmployeeAdminForm,
    OrgUnitAdminForm,
)
from competencies.models import (
    AgencySettings,
    Assessment,
    Competency,
    Employee,
    HRScope,
    OrgUnit,
    Position,
    TrainingRecord,
)
from competencies.selectors.gaps import gap_heatmap, position_gap_summary
from competencies.selectors.hr_scope import (
    assessment_list_for_hr,
    employee_list_for_hr,
    hr_scope_unit,
    orgunit_list_for_hr,
    training_record_list_for_hr,
)
from competencies.services import audit
from competencies.services.assessments import (
    assessment_approve,
    assessment_create,
    assessment_reject,
)
from competencies.services.employees import (
    employee_create,
    employee_deactivate,
    employee_reactivate,
    employee_update,
)
from competencies.services.organisation import orgunit_create, orgunit_update
from competencies.services.records import training_record_approve, training_record_reject


class NoDeletePermissionPolicy(ModelPermissionPolicy):
    """HR records are deactivated, never deleted, so that history is kept."""

    def user_has_permission(self, user, action):
        if action == "delete":
            return False
        return super().user_has_permission(user, action)


class DecideOnlyPermissionPolicy(ModelPermissionPolicy):
    """Training records are never added, edited or deleted in the admin: employees
    submit them, completed courses create them, HR only decides."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


for _model in (OrgUnit, Position, Employee, Competency, Assessment):
    register_permission_policy(_model, NoDeletePermissionPolicy(_model))
register_permission_policy(TrainingRecord, DecideOnlyPermissionPolicy(TrainingRecord))


# SHARED VIEW MIXINS ----------------------------------------------------------------------


class ScopedMixin:
    """Limits every queryset of a view to what the signed-in HR manager may see."""

    scope: Any = None  # a selector: user -> queryset
    request: Any

    def _scoped(self):
        return type(self).scope(user=self.request.user)

    def get_base_queryset(self):
        return self._scoped()

    def get_queryset(self):
        return self._scoped()

    def get_base_object_queryset(self):
        return self._scoped()


class ScopedObjectMixin:
    """For views whose listing is something else (history: log entries) but whose object
    must be in the HR manager's scope."""

    scope: Any = None
    request: Any

    def get_base_object_queryset(self):
        return type(self).scope(user=self.request.user)


class ScopedUsageView(WholeOrganisationOnlyMixin, ScopedObjectMixin, UsageView):
    """Wagtail's "Used N times" page lists every object that refers to this one, in every
    unit (the assessments of a competency, the holders of a position, an employee's
    reports), which no scope filters: the object is looked up in the HR manager's scope
    (404 outside it) and the page opens only for those who see the whole organisation."""


def _scoped_usage_view(selector):
    return type("UsageView", (ScopedUsageView,), {"scope": staticmethod(selector)})


class AuditedSaveMixin:
    """Saves through the form (inline children included) and writes one audit entry with
    the fields that changed, instead of Wagtail's entry without them."""

    form: Any

    def _form_changes(self):
        return {
            name: [
                audit._plain(self.form.initial.get(name)),
                audit._plain(self.form.cleaned_data.get(name)),
            ]
            for name in self.form.changed_data
            if name in self.form.cleaned_data
        }


class AuditedCreateView(AuditedSaveMixin, generic.CreateView):
    def save_instance(self):
        instance = self.form.save()
        audit.audit_log(instance=instance, action=audit.CREATE, user=self.request.user)
        return instance


class AuditedEditView(AuditedSaveMixin, generic.EditView):
    def save_instance(self):
        changes = self._form_changes()
        instance = self.form.save()
        if changes or self.form.has_changed():
            audit.audit_log(
                instance=instance, action=audit.EDIT, user=self.request.user, changes=changes
            )
        return instance


def _form_error(view, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            view.form.add_error(field if field in view.form.fields else None, errors)
    else:
        view.form.add_error(None, exc)


# ORGANISATION UNITS ----------------------------------------------------------------------


class OrgUnitIndexView(ScopedMixin, generic.IndexView):
    scope = staticmethod(orgunit_list_for_hr)
    default_ordering = "path"


class OrgUnitCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return orgunit_create(
            actor=self.request.user,
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            parent=data.get("parent"),
            is_active=data.get("is_active", True),
        )


class OrgUnitEditView(ScopedMixin, generic.EditView):
    scope = staticmethod(orgunit_list_for_hr)

    def save_instance(self):
        data = self.form.cleaned_data
        return orgunit_update(
            actor=self.request.user,
            unit=OrgUnit.objects.get(pk=self.object.pk),
            parent=data.get("parent"),
            code=data["code"],
            name=data["name"],
            kind=data["kind"],
            is_active=data["is_active"],
        )


class OrgUnitHistoryView(ScopedObjectMixin, HistoryView):
    scope = staticmethod(orgunit_list_for_hr)


class OrgUnitViewSet(ModelViewSet):
    model = OrgUnit
    url_prefix = "kepegawaian/unit"
    url_namespace = "competencies_orgunit"
    icon = "site"
    menu_label = gettext_lazy("Organisation units")
    add_to_admin_menu = False
    index_view_class = OrgUnitIndexView
    add_view_class = OrgUnitCreateView
    edit_view_class = OrgUnitEditView
    history_view_class = OrgUnitHistoryView
    usage_view_class = _scoped_usage_view(orgunit_list_for_hr)
    copy_view_enabled = False
    list_display = [
        Column("indented_name", label=gettext_lazy("Name")),
        "code",
        "kind",
        BooleanColumn("is_active", label=gettext_lazy("Active")),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "code"]
    edit_handler = ObjectList(
        [FieldPanel("parent"), FieldPanel("code"), FieldPanel("name"), FieldPanel("kind"),
         FieldPanel("is_active")],
        base_form_class=OrgUnitAdminForm,
    )  # fmt: skip


# POSITIONS -------------------------------------------------------------------------------


class PositionViewSet(ModelViewSet):
    model = Position
    url_prefix = "kepegawaian/jabatan"
    url_namespace = "competencies_position"
    icon = "user"
    menu_label = gettext_lazy("Positions")
    add_to_admin_menu = False
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    usage_view_class = _scoped_usage_view(lambda user: Position.objects.all())
    copy_view_enabled = False
    list_display = ["name", "code", "kind", "unit", BooleanColumn("is_active")]
    list_filter = ["kind", "jenjang", "is_active"]
    search_fields = ["name", "code"]
    panels = [
        FieldRowPanel([FieldPanel("code"), FieldPanel("name")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("jenjang")]),
        FieldPanel("unit"),
        FieldPanel("is_active"),
        InlinePanel("requirements", heading=gettext_lazy("Competency standard"), label=gettext_lazy("Required competency")),
    ]  # fmt: skip


# EMPLOYEES -------------------------------------------------------------------------------


class EmployeeIndexView(ScopedMixin, generic.IndexView):
    scope = staticmethod(employee_list_for_hr)

    @property
    def columns(self):
        # The name column is a plain Column in list_display, which Wagtail renders without
        # the row's link and buttons (edit, deactivate, transcript): make it the title.
        columns = list(super().columns)
        name = columns[0]
        columns[0] = self._get_title_column_class(TitleColumn)(
            name.name, label=name.label, accessor=name.accessor, get_url=self.get_edit_url
        )
        return columns

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        name = "deactivate" if instance.is_active else "reactivate"
        label = _("Deactivate") if instance.is_active else _("Reactivate")
        buttons.append(
            MenuItem(
                label,
                url=reverse(f"competencies_employee:{name}", args=[instance.pk]),
                icon_name="lock" if instance.is_active else "lock-open",
                priority=40,
            )
        )
        # The listing is scoped, so HR may see every row's transcript (view_transcript).
        buttons.append(
            MenuItem(
                _("Transcript"),
                url=reverse("competencies:transcript_for", args=[instance.pk]),
                icon_name="doc-full",
                priority=30,
            )
        )
        return buttons


class EmployeeCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.save_kwargs()
        return employee_create(actor=self.request.user, **data)


class EmployeeEditView(ScopedMixin, generic.EditView):
    scope = staticmethod(employee_list_for_hr)

    def save_instance(self):
        fresh = Employee.objects.select_related("user").get(pk=self.object.pk)
        return employee_update(actor=self.request.user, employee=fresh, **self.form.save_kwargs())


class EmployeeHistoryView(ScopedObjectMixin, HistoryView):
    scope = staticmethod(employee_list_for_hr)


class EmployeeActivationView(TitledAdminMixin, WagtailAdminTemplateMixin, BaseObjectMixin, View):  # fmt: skip
    """Confirmation page (GET) and action (POST) for deactivating or reactivating."""

    model = Employee
    template_name = "competencies/admin/employee_activation.html"
    deactivate = True
    header_icon = "lock"

    def get_base_object_queryset(self):
        return employee_list_for_hr(user=self.request.user)

    def get_page_title(self):
        return _("Deactivate employee") if self.deactivate else _("Reactivate employee")

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self.render_to_response(
            self.get_context_data(object=self.object, deactivate=self.deactivate)
        )

    def post(self, request, *args, **kwargs):
        employee = self.get_object()
        if self.deactivate:
            employee_deactivate(
                actor=request.user, employee=employee, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("%(name)s was deactivated.") % {"name": employee})
        else:
            employee_reactivate(actor=request.user, employee=employee)
            messages.success(request, _("%(name)s was reactivated.") % {"name": employee})
        return redirect("competencies_employee:index")

    def render_to_response(self, context):
        from django.template.response import TemplateResponse

        return TemplateResponse(self.request, self.template_name, context)


class EmployeeViewSet(ModelViewSet):
    model = Employee
    url_prefix = "kepegawaian/pegawai"
    icon = "group"
    menu_label = gettext_lazy("Employees")
    url_namespace = "competencies_employee"
    add_to_admin_menu = False
    index_view_class = EmployeeIndexView
    add_view_class = EmployeeCreateView
    edit_view_class = EmployeeEditView
    history_view_class = EmployeeHistoryView
    usage_view_class = _scoped_usage_view(employee_list_for_hr)
    copy_view_enabled = False
    list_display = [
        Column("display_name", label=gettext_lazy("Name")),
        Column("nip", label=gettext_lazy("NIP")),
        "unit",
        "position",
        Column("get_golongan_display", label=gettext_lazy("Golongan")),
        BooleanColumn("is_active", label=gettext_lazy("Active")),
    ]
    list_filter = ["unit", "position__kind", "golongan", "employment_type", "is_active"]
    search_fields = ["full_name", "user__nip", "user__email"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [FieldPanel("title_prefix"), FieldPanel("full_name"), FieldPanel("title_suffix"),
                 FieldPanel("email"), FieldPanel("nip")],
                heading=gettext_lazy("Identity"),
            ),
            MultiFieldPanel(
                [FieldPanel("employment_type"), FieldPanel("golongan"),
                 FieldPanel("pppk_golongan"), FieldPanel("unit"),
                 FieldPanel("position"), FieldPanel("supervisor"), FieldPanel("joined_on")],
                heading=gettext_lazy("Employment"),
            ),
        ],
        base_form_class=EmployeeAdminForm,
    )  # fmt: skip

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path(
                "deactivate/<int:pk>/",
                EmployeeActivationView.as_view(deactivate=True),
                name="deactivate",
            ),
            path(
                "reactivate/<int:pk>/",
                EmployeeActivationView.as_view(deactivate=False),
                name="reactivate",
            ),
        ]


class HRScopeViewSet(ModelViewSet):
    model = HRScope
    url_prefix = "kepegawaian/cakupan-sdm"
    url_namespace = "competencies_hrscope"
    icon = "key"
    menu_label = gettext_lazy("HR manager scopes")
    add_to_admin_menu = False
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    usage_view_class = _scoped_usage_view(lambda user: HRScope.objects.all())
    copy_view_enabled = False
    list_display = ["user", "unit"]
    form_fields = ["user", "unit"]


class StaffGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Personnel")
    menu_icon = "group"
    menu_order = 300
    items = (OrgUnitViewSet, PositionViewSet, EmployeeViewSet, HRScopeViewSet)


# COMPETENCIES AND ASSESSMENTS ------------------------------------------------------------


class CompetencyViewSet(ModelViewSet):
    model = Competency
    url_prefix = "kompetensi/kamus"
    url_namespace = "competencies_competency"
    icon = "tasks"
    menu_label = gettext_lazy("Competency dictionary")
    add_to_admin_menu = False
    add_view_class = AuditedCreateView
    edit_view_class = AuditedEditView
    usage_view_class = _scoped_usage_view(lambda user: Competency.objects.all())
    copy_view_enabled = False
    list_display = [
        "code",
        Column("name_id", label=gettext_lazy("Name")),
        "kind",
        BooleanColumn("is_active"),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["code", "name_id", "name_en"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
        FieldRowPanel([FieldPanel("name_id"), FieldPanel("name_en")]),
        FieldPanel("description_id"),
        FieldPanel("description_en"),
        FieldPanel("is_active"),
        InlinePanel("levels", heading=gettext_lazy("Proficiency levels"), label=gettext_lazy("Level"), min_num=5, max_num=5),
    ], base_form_class=CompetencyAdminForm)  # fmt: skip


class DecidableIndexView(ScopedMixin, generic.IndexView):
    """A scoped listing whose submitted rows get an "Approve or reject" action."""

    decide_url_name = ""

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.status == "submitted":
            buttons.append(
                MenuItem(
                    _("Approve or reject"),
                    url=reverse(self.decide_url_name, args=[instance.pk]),
                    icon_name="tick",
                    priority=5,
                )
            )
        return buttons


class AssessmentIndexView(DecidableIndexView):
    scope = staticmethod(assessment_list_for_hr)
    decide_url_name = "competencies_assessment:decide"


class AssessmentCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return assessment_create(
                actor=self.request.user,
                employee=data["employee"],
                competency=data["competency"],
                level=data["level"],
                method=data["method"],
                assessed_on=data["assessed_on"],
                valid_until=data.get("valid_until"),
                note=data.get("note", ""),
                evidence=data.get("evidence") or None,
                submit=True,
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            self.form = form
            _form_error(self, exc)
            return self.form_invalid(form)


class AssessmentEditView(ScopedMixin, AuditedEditView):
    """Only drafts may still be edited; decided records stay as they were decided."""

    scope = staticmethod(
        lambda user: assessment_list_for_hr(user=user).filter(status=Assessment.Status.DRAFT)
    )


class AssessmentHistoryView(ScopedObjectMixin, HistoryView):
    scope = staticmethod(assessment_list_for_hr)


class DecisionView(TitledAdminMixin, WagtailAdminTemplateMixin, BaseObjectMixin, View):
    """Shows a submitted record and lets HR approve or reject it (with a note)."""

    template_name = "competencies/admin/decide.html"
    header_icon = "tick"
    scope: Any = None  # selector: user -> queryset
    approve: Any = None  # service(actor=, <record_kwarg>=, note=)
    reject: Any = None
    record_kwarg = ""
    index_url_name = ""
    approved_message: Any = ""
    rejected_message: Any = ""

    def get_base_object_queryset(self):
        return type(self).scope(user=self.request.user)

    def details(self) -> list[tuple[str, object]]:
        raise NotImplementedError

    def _render(self, form):
        from django.template.response import TemplateResponse

        context = self.get_context_data(
            object=self.object,
            form=form,
            details=self.details(),
            waiting=self.object.status == "submitted",
            index_url=reverse(self.index_url_name),
        )
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        return self._render(AssessmentDecisionForm())

    def post(self, request, *args, **kwargs):
        self.object = self.get_object()
        form = AssessmentDecisionForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        rejecting = "reject" in request.POST
        service = type(self).reject if rejecting else type(self).approve
        try:
            service(
                actor=request.user,
                note=form.cleaned_data["note"],
                **{self.record_kwarg: self.object},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self._render(form)
        messages.success(request, self.rejected_message if rejecting else self.approved_message)
        return redirect(self.index_url_name)


class AssessmentDecideView(DecisionView):
    model = Assessment
    page_title = gettext_lazy("Decide assessment")
    scope = staticmethod(assessment_list_for_hr)
    approve = staticmethod(assessment_approve)
    reject = staticmethod(assessment_reject)
    record_kwarg = "assessment"
    index_url_name = "competencies_assessment:index"
    approved_message = gettext_lazy("The assessment was approved.")
    rejected_message = gettext_lazy("The assessment was rejected.")

    def details(self):
        a = self.object
        evidence = (
            format_html(
                '<a href="{}">{}</a>',
                reverse("competencies:assessment_evidence", args=[a.pk]),
                _("Download"),
            )
            if a.evidence
            else "—"
        )
        return [
            (_("Employee"), f"{a.employee.display_name} (NIP {a.employee.nip or '—'})"),
            (_("Competency"), a.competency),
            (_("Level"), a.level),
            (_("Method"), a.get_method_display()),
            (_("Assessor"), a.assessor or "—"),
            (_("Assessment date"), a.assessed_on),
            (_("Valid until"), a.valid_until or "—"),
            (_("Evidence"), evidence),
            (_("Status"), a.get_status_display()),
            (_("Note"), a.note or "—"),
        ]


class AssessmentViewSet(ModelViewSet):
    model = Assessment
    url_prefix = "kompetensi/penilaian"
    icon = "form"
    menu_label = gettext_lazy("Assessments")
    url_namespace = "competencies_assessment"
    add_to_admin_menu = False
    index_view_class = AssessmentIndexView
    add_view_class = AssessmentCreateView
    edit_view_class = AssessmentEditView
    history_view_class = AssessmentHistoryView
    usage_view_class = _scoped_usage_view(assessment_list_for_hr)
    copy_view_enabled = False
    list_display = ["employee", "competency", "level", "method", "status", "assessed_on"]
    list_filter = ["status", "method", "competency"]
    search_fields = ["employee__full_name", "employee__user__nip"]
    edit_handler = ObjectList(
        [FieldPanel("employee"), FieldPanel("competency"), FieldPanel("level"), FieldPanel("method"),
         FieldRowPanel([FieldPanel("assessed_on"), FieldPanel("valid_until")]),
         FieldPanel("evidence"), FieldPanel("note")],
        base_form_class=AssessmentAdminForm,
    )  # fmt: skip

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("decide/<int:pk>/", AssessmentDecideView.as_view(), name="decide"),
        ]


class TrainingRecordIndexView(DecidableIndexView):
    scope = staticmethod(training_record_list_for_hr)
    decide_url_name = "competencies_record:decide"

    @property
    def header_buttons(self):
        from wagtail.admin.widgets.button import HeaderButton

        # The check screen first: it says which rows become which SIASN record and which
        # are incomplete, and carries the download links (issue 20).
        url = reverse("competencies_record:siasn_check")
        query = self.request.GET.copy()
        query.pop("p", None)
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(_("SIASN export"), url=f"{url}?{query.urlencode()}", icon_name="download"))  # fmt: skip
        return buttons


def _siasn_export_records(request):
    """The HR manager's records (their scope) with the listing's status, source and
    development-type filters; approved records only unless a status is chosen."""
    records = training_record_list_for_hr(user=request.user)  # PermissionDenied
    statuses = request.GET.getlist("status") or [TrainingRecord.Status.APPROVED]
    records = records.filter(status__in=statuses)
    if sources := request.GET.getlist("source"):
        records = records.filter(source__in=sources)
    if types := [t for t in request.GET.getlist("development_type") if t.isdigit()]:
        records = records.filter(development_type__in=types)
    return records.order_by("finished_on", "id")


class TrainingRecordSiasnCheckView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    """Before download: each record, the SIASN record it becomes (kursus, or diklat for
    leadership programmes), its whole-JP `jumlahJam`, and what is missing (docs/api.md,
    "SIASN export"). Also lists published courses with no SIASN type (lms.W001)."""

    template_name = "competencies/admin/siasn_check.html"
    page_title = gettext_lazy("SIASN export")
    header_icon = "download"

    def get(self, request):
        from django.template.response import TemplateResponse

        from competencies.siasn import siasn_export_plan
        from lms.selectors.courses import courses_without_siasn_type

        records = _siasn_export_records(request)
        lines = siasn_export_plan(records, agency=AgencySettings.for_request(request))
        query = request.GET.copy()
        downloads = []
        for kind in ("kursus", "diklat"):
            for fmt in ("csv", "json"):
                query["record"], query["format"] = kind, fmt
                downloads.append(
                    (f"{kind} ({fmt.upper()})", f"{reverse('competencies_record:export_siasn')}?{query.urlencode()}")
                )  # fmt: skip
        context = self.get_context_data(
            lines=lines,
            kursus_count=sum(1 for line in lines if line.kind == "kursus"),
            diklat_count=sum(1 for line in lines if line.kind == "diklat"),
            incomplete_count=sum(1 for line in lines if line.problems),
            downloads=downloads,
            courses_without_type=list(courses_without_siasn_type()[:50]),
        )
        return TemplateResponse(request, self.template_name, context)


class TrainingRecordSiasnExportView(View):
    """The HR manager's training records (their scope) in SIASN's field names, as CSV or
    JSON (docs/api.md, "SIASN export"): `kursus` records, or with `record=diklat` the
    leadership programmes as `diklat` records. Takes the listing's filters."""

    def get(self, request):
        import json

        from django.http import HttpResponse

        from competencies.api import CSVRenderer
        from competencies.siasn import (
            SIASN_DIKLAT_FIELDS,
            SIASN_EXTRA_FIELDS,
            SIASN_KURSUS_FIELDS,
            siasn_diklat_rows,
            siasn_kursus_rows,
        )
        from competencies.spreadsheets import CSV_CONTENT_TYPE

        records = _siasn_export_records(request)
        agency = AgencySettings.for_request(request)
        kind = "diklat" if request.GET.get("record") == "diklat" else "kursus"
        fields: tuple[str, ...]
        if kind == "diklat":
            rows = siasn_diklat_rows(records, agency=agency)
            fields = SIASN_DIKLAT_FIELDS + SIASN_EXTRA_FIELDS
        else:
            rows = siasn_kursus_rows(records, agency=agency)
            fields = SIASN_KURSUS_FIELDS + SIASN_EXTRA_FIELDS
        if request.GET.get("format") == "json":
            body = json.dumps(rows, ensure_ascii=False, indent=1)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="siasn-{kind}.json"'
            return response
        view = type("CsvColumns", (), {"csv_fields": fields})
        body = CSVRenderer().render(rows, renderer_context={"view": view})
        response = HttpResponse(body, content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="siasn-{kind}.csv"'
        return response


class TrainingRecordDecideView(DecisionView):
    model = TrainingRecord
    page_title = gettext_lazy("Decide training record")
    scope = staticmethod(training_record_list_for_hr)
    approve = staticmethod(training_record_approve)
    reject = staticmethod(training_record_reject)
    record_kwarg = "record"
    index_url_name = "competencies_record:index"
    approved_message = gettext_lazy("The training record was approved.")
    rejected_message = gettext_lazy("The training record was rejected.")

    def details(self):
        r = self.object
        proof = (
            format_html(
                '<a href="{}">{}</a>',
                reverse("competencies:record_proof", args=[r.pk]),
                _("Download"),
            )
            if r.proof
            else "—"
        )
        return [
            (_("Employee"), f"{r.employee.display_name} (NIP {r.employee.nip or '—'})"),
            (_("Training name"), r.title),
            (_("Organiser"), r.organiser),
            (_("Kind of development (SIASN)"), r.get_development_type_display()),
            (_("Dates"), f"{date_display(r.started_on)} – {date_display(r.finished_on)}"),
            (_("Lesson hours (JP)"), jp_display(r.jp)),
            (_("Certificate number"), r.certificate_number or "—"),
            (_("Proof"), proof),
            (_("Status"), r.get_status_display()),
        ]


class TrainingRecordViewSet(ModelViewSet):
    """HR reviews external training; course records arrive approved. Records are
    decided, not edited or deleted, so the listing is read-only apart from decisions."""

    model = TrainingRecord
    url_prefix = "kompetensi/riwayat-pelatihan"
    icon = "doc-full"
    menu_label = gettext_lazy("Training records")
    url_namespace = "competencies_record"
    add_to_admin_menu = False
    index_view_class = TrainingRecordIndexView
    history_view_class = type(
        "HistoryView",
        (ScopedObjectMixin, HistoryView),
        {"scope": staticmethod(training_record_list_for_hr)},
    )
    usage_view_class = _scoped_usage_view(training_record_list_for_hr)
    copy_view_enabled = False
    # status_label: a course record withdrawn by a certificate revocation says "Revoked".
    list_display = [
        "employee",
        "title",
        "jp",
        "finished_on",
        "source",
        Column("status_label", label=gettext_lazy("status")),
    ]
    list_filter = ["status", "source", "development_type"]
    search_fields = ["title", "employee__full_name", "employee__user__nip"]
    form_fields = ["title"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("decide/<int:pk>/", TrainingRecordDecideView.as_view(), name="decide"),
            path("siasn/", TrainingRecordSiasnExportView.as_view(), name="export_siasn"),
            path("siasn/check/", TrainingRecordSiasnCheckView.as_view(), name="siasn_check"),
        ]


class CompetencyGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Competencies")
    menu_icon = "tasks"
    menu_order = 310
    items = (CompetencyViewSet, AssessmentViewSet, TrainingRecordViewSet)


@hooks.register("register_admin_viewset")
def register_hr_viewsets():
    return [StaffGroup(), CompetencyGroup()]


# GAP REPORT ------------------------------------------------------------------------------


class GapReportView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    """The unit × competency heat-map, and the gap summary of one unit or position."""

    template_name = "competencies/admin/gap_report.html"
    page_title = gettext_lazy("Competency gaps")
    header_icon = "tasks"

    def get(self, request):
        from django.template.response import TemplateResponse

        units = orgunit_list_for_hr(user=request.user)  # raises PermissionDenied
        scope = hr_scope_unit(user=request.user)
        root = None
        if request.GET.get("unit"):
            root = get_object_or_404(units, pk=request.GET["unit"])
        elif scope is not None:
            root = scope
        heatmap = gap_heatmap(root=root)
        position_summary = None
        position = None
        if request.GET.get("position"):
            position = get_object_or_404(Position, pk=request.GET["position"])
            position_summary = position_gap_summary(position=position, within=scope)
        context = self.get_context_data(
            heatmap=heatmap,
            rows=[
                (unit, [heatmap.cell(unit.pk, c.pk) for c in heatmap.competencies])
                for unit in heatmap.units
            ],
            root=root,
            units=units,
            positions=Position.objects.filter(is_active=True).order_by("name"),
            position=position,
            position_summary=position_summary,
            position_rows=[
                (c, position_summary.cells.get(c.pk)) for c in position_summary.competencies
            ]
            if position_summary
            else [],
        )
        return TemplateResponse(request, self.template_name, context)


@hooks.register("register_admin_urls")
def register_report_urls():
    from competencies.admin_views.reports import ComplianceReportView

    return [
        path("kompetensi/kesenjangan/", GapReportView.as_view(), name="competencies_gap_report"),
        path(
            "kompetensi/kepatuhan-jp/",
            ComplianceReportView.as_view(),
            name="competencies_compliance_report",
        ),
    ]


class HRMenuItem(AdminMenuItem):
    """A main-menu entry shown to HR managers and administrators only (the views check
    again)."""

    def is_shown(self, request):
        return has_role(request.user, Role.PENGELOLA_SDM, Role.ADMINISTRATOR)


@hooks.register("register_admin_menu_item")
def register_gap_report_menu_item():
    return HRMenuItem(
        gettext_lazy("Competency gaps"),
        reverse("competencies_gap_report"),
        icon_name="table",
        order=320,
    )


@hooks.register("register_admin_menu_item")
def register_compliance_menu_item():
    return HRMenuItem(
        gettext_lazy("JP compliance"),
        reverse("competencies_compliance_report"),
        icon_name="date",
        order=330,
    )


@hooks.register("construct_reports_menu")
def hide_site_history_from_partial_views(request, menu_items):
    """Reports → Site history opens only for those who see the whole organisation
    (competencies.admin_views.base.site_history_urls); the others do not get the entry."""
    if not sees_whole_organisation(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


@hooks.register("register_log_actions")
def register_hr_log_actions(actions):
    actions.register_action(
        "competencies.submit",
        gettext_lazy("Submit assessment"),
        gettext_lazy("Assessment submitted"),
    )
    actions.register_action(
        "competencies.approve",
        gettext_lazy("Approve assessment"),
        gettext_lazy("Assessment approved"),
    )
    actions.register_action(
        "competencies.reject",
        gettext_lazy("Reject assessment"),
        gettext_lazy("Assessment rejected"),
    )
    actions.register_action(
        "competencies.deactivate", gettext_lazy("Deactivate"), gettext_lazy("Deactivated")
    )
    actions.register_action(
        "competencies.reactivate", gettext_lazy("Reactivate"), gettext_lazy("Reactivated")
    )
    actions.register_action("competencies.import", gettext_lazy("Import"), gettext_lazy("Imported"))
    actions.register_action(
        "competencies.record_approve",
        gettext_lazy("Approve training record"),
        gettext_lazy("Training record approved"),
    )
    actions.register_action(
        "competencies.record_reject",
        gettext_lazy("Reject training record"),
        gettext_lazy("Training record rejected"),
    )
