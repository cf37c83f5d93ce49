"""The signer's queue in the Wagtail admin (/admin/sertifikat/tanda-tangan/): certificates
waiting for the electronic signature, a preview of each, and signing one, a selection or
all of them in a Celery batch with a progress bar (the bulk ZIP's pattern and script).
Only for `lms.sign_certificates` (the Kepala's account, given the permission; admins)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from lms.models import CertificateSigningJob
from lms.selectors.certificates import certificates_waiting_for_signature
from lms.services.certificate_pdfs import certificate_pdf_bytes
from lms.services.certificate_signing import certificate_signing_job_create
from lms.signing import signing_enabled

if TYPE_CHECKING:
    from accounts.models import User


def _require_signer(request: HttpRequest) -> User:
    if not request.user.has_perm("lms.sign_certificates"):
        raise PermissionDenied
    return cast("User", request.user)


class SignForm(forms.Form):
    passphrase = forms.CharField(
        label=_("Signing passphrase"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text=_("Asked once for the whole batch by the BSrE gateway; not stored."),
    )


@require_http_methods(["GET", "POST"])
def sign_queue(request: HttpRequest) -> HttpResponse:
    user = _require_signer(request)
    form = SignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if request.POST.get("scope") == "all":
            ids: list[int] | None = None
        else:
            ids = [int(pk) for pk in request.POST.getlist("certificate") if pk.isdigit()]
        job = certificate_signing_job_create(
            actor=user, certificate_ids=ids, passphrase=form.cleaned_data["passphrase"]
        )
        return redirect("lms_certificates:sign_job", job_id=job.pk)
    waiting = certificates_waiting_for_signature().order_by("issued_at", "pk")
    page = Paginator(waiting, 50).get_page(request.GET.get("p"))
    return render(
        request,
        "lms/certificates/sign_queue.html",
        {
            "form": form,
            "page": page,
            "signing_enabled": signing_enabled(),
            "jobs": CertificateSigningJob.objects.filter(requested_by=user)[:5],
        },
    )


@require_GET
def sign_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The PDF waiting for the signature, shown in the browser."""
    _require_signer(request)
    certificate = get_object_or_404(certificates_waiting_for_signature(), pk=pk)
    response = HttpResponse(
        certificate_pdf_bytes(certificate=certificate), content_type="application/pdf"
    )
    response["Content-Disposition"] = "inline"
    return response


def _job(request: HttpRequest, job_id: int) -> CertificateSigningJob:
    user = _require_signer(request)
    return get_object_or_404(CertificateSigningJob, pk=job_id, requested_by=user)


@require_GET
def sign_job(request: HttpRequest, job_id: int) -> HttpResponse:
    job = _job(request, job_id)
    return render(
        request,
        "lms/certificates/sign_job.html",
        {
            "job": job,
            "finished": job.status
            in (CertificateSigningJob.Status.DONE, CertificateSigningJob.Status.FAILED),
            "status_url": reverse("lms_certificates:sign_job_status", args=[job.pk]),
        },
    )


def _job_json(job: CertificateSigningJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "progress": job.progress,
        "total": job.total,
        "signed": job.signed,
        "percent": job.percent,
        "error": job.error,
    }


@require_GET
def sign_job_status(request: HttpRequest, job_id: int) -> JsonResponse:
    response = JsonResponse(_job_json(_job(request, job_id)))
    response["Cache-Control"] = "no-store"
    return response
