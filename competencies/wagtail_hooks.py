"""HR administration in Wagtail: viewsets grouped under "Personnel" and "Competencies",
the audit log actions, the reports and the import screens. The views live in
competencies/admin_views/."""

from __future__ import annotations

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy

from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.permissions import register_permission_policy

from competencies.admin_views import imports
from competencies.admin_views.base import (
    DecideOnlyPermissionPolicy,
    HRMenuItem,
    NoDeletePermissionPolicy,
    sees_whole_organisation,
)
from competencies.admin_views.competencies import CompetencyViewSet
from competencies.admin_views.idp import idp_admin_urls
from competencies.admin_views.jp_conversion import (
    JpConversionRuleViewSet,
    TablePermissionPolicy,
    jp_admin_urls,
)
from competencies.admin_views.organisation import (
    EmployeeViewSet,
    HRScopeViewSet,
    OrgUnitViewSet,
    PositionViewSet,
)
from competencies.admin_views.records import AssessmentViewSet, TrainingRecordViewSet
from competencies.admin_views.reports import ComplianceReportView, GapReportView
from competencies.models import (
    Assessment,
    Competency,
    Employee,
    JpConversionRule,
    OrgUnit,
    Position,
    TrainingRecord,
)

for _model in (OrgUnit, Position, Employee, Competency, Assessment):
    register_permission_policy(_model, NoDeletePermissionPolicy(_model))
register_permission_policy(TrainingRecord, DecideOnlyPermissionPolicy(TrainingRecord))
register_permission_policy(JpConversionRule, TablePermissionPolicy(JpConversionRule))


class StaffGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Personnel")
    menu_icon = "group"
    menu_order = 300
    items = (OrgUnitViewSet, PositionViewSet, EmployeeViewSet, HRScopeViewSet)


class CompetencyGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Competencies")
    menu_icon = "tasks"
    menu_order = 310
    items = (CompetencyViewSet, AssessmentViewSet, TrainingRecordViewSet, JpConversionRuleViewSet)


@hooks.register("register_admin_viewset")
def register_hr_viewsets():
    return [StaffGroup(), CompetencyGroup()]


# REPORTS ---------------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_report_urls():
    return [
        path("kompetensi/kesenjangan/", GapReportView.as_view(), name="competencies_gap_report"),
        path(
            "kompetensi/kepatuhan-jp/",
            ComplianceReportView.as_view(),
            name="competencies_compliance_report",
        ),
        *jp_admin_urls(),
        *idp_admin_urls(),
    ]


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


@hooks.register("register_admin_menu_item")
def register_idp_menu_item():
    return HRMenuItem(
        gettext_lazy("Development plans"),
        reverse("competencies_idp_agreement_report"),
        icon_name="tasks",
        order=335,
    )


@hooks.register("construct_reports_menu")
def hide_site_history_from_partial_views(request, menu_items):
    """Reports → Site history opens only for those who see the whole organisation
    (competencies.admin_views.base.site_history_urls); the others do not get the entry."""
    if not sees_whole_organisation(request.user):
        menu_items[:] = [item for item in menu_items if item.name != "site-history"]


# IMPORT AND EXPORT -----------------------------------------------------------------------

import_urlpatterns = [
    path("", imports.import_index, name="index"),
    path("preview/", imports.import_preview, name="preview"),
    path("commit/", imports.import_commit, name="commit"),
    path(
        "template/<str:kind>/<str:file_format>/",
        imports.import_template_download,
        name="template",
    ),
    path("export/<str:kind>/<str:file_format>/", imports.export_download, name="export"),
]


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path(
            "hr/import-export/",
            include((import_urlpatterns, "competencies_imports"), namespace="competencies_imports"),
        )
    ]


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return HRMenuItem(
        gettext_lazy("Import & export"),
        reverse("competencies_imports:index"),
        name="hr-import-export",
        icon_name="upload",
        order=420,
    )


# AUDIT LOG -------------------------------------------------------------------------------


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
        "competencies.jp_override",
        gettext_lazy("Set the JP of a training record"),
        gettext_lazy("JP of a training record set by HR"),
    )
    actions.register_action(
        "competencies.jp_recompute",
        gettext_lazy("Re-compute the JP of a training record"),
        gettext_lazy("JP of a training record re-computed"),
    )
    actions.register_action(
        "competencies.record_reject",
        gettext_lazy("Reject training record"),
        gettext_lazy("Training record rejected"),
    )


@hooks.register("register_log_actions")
def register_development_plan_log_actions(actions):
    for code, label, message in (
        ("competencies.plan_submit", gettext_lazy("Submit the development plan"), gettext_lazy("Development plan submitted")),
        ("competencies.plan_approve", gettext_lazy("Approve the development plan"), gettext_lazy("Development plan approved")),
        ("competencies.plan_return", gettext_lazy("Return the development plan"), gettext_lazy("Development plan returned for changes")),
        ("competencies.plan_revise", gettext_lazy("Revise the development plan"), gettext_lazy("Development plan revision started")),
        ("competencies.plan_spend", gettext_lazy("Enter plan spending"), gettext_lazy("Plan spending entered")),
        ("competencies.plan_spend_cancel", gettext_lazy("Cancel plan spending"), gettext_lazy("Plan spending cancelled")),
        ("competencies.plan_link", gettext_lazy("Link training to a plan item"), gettext_lazy("Training linked to a plan item")),
    ):  # fmt: skip
        actions.register_action(code, label, message)


# DEVELOPMENT PLAN ------------------------------------------------------------------------


@hooks.register("register_admin_urls")
def register_development_plan_urls():
    from competencies.admin_views.development_plan import development_plan_urls

    return development_plan_urls()


class PlanMenuItem(HRMenuItem):
    """HR, and the head of agency who approves the plan without being HR."""

    def is_shown(self, request):
        return super().is_shown(request) or request.user.has_perm(
            "competencies.approve_development_plan"
        )


@hooks.register("register_admin_menu_item")
def register_development_plan_menu_item():
    return PlanMenuItem(
        gettext_lazy("Development plan"),
        reverse("competencies_plan_list"),
        name="development-plan",
        icon_name="list-ul",
        order=335,
    )
