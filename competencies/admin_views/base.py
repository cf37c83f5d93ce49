"""Shared bits for the HR screens in the Wagtail admin: the permission policies, the
HR-scope mixins (an HR manager limited to a unit subtree sees and changes only that
subtree: the limit is applied to the querysets of the listing, edit, delete, history and
usage views, so a URL for an object outside it answers 404, not just a hidden menu
entry), the audited create and edit views, and the approve-or-reject screen."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.generic import View

from wagtail.admin.menu import MenuItem as AdminMenuItem
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.usage import UsageView
from wagtail.permission_policies import ModelPermissionPolicy

from competencies.forms import AssessmentDecisionForm
from competencies.services import audit


class TitledAdminMixin:
    """Puts the page's own title after "Home" in the breadcrumbs; without it Wagtail's
    slim header shows only "Home" as the title of a custom admin view."""

    breadcrumbs_items: list[dict[str, Any]]
    get_page_title: Any  # WagtailAdminTemplateMixin's, later in the MRO

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


def sees_whole_organisation(user: Any) -> bool:
    """Administrators and HR managers without an HRScope: the only people for whom a list
    that spans every unit (Wagtail's usage view, Reports → Site history) shows nothing
    they could not open anyway (docs/security.md, "Page privacy and Wagtail's built-in
    views")."""
    from accounts.roles import Role, has_role
    from competencies.selectors.hr_scope import hr_scope_unit

    if user.is_superuser or has_role(user, Role.ADMINISTRATOR):
        return True
    return has_role(user, Role.PENGELOLA_SDM) and hr_scope_unit(user=user) is None


class WholeOrganisationOnlyMixin:
    """For Wagtail views that list things across every unit without a way to scope them
    (the usage view lists every object that refers to this one: the assessments of a
    competency, the holders of a position): 403 for everyone who does not see the whole
    organisation."""

    def dispatch(self, request: Any, *args: Any, **kwargs: Any) -> Any:
        from django.core.exceptions import PermissionDenied

        if not sees_whole_organisation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def _site_history_view_class() -> Any:
    from wagtail.admin.views.reports.audit_logging import LogEntriesView

    class SiteHistoryView(WholeOrganisationOnlyMixin, LogEntriesView):
        """Wagtail's Reports → Site history lists the label of every logged object (an
        assessment's label is "name · competency = level"), filtered by model permission
        only, not by HR scope or course: so only those who see the whole organisation
        open it. The others read the history of each object they may open."""

    return SiteHistoryView


def site_history_urls() -> list[Any]:
    """URL patterns that take the place of Wagtail's own Site history report (listed in
    config/urls.py before Wagtail's admin, with the same access checks Wagtail adds)."""
    from django.urls import path
    from django.views.decorators.cache import never_cache

    from wagtail.admin.auth import require_admin_access

    view = _site_history_view_class()
    return [
        path(
            "admin/reports/site-history/",
            never_cache(require_admin_access(view.as_view())),
        ),
        path(
            "admin/reports/site-history/results/",
            never_cache(require_admin_access(view.as_view(results_only=True))),
        ),
    ]


# PERMISSION POLICIES ---------------------------------------------------------------------


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


# HR SCOPE --------------------------------------------------------------------------------


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


def scoped_usage_view(selector: Any) -> type[ScopedUsageView]:
    return type("UsageView", (ScopedUsageView,), {"scope": staticmethod(selector)})


# AUDITED SAVES ---------------------------------------------------------------------------


class AuditedCreateView(generic.CreateView):
    """Saves through a service that writes one audit entry (inline rows included)."""

    create_service: Any = None  # service(actor=, <instance_kwarg>=)
    instance_kwarg = ""

    def save_instance(self):
        instance = self.form.save(commit=False)
        instance = type(self).create_service(
            actor=self.request.user, **{self.instance_kwarg: instance}
        )
        self.form.save_m2m()
        return instance


class AuditedEditView(generic.EditView):
    """Saves through a service that writes one audit entry with the fields that changed,
    instead of Wagtail's entry without them."""

    update_service: Any = None  # service(actor=, <instance_kwarg>=, changes=, changed=)
    instance_kwarg = ""

    def _form_changes(self):
        return {
            name: [
                audit._plain(self.form.initial.get(name)),
                audit._plain(self.form.cleaned_data.get(name)),
            ]
            for name in self.form.changed_data
            if name in self.form.cleaned_data
        }

    def save_instance(self):
        changes = self._form_changes()
        instance = self.form.save(commit=False)
        instance = type(self).update_service(
            actor=self.request.user,
            changes=changes,
            changed=self.form.has_changed(),
            **{self.instance_kwarg: instance},
        )
        self.form.save_m2m()
        return instance


def form_error(view: Any, exc: ValidationError) -> None:
    """Shows a service's ValidationError on the view's form, by field where it can."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            view.form.add_error(field if field in view.form.fields else None, errors)
    else:
        view.form.add_error(None, exc)


# DECISIONS -------------------------------------------------------------------------------


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

    def file_link(self, url_name: str, file) -> object:
        """The "Download" link to the record's private file (served by `url_name`), or a dash."""
        if not file:
            return "—"
        return format_html(
            '<a href="{}">{}</a>', reverse(url_name, args=[self.object.pk]), _("Download")
        )

    def _render(self, form):
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


class HRMenuItem(AdminMenuItem):
    """A main-menu entry shown to those the ``portal.access_hr`` rule admits (HR managers
    and administrators); the views check again."""

    def is_shown(self, request: Any) -> bool:
        return request.user.has_perm("portal.access_hr")
