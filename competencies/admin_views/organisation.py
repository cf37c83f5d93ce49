"""Organisation screens in the Wagtail admin (grouped under "Personnel"): units,
positions with their competency standard, employees and HR manager scopes."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet

from competencies.admin_views.base import (
    AuditedCreateView,
    AuditedEditView,
    ScopedMixin,
    ScopedObjectMixin,
    TitledAdminMixin,
    scoped_usage_view,
)
from competencies.forms import EmployeeAdminForm, OrgUnitAdminForm
from competencies.models import Employee, HRScope, OrgUnit, Position
from competencies.selectors.hr_scope import employee_list_for_hr, orgunit_list_for_hr
from competencies.services.employees import (
    employee_create,
    employee_deactivate,
    employee_reactivate,
    employee_update,
)
from competencies.services.hr_scopes import hr_scope_create, hr_scope_update
from competencies.services.organisation import orgunit_create, orgunit_update
from competencies.services.positions import position_create, position_update

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
    usage_view_class = scoped_usage_view(orgunit_list_for_hr)
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


class PositionCreateView(AuditedCreateView):
    create_service = staticmethod(position_create)
    instance_kwarg = "position"


class PositionEditView(AuditedEditView):
    update_service = staticmethod(position_update)
    instance_kwarg = "position"


class PositionViewSet(ModelViewSet):
    model = Position
    url_prefix = "kepegawaian/jabatan"
    url_namespace = "competencies_position"
    icon = "user"
    menu_label = gettext_lazy("Positions")
    add_to_admin_menu = False
    add_view_class = PositionCreateView
    edit_view_class = PositionEditView
    usage_view_class = scoped_usage_view(lambda user: Position.objects.all())
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
    usage_view_class = scoped_usage_view(employee_list_for_hr)
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
                 FieldPanel("email"), FieldPanel("nip"), FieldPanel("birth_place"),
                 FieldPanel("date_of_birth")],
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


# HR MANAGER SCOPES -----------------------------------------------------------------------


class HRScopeCreateView(AuditedCreateView):
    create_service = staticmethod(hr_scope_create)
    instance_kwarg = "scope"


class HRScopeEditView(AuditedEditView):
    update_service = staticmethod(hr_scope_update)
    instance_kwarg = "scope"


class HRScopeViewSet(ModelViewSet):
    model = HRScope
    url_prefix = "kepegawaian/cakupan-sdm"
    url_namespace = "competencies_hrscope"
    icon = "key"
    menu_label = gettext_lazy("HR manager scopes")
    add_to_admin_menu = False
    add_view_class = HRScopeCreateView
    edit_view_class = HRScopeEditView
    usage_view_class = scoped_usage_view(lambda user: HRScope.objects.all())
    copy_view_enabled = False
    list_display = ["user", "unit"]
    form_fields = ["user", "unit"]
