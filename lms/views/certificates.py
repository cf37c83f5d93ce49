"""Certificate download (holder, supervisor, HR, administrators) and the public,
rate-limited verification pages (/verify/...)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import RequestDataTooBig
from django.core.files.base import ContentFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods
from django.views.decorators.vary import vary_on_headers

from cryptography.hazmat.primitives import serialization
from django_ratelimit.decorators import ratelimit

from lms.selectors.certificates import (
    certificate_find,
    certificate_get_for_user,
    certificate_get_public,
    certificate_public,
)
from lms.services import credentials
from lms.services.certificate_pdfs import certificate_pdf_bytes
from lms.signing import SigningError, get_signer, signing_enabled, trust_roots
from lms.signing.validation import pdf_signature_check

if TYPE_CHECKING:
    from collections.abc import Callable


VERIFY_RATE_GROUP = "lms.verify"


logger = logging.getLogger(__name__)


def _verify_rate(group: str, request: HttpRequest) -> str:
    return getattr(settings, "LMS_VERIFY_RATE", "") or "30/m"


def _rate_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Per client address, shared by every verification page: a 429 when exceeded, so
    that certificate codes and number + name pairs cannot be enumerated."""

    @ratelimit(group=VERIFY_RATE_GROUP, key="ip", rate=_verify_rate, block=False)
    def wrapped(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if getattr(request, "limited", False):
            response = render(request, "lms/verify_limited.html", status=429)
            response["Retry-After"] = "60"
            return response
        return view(request, *args, **kwargs)

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _wants_json(request: HttpRequest) -> bool:
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


@login_required
@require_GET
def certificate_download(request: HttpRequest, code: str) -> HttpResponseBase:
    certificate = certificate_get_for_user(user=request.user, code=code)
    language = request.GET.get("lang")
    if language not in ("id", "en"):
        language = None
    try:
        data = certificate_pdf_bytes(certificate=certificate, language=language)
    except SigningError as error:
        # A signed certificate's copy rendered now (the other language, a lost file) is
        # signed now: a TSA that does not answer, or a BSrE gateway (the signer's
        # passphrase), leaves nothing to send. Said plainly, not as a server error.
        logger.warning("Certificate %s not sent: %s", certificate.pk, error)
        messages.error(
            request,
            _(
                "The certificate could not be signed just now, so this copy cannot be "
                "downloaded yet. Please try again later; the certificate itself stays valid."
            ),
        )
        return redirect("lms:dashboard")
    safe_number = re.sub(r"[^0-9A-Za-z-]+", "-", certificate.number).strip("-")
    suffix = f"-{language}" if language and language != certificate.language else ""
    return FileResponse(
        ContentFile(data),
        as_attachment=True,
        filename=f"sertifikat-{safe_number}{suffix}.pdf",
        content_type="application/pdf",
    )


@require_GET
@vary_on_headers("Accept")
@_rate_limited
def verify_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        certificate = certificate_get_public(code=code)
    except Http404:
        if _wants_json(request):
            raise
        # A verdict as plain as the others ("not found"), not the generic 404 page.
        return render(request, "lms/verify_detail.html", {"certificate": None}, status=404)
    data = certificate_public(certificate=certificate)
    if _wants_json(request):
        return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
    return render(
        request,
        "lms/verify_detail.html",
        {
            "certificate": data,
            "record": certificate,
            "credential_url": reverse("verify:credential", args=[code]),
            "credential_jwt_url": reverse("verify:credential_jwt", args=[code]),
        },
    )


@require_GET
@_rate_limited
def verify_credential(request: HttpRequest, code: str) -> HttpResponse:
    certificate = certificate_get_public(code=code)
    return JsonResponse(
        credentials.credential_ob3(certificate=certificate),
        content_type="application/json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )


class VerifyForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=120)
    name = forms.CharField(
        label=_("Holder name"),
        max_length=200,
        help_text=_("The full name as printed on the certificate."),
    )


@require_GET
@_rate_limited
def verify_search(request: HttpRequest) -> HttpResponse:
    """Verification by certificate number and holder name (for a paper copy whose QR
    code cannot be read). Uses GET so the result page can be bookmarked and shared."""
    form = VerifyForm(request.GET or None)
    not_found = False
    if form.is_bound and form.is_valid():
        certificate = certificate_find(
            number=form.cleaned_data["number"], holder_name=form.cleaned_data["name"]
        )
        if certificate is not None:
            return redirect("verify:detail", code=certificate.code)
        not_found = True
    return render(request, "lms/verify_search.html", {"form": form, "not_found": not_found})


@require_GET
@_rate_limited
def verify_credential_jwt(request: HttpRequest, code: str) -> HttpResponse:
    """The same credential, signed (VC-JWT, Ed25519)."""
    certificate = certificate_get_public(code=code)
    return HttpResponse(
        credentials.credential_jwt(certificate=certificate), content_type=credentials.JWT_MEDIA_TYPE
    )


@require_GET
@_rate_limited
def verify_credential_status(request: HttpRequest, code: str) -> HttpResponse:
    """The credential's revocation status (its `credentialStatus.id`)."""
    certificate = certificate_get_public(code=code)
    response = JsonResponse(
        credentials.credential_status(certificate=certificate),
        json_dumps_params={"ensure_ascii": False},
    )
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def verify_keys(request: HttpRequest) -> HttpResponse:
    """The agency's public signing key(s) as a JWK Set."""
    response = JsonResponse(credentials.jwks())
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
def did_document(request: HttpRequest) -> HttpResponse:
    """/.well-known/did.json: the issuer's did:web document with the public key."""
    response = JsonResponse(credentials.did_document(), content_type="application/did+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response


class VerifyPdfForm(forms.Form):
    document = forms.FileField(
        label=_("PDF document"),
        required=True,
        help_text=_("The certificate PDF you received; it is checked here and not kept."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )


@csrf_exempt  # a public check that changes nothing; CSRF would read (and refuse) a huge body first
@require_http_methods(["GET", "POST"])
@_rate_limited
def verify_pdf(request: HttpRequest, code: str) -> HttpResponse:
    """ "Dokumen PDF": the PAdES signature of an uploaded PDF (POST) or of the portal's
    stored PDF of this certificate (GET), judged by pyHanko against the agency's
    published root, in plain words; with the certificate's status in the portal. The
    upload is read in memory and never stored."""
    certificate = certificate_get_public(code=code)
    form = VerifyPdfForm()
    check = None
    error = ""
    source = "stored"
    limit = settings.LMS_VERIFY_PDF_MAX_BYTES
    too_large = str(
        _("The file is larger than %(size)s MB; a certificate PDF is much smaller.")
        % {"size": limit // (1024 * 1024)}
    )
    if request.method == "POST":
        source = "upload"
        try:
            form = VerifyPdfForm(request.POST, request.FILES)
            upload = request.FILES.get("document")
        except RequestDataTooBig:
            # Over the whole request's cap (config/uploads.py): refused before reading,
            # answered in words rather than with a bare 400.
            form, upload = VerifyPdfForm(), None
            error = too_large
        if error:
            pass
        elif upload is not None and upload.size is not None and upload.size > limit:
            error = too_large
        elif form.is_valid():
            check = pdf_signature_check(form.cleaned_data["document"].read())
    else:
        try:
            check = pdf_signature_check(certificate_pdf_bytes(certificate=certificate))
        except SigningError:
            check = None
            error = str(_("The stored PDF cannot be checked right now."))
    return render(
        request,
        "lms/verify_pdf.html",
        {
            "certificate": certificate_public(certificate=certificate),
            "record": certificate,
            "form": form,
            "check": check,
            "error": error,
            "source": source,
            "matches": bool(check and check.names_certificate(certificate.number)),
            "max_mb": settings.LMS_VERIFY_PDF_MAX_BYTES // (1024 * 1024),
        },
    )


@require_GET
def verify_signing_chain(request: HttpRequest) -> HttpResponse:
    """The agency's PDF signing chain (PEM): the signer's certificate and the roots that
    readers (Adobe, Foxit) should trust (docs/certificates.md)."""
    if not signing_enabled():
        raise Http404
    try:
        pem = get_signer().chain_pem()
    except SigningError as error:
        raise Http404 from error
    extra = b"".join(
        root.public_bytes(serialization.Encoding.PEM)
        for root in trust_roots()
        if root.public_bytes(serialization.Encoding.PEM) not in pem
    )
    response = HttpResponse(pem + extra, content_type="application/x-pem-file")
    response["Content-Disposition"] = 'attachment; filename="rantai-sertifikat-tte.pem"'
    response["Cache-Control"] = "public, max-age=3600"
    return response
