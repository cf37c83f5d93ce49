from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.models import Certificate, CoursePage, Question
from lms.services.certificates import (
    certificate_list_for_hr,
    certificate_reissue,
    certificate_revoke,
)


def _course_scope(user):
    """Trainers see the question banks of the courses they own or teach."""
    if user.is_superuser or user.has_perm("portal.manage_site"):
        return CoursePage.objects.all()
    return CoursePage.objects.filter(Q(owner=user) | Q(trainers=user)).distinct()


def _check_scope(request, question: Question) -> None:
    if not _course_scope(request.user).filter(pk=question.course_id).exists():
        raise PermissionDenied


class QuestionIndexView(IndexView):
    def get_base_queryset(self):
        return (
            super()
            .get_base_queryset()
            .filter(course__in=_course_scope(self.request.user))
            .select_related("course", "competency")
        )


class CourseScopedFormMixin:
    """The course field offers only the courses the trainer owns or teaches."""

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)  # type: ignore[misc]
        form.fields["course"].queryset = _course_scope(self.request.user)  # type: ignore[attr-defined]
        return form


class QuestionCreateView(CourseScopedFormMixin, CreateView):
    pass


class QuestionEditView(CourseScopedFormMixin, EditView):
    def get_object(self, queryset=None):
        question = super().get_object(queryset)
        _check_scope(self.request, question)
        return question


class QuestionDeleteView(DeleteView):
    def get_object(self, queryset=None):
        question = super().get_object(queryset)
        _check_scope(self.request, question)
        return question


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Question bank")
    menu_order = 250
    add_to_admin_menu = True
    list_display = ["prompt", "course", "kind", "difficulty", "competency"]
    list_filter = ["kind", "difficulty", "competency"]
    search_fields = ["prompt"]
    index_view_class = QuestionIndexView
    add_view_class = QuestionCreateView
    edit_view_class = QuestionEditView
    delete_view_class = QuestionDeleteView


@hooks.register("register_admin_viewset")
def register_question_viewset():
    return QuestionViewSet("lms_questions")


class TrainerReportsMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("portal.author_courses") or request.user.has_perm(
            "portal.access_hr"
        )


@hooks.register("register_admin_menu_item")
def register_trainer_reports_menu_item():
    return TrainerReportsMenuItem(
        _("Learner reports"),
        reverse("lms:trainer_courses"),
        icon_name="table",
        order=260,
    )


@hooks.register("register_log_actions")
def register_assignment_log_actions(actions):
    actions.register_action("lms.assignment_create", _("Assign course"), _("Course assigned"))
    actions.register_action("lms.assignment_extend", _("Extend due date"), _("Due date extended"))
    actions.register_action(
        "lms.proposal_decide", _("Decide training proposal"), _("Training proposal decided")
    )


# CERTIFICATES ----------------------------------------------------------------------------


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are issued by the completion task, never added, edited or deleted in
    the admin; HR revokes and reissues them through the action views."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


register_permission_policy(Certificate, CertificatePermissionPolicy(Certificate))


class CertificateIndexView(IndexView):
    def get_base_queryset(self):
        return certificate_list_for_hr(self.request.user)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_current and instance.status == Certificate.Status.ISSUED:
            buttons.append(
                ActionMenuItem(
                    _("Revoke"),
                    url=reverse("lms_certificates:revoke", args=[instance.pk]),
                    icon_name="cross",
                    priority=5,
                )
            )
        if instance.is_current and instance.status != Certificate.Status.PENDING:
            buttons.append(
                ActionMenuItem(
                    _("Reissue"),
                    url=reverse("lms_certificates:reissue", args=[instance.pk]),
                    icon_name="repeat",
                    priority=6,
                )
            )
        if instance.status in (Certificate.Status.ISSUED, Certificate.Status.REVOKED):
            buttons.append(
                ActionMenuItem(
                    _("Download PDF"),
                    url=reverse("lms:certificate_download", args=[instance.code]),
                    icon_name="download",
                    priority=7,
                )
            )
        return buttons


class CertificateActionForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Recorded in the audit trail; a revocation reason is shown publicly."),
    )


class CertificateActionView(WagtailAdminTemplateMixin, BaseObjectMixin, View):
    """Confirmation page with a required reason, then revoke or reissue."""

    model = Certificate
    template_name = "lms/certificates/admin_action.html"
    header_icon = "doc-full"
    service: Any = None
    success_message: Any = ""

    def get_base_object_queryset(self):
        return certificate_list_for_hr(self.request.user)

    def _render(self, form):
        context = self.get_context_data(
            object=self.object,
            form=form,
            index_url=reverse("lms_certificates:index"),
            submit_label=self.page_title,
        )
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self._render(CertificateActionForm())

    def post(self, request, *args, **kwargs):
        form = CertificateActionForm(request.POST)
        if not form.is_valid():
            return self._render(form)
        try:
            type(self).service(
                certificate=self.object, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self._render(form)
        messages.success(request, self.success_message)
        return redirect("lms_certificates:index")


class CertificateRevokeView(CertificateActionView):
    page_title = _("Revoke certificate")
    service = staticmethod(certificate_revoke)
    success_message = _("The certificate was revoked.")


class CertificateReissueView(CertificateActionView):
    page_title = _("Reissue certificate")
    service = staticmethod(certificate_reissue)
    success_message = _("A new certificate was issued.")


class CertificateViewSet(ModelViewSet):
    model = Certificate
    url_prefix = "sertifikat"
    url_namespace = "lms_certificates"
    icon = "doc-full"
    menu_label = _("Certificates")
    menu_order = 270
    add_to_admin_menu = True
    index_view_class = CertificateIndexView
    copy_view_enabled = False
    # Wagtail's inspect view looks objects up without the HR scope; the listing and the
    # revoke/reissue screens (scoped) show what HR needs.
    inspect_view_enabled = False
    list_display = ["number", "holder_name", "course_title", "issued_on", "status", "is_current"]
    list_filter = ["status", "year", "is_current", "language"]
    search_fields = ["number", "holder_name", "course_title"]
    search_backend_name = None
    form_fields = ["revocation_reason"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", CertificateRevokeView.as_view(), name="revoke"),
            path("reissue/<int:pk>/", CertificateReissueView.as_view(), name="reissue"),
        ]


@hooks.register("register_admin_viewset")
def register_certificate_viewset():
    return CertificateViewSet("lms_certificates")


@hooks.register("register_log_actions")
def register_certificate_log_actions(actions):
    actions.register_action(
        "lms.certificate_revoke", _("Revoke certificate"), _("Certificate revoked")
    )
    actions.register_action(
        "lms.certificate_reissue", _("Reissue certificate"), _("Certificate reissued")
    )


@hooks.register("register_admin_urls")
def register_assignment_urls():
    from django.urls import path

    from lms import admin_assignments as views

    return [
        path("pelatihan/penugasan/", views.AssignmentIndexView.as_view(), name="lms_assignments"),
        path(
            "pelatihan/penugasan/baru/",
            views.AssignmentCreateView.as_view(),
            name="lms_assignment_create",
        ),
        path(
            "pelatihan/penugasan/<int:pk>/",
            views.AssignmentDetailView.as_view(),
            name="lms_assignment_detail",
        ),
        path(
            "pelatihan/penugasan/peserta/<int:pk>/perpanjang/",
            views.AssignmentExtendView.as_view(),
            name="lms_assignment_extend",
        ),
        path(
            "pelatihan/usulan/", views.ProposalIndexView.as_view(), name="lms_assignment_proposals"
        ),
    ]


class AssignmentMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm("portal.access_hr")


@hooks.register("register_admin_menu_item")
def register_assignment_menu_item():
    return AssignmentMenuItem(
        _("Course assignments"), reverse("lms_assignments"), icon_name="calendar", order=330
    )
