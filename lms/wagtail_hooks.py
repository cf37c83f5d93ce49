from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import View

from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.views.generic.models import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.views.generic.usage import UsageView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from lms.models import Certificate, CoursePage, Question
from lms.selectors.certificates import certificate_list_for_hr
from lms.services.certificates import certificate_reissue, certificate_revoke
from lms.views import certificates as certificate_admin


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


class ScopedQuestionObjectMixin:
    """History and usage look the question up among the trainer's own courses (Wagtail's
    look it up on the model: any trainer could read another course's bank there)."""

    request: Any

    def get_base_object_queryset(self):
        return Question.objects.filter(course__in=_course_scope(self.request.user))


class QuestionHistoryView(ScopedQuestionObjectMixin, HistoryView):
    pass


class QuestionUsageView(ScopedQuestionObjectMixin, UsageView):
    pass


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
    history_view_class = QuestionHistoryView
    usage_view_class = QuestionUsageView
    # Wagtail's copy view opens any question (options, right answers, explanation) to
    # anyone who may add one; a trainer writes a new question instead.
    copy_view_enabled = False


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
        "lms.assignment_rule_save", _("Save assignment rule"), _("Assignment rule saved")
    )
    actions.register_action(
        "lms.assignment_rule_delete", _("Delete assignment rule"), _("Assignment rule deleted")
    )
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
        return certificate_list_for_hr(user=self.request.user)

    @cached_property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                _("Download as ZIP"),
                url=reverse("lms_certificates:bulk_create"),
                icon_name="download",
            ),
        ]

    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.request.user.has_perm("lms.regenerate_certificates"):
            buttons.append(
                Button(
                    _("Re-generate PDFs"),
                    url=reverse("lms_certificates:regenerate"),
                    icon_name="repeat",
                )
            )
        return buttons

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
    category = forms.ChoiceField(
        label=_("Public category"),
        choices=[
            c
            for c in Certificate.RevocationCategory.choices
            if c[0] != Certificate.RevocationCategory.REPLACED
        ],
        initial=Certificate.RevocationCategory.DATA_ERROR,
        help_text=_("Shown on the public verification page, with the date."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For HR only: recorded in the audit trail, never shown publicly."),
    )

    def __init__(self, *args: Any, with_category: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_category:
            del self.fields["category"]


class CertificateActionView(WagtailAdminTemplateMixin, BaseObjectMixin, View):
    """Confirmation page with a required reason, then revoke or reissue."""

    model = Certificate
    template_name = "lms/certificates/admin_action.html"
    header_icon = "doc-full"
    service: Any = None
    success_message: Any = ""
    with_category = False

    def get_base_object_queryset(self):
        return certificate_list_for_hr(user=self.request.user)

    def _render(self, form):
        context = self.get_context_data(
            object=self.object,
            form=form,
            index_url=reverse("lms_certificates:index"),
            submit_label=self.page_title,
        )
        return TemplateResponse(self.request, self.template_name, context)

    def get(self, request, *args, **kwargs):
        return self._render(CertificateActionForm(with_category=self.with_category))

    def post(self, request, *args, **kwargs):
        form = CertificateActionForm(request.POST, with_category=self.with_category)
        if not form.is_valid():
            return self._render(form)
        extra = {"category": form.cleaned_data["category"]} if self.with_category else {}
        try:
            type(self).service(
                certificate=self.object,
                actor=request.user,
                reason=form.cleaned_data["reason"],
                **extra,
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
    with_category = True


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
    list_display = [
        "number",
        "holder_name",
        "course_title",
        "issued_on",
        "status",
        "revocation_category",
        # Whether the certificate is valid now (valid / revoked / expired), not the
        # model's "current" flag (the enrolment's latest certificate), which a revoked
        # certificate keeps and which read as "Berlaku: True".
        Column("validity_label", label=_("Validity")),
    ]
    list_filter = ["status", "year", "is_current", "language"]
    search_fields = ["number", "holder_name", "course_title"]
    search_backend_name = None
    form_fields = ["revocation_reason"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("revoke/<int:pk>/", CertificateRevokeView.as_view(), name="revoke"),
            path("reissue/<int:pk>/", CertificateReissueView.as_view(), name="reissue"),
            path("pdf-ulang/", certificate_admin.regenerate, name="regenerate"),
            path("unduh-zip/", certificate_admin.bulk_create, name="bulk_create"),
            path("unduh-zip/<int:job_id>/", certificate_admin.bulk_detail, name="bulk_detail"),
            path(
                "unduh-zip/<int:job_id>/status.json",
                certificate_admin.bulk_status,
                name="bulk_status",
            ),
            path(
                "unduh-zip/<int:job_id>/berkas/",
                certificate_admin.bulk_download,
                name="bulk_download",
            ),
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

    from lms.admin_views import assignments as views
    from lms.admin_views import training_needs as needs_views

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
        # Saved rules and the training-needs report (docs/assignments.md).
        path(
            "pelatihan/aturan/",
            views.AssignmentRuleIndexView.as_view(),
            name="lms_assignment_rules",
        ),
        path(
            "pelatihan/aturan/baru/",
            views.AssignmentRuleEditView.as_view(),
            name="lms_assignment_rule_create",
        ),
        path(
            "pelatihan/aturan/<int:pk>/",
            views.AssignmentRuleEditView.as_view(),
            name="lms_assignment_rule_edit",
        ),
        path(
            "pelatihan/aturan/<int:pk>/hapus/",
            views.AssignmentRuleDeleteView.as_view(),
            name="lms_assignment_rule_delete",
        ),
        path(
            "pelatihan/kebutuhan/",
            needs_views.TrainingNeedsView.as_view(),
            name="lms_training_needs",
        ),
        path(
            "pelatihan/kebutuhan/tugaskan/<int:course_id>/",
            needs_views.TrainingNeedAssignView.as_view(),
            name="lms_training_need_assign",
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


@hooks.register("register_admin_menu_item")
def register_training_needs_menu_item():
    # Next to the competency-gap (320) and JP-compliance (330) HR reports.
    return AssignmentMenuItem(
        _("Training needs"), reverse("lms_training_needs"), icon_name="table", order=325
    )


# Training-need proposals (issue 7) register their own viewset and log action.
from lms.admin_views import proposals as wagtail_hooks_proposals  # noqa: E402, F401


# A course goes to review, and is approved, in one confirmed action with its changed
# lessons and quizzes (issue 22 item 8; lms/admin_views/course_review.py).
@hooks.register("register_admin_urls")
def register_course_review_urls():
    from django.urls import path

    from lms.admin_views import course_review

    return [
        path(
            "kursus/<int:page_id>/tinjauan/kirim/",
            course_review.CourseReviewSubmitView.as_view(),
            name="lms_course_review_submit",
        ),
        path(
            "kursus/<int:page_id>/tinjauan/setujui/",
            course_review.CourseReviewApproveView.as_view(),
            name="lms_course_review_approve",
        ),
    ]


@hooks.register("register_page_action_menu_item")
def register_course_review_submit_menu_item():
    from lms.admin_views.course_review import CourseReviewSubmitMenuItem

    return CourseReviewSubmitMenuItem(order=1)


@hooks.register("register_page_action_menu_item")
def register_course_review_approve_menu_item():
    from lms.admin_views.course_review import CourseReviewApproveMenuItem

    # Before "Save draft": the reviewer's main action on a course in review.
    return CourseReviewApproveMenuItem(order=-1)
