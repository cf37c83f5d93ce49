"""Certificates in the Wagtail admin (HR): the scoped listing, revoke and reissue with a
required reason, ZIP downloads of a course's or a unit's certificates, and (for
administrators) re-rendering every PDF. Certificates are issued by the completion task,
never added or edited here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import View

from wagtail.admin.ui.menus import MenuItem as ActionMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.base import BaseObjectMixin, WagtailAdminTemplateMixin
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button, HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.rules import require_hr
from accounts.submit_once import submit_duplicate_redirect, submit_token_claim
from competencies.models import OrgUnit
from competencies.selectors.hr_scope import hr_scope_unit
from lms.admin_views import certificate_signing
from lms.models import Certificate, CertificateBulkJob, CoursePage
from lms.selectors.certificates import (
    certificate_bulk_job_get,
    certificate_ids_for_regeneration,
    certificate_list_for_hr,
)
from lms.services.certificate_bulk import certificate_bulk_job_create
from lms.services.certificates import certificate_reissue, certificate_revoke
from lms.tasks import certificate_pdfs_regenerate_queue

if TYPE_CHECKING:
    from accounts.models import User


class CertificatePermissionPolicy(ModelPermissionPolicy):
    """Certificates are issued by the completion task, never added, edited or deleted in
    the admin; HR revokes and reissues them through the action views."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)


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


# BULK ZIP AND RE-RENDERING ----------------------------------------------------------------


class BulkZipForm(forms.Form):
    course = forms.ModelChoiceField(
        label=_("Course"), queryset=CoursePage.objects.none(), required=False
    )
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=OrgUnit.objects.none(), required=False)

    def __init__(self, *args: Any, scope: OrgUnit | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.filter(  # type: ignore[attr-defined]
            certificate_enabled=True
        ).order_by("title")
        units = OrgUnit.objects.order_by("path")
        if scope is not None:
            units = units.filter(path__startswith=scope.path)
        self.fields["unit"].queryset = units  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("course")) == bool(data.get("unit")):
            raise forms.ValidationError(_("Choose either a course or a unit (not both)."))
        return data


@require_http_methods(["GET", "POST"])
def bulk_create(request: HttpRequest) -> HttpResponse:
    require_hr(request.user)
    user = cast("User", request.user)
    form = BulkZipForm(request.POST or None, scope=hr_scope_unit(user=user))
    if request.method == "POST" and form.is_valid():
        claim = submit_token_claim(request, scope="certificate-bulk-zip")
        if claim.duplicate:
            return submit_duplicate_redirect(
                request, claim, fallback=reverse("lms_certificates:bulk_create")
            )
        try:
            job = certificate_bulk_job_create(
                actor=user, course=form.cleaned_data["course"], unit=form.cleaned_data["unit"]
            )
        except Exception:
            claim.release()
            raise
        response = redirect("lms_certificates:bulk_detail", job_id=job.pk)
        claim.done(response.url)
        return response
    jobs = CertificateBulkJob.objects.filter(requested_by=user).select_related("course", "unit")[
        :10
    ]
    return render(request, "lms/certificates/bulk_create.html", {"form": form, "jobs": jobs})


@require_GET
def bulk_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    require_hr(request.user)
    job = certificate_bulk_job_get(actor=request.user, job_id=job_id)
    return render(
        request,
        "lms/certificates/bulk_detail.html",
        {
            "job": job,
            "finished": job.status
            in (CertificateBulkJob.Status.DONE, CertificateBulkJob.Status.FAILED),
            "status_url": reverse("lms_certificates:bulk_status", args=[job.pk]),
        },
    )


def _job_json(job: CertificateBulkJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "total": job.total,
        "percent": job.percent,
        "download_url": reverse("lms_certificates:bulk_download", args=[job.pk])
        if job.status == CertificateBulkJob.Status.DONE and job.total
        else None,
    }


@require_GET
def bulk_status(request: HttpRequest, job_id: int) -> JsonResponse:
    require_hr(request.user)
    job = certificate_bulk_job_get(actor=request.user, job_id=job_id)
    response = JsonResponse(_job_json(job))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def bulk_download(request: HttpRequest, job_id: int) -> FileResponse:
    require_hr(request.user)
    job = certificate_bulk_job_get(actor=request.user, job_id=job_id)
    if job.status != CertificateBulkJob.Status.DONE or not job.file:
        raise Http404
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=f"sertifikat-{job.pk}.zip",
        content_type="application/zip",
    )


@require_http_methods(["GET", "POST"])
def regenerate(request: HttpRequest) -> HttpResponse:
    """Administrators: re-render every stored certificate PDF from its snapshot (after a
    template, logo or signature change), in Celery batches. The data stays as issued."""
    if not request.user.has_perm("lms.regenerate_certificates"):
        raise PermissionDenied
    ids = certificate_ids_for_regeneration()
    if request.method == "POST":
        batches = certificate_pdfs_regenerate_queue(certificate_ids=ids)
        messages.success(
            request,
            _("Re-generating %(count)s certificate PDFs in %(batches)s batches.")
            % {"count": len(ids), "batches": batches},
        )
        return redirect("lms_certificates:index")
    return render(request, "lms/certificates/regenerate.html", {"count": len(ids)})


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
            path("pdf-ulang/", regenerate, name="regenerate"),
            path("tanda-tangan/", certificate_signing.sign_queue, name="sign_queue"),
            path(
                "tanda-tangan/<int:pk>/pratinjau/",
                certificate_signing.sign_preview,
                name="sign_preview",
            ),
            path("tanda-tangan/batch/<int:job_id>/", certificate_signing.sign_job, name="sign_job"),
            path(
                "tanda-tangan/batch/<int:job_id>/status.json",
                certificate_signing.sign_job_status,
                name="sign_job_status",
            ),
            path("unduh-zip/", bulk_create, name="bulk_create"),
            path("unduh-zip/<int:job_id>/", bulk_detail, name="bulk_detail"),
            path(
                "unduh-zip/<int:job_id>/status.json",
                bulk_status,
                name="bulk_status",
            ),
            path(
                "unduh-zip/<int:job_id>/berkas/",
                bulk_download,
                name="bulk_download",
            ),
        ]
