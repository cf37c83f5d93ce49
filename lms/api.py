"""/api/v1/certificates/ (docs/api.md): issued and revoked certificates in the service
account's scope, with the public verification URL and a PDF link that the same token
downloads. The PDF comes from lms.services.certificate_pdfs (stored, or re-rendered from the
snapshot when lost)."""

from __future__ import annotations

import json
import re
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.urls import reverse

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer

from competencies.api import JsonErrorsMixin, UpdatedSinceFilter, YearFilter, api_scoped
from config.links import portal_url
from lms.models import Certificate
from lms.selectors.certificates import certificate_verify_url
from lms.services.certificate_pdfs import certificate_pdf_bytes


class PDFRenderer(BaseRenderer):
    """Lets the PDF action answer `Accept: application/pdf`; the action returns the
    HttpResponse itself, so this renders only errors (as JSON text)."""

    media_type = "application/pdf"
    format = "pdf"
    charset = None
    render_style = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        return data if isinstance(data, bytes) else json.dumps(data).encode()


class CertificateFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only certificates changed at or after this ISO 8601 date-time.",
    )
    nip = django_filters.CharFilter(field_name="holder_nip", help_text="The holder's NIP.")
    number = django_filters.CharFilter(field_name="number")
    year = YearFilter(field_name="year", min_value=1900, max_value=2999)
    status = django_filters.ChoiceFilter(
        choices=[
            (Certificate.Status.ISSUED.value, Certificate.Status.ISSUED.label),
            (Certificate.Status.REVOKED.value, Certificate.Status.REVOKED.label),
        ]
    )

    class Meta:
        model = Certificate
        fields = ["updated_since", "nip", "number", "year", "status"]


class CertificateSerializer(serializers.ModelSerializer):
    verification_status = serializers.ChoiceField(
        choices=["valid", "revoked", "expired", "pending"],
        help_text="What the public verification page says.",
    )
    course_id = serializers.IntegerField(source="enrolment.course_id")
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    # The public category only: HR's free-text reason may name people or internal
    # matters and stays in the admin and the audit log (docs/security.md).
    revocation_category = serializers.ChoiceField(
        choices=Certificate.RevocationCategory.choices,
        allow_blank=True,
        help_text="Why the certificate was revoked (public category); empty unless revoked.",
    )

    class Meta:
        model = Certificate
        fields = [
            "id", "number", "status", "verification_status", "holder_name", "holder_nip",
            "user_id", "course_id", "course_title", "jp", "started_on", "completed_on",
            "issued_on", "valid_until", "competencies", "revoked_at", "revocation_category",
            "replaces_id", "verify_url", "pdf_url", "created_at", "updated_at",
        ]  # fmt: skip

    def get_verify_url(self, obj: Certificate) -> str:
        return certificate_verify_url(code=obj.code)

    def get_pdf_url(self, obj: Certificate) -> str:
        path = reverse("api:certificate-pdf", args=[obj.pk])
        return portal_url(path)


def certificate_list_for_api(user: Any) -> QuerySet[Certificate]:
    certificates = Certificate.objects.select_related("enrolment").filter(
        status__in=[Certificate.Status.ISSUED, Certificate.Status.REVOKED]
    )
    return api_scoped(certificates, user=user, unit_path_field="user__employee__unit__path")


class CertificateViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Issued and revoked certificates whose holder is in the account's scope."""

    serializer_class = CertificateSerializer
    lookup_value_regex = "[^/]+"  # any id reaches the view: a JSON 404, not the site's HTML page
    filterset_class = CertificateFilter
    queryset = Certificate.objects.none()

    def get_queryset(self) -> QuerySet[Certificate]:
        return certificate_list_for_api(self.request.user)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY),
        },
        parameters=[],
    )
    @action(
        detail=True,
        url_path="pdf",
        renderer_classes=[JSONRenderer, PDFRenderer],
        filter_backends=[],
        pagination_class=None,
    )
    def pdf(self, request, pk=None):
        """The certificate PDF (Indonesian, as issued)."""
        certificate = self.get_object()
        data = certificate_pdf_bytes(certificate=certificate)
        safe_number = re.sub(r"[^0-9A-Za-z-]+", "-", certificate.number).strip("-")
        response = HttpResponse(data, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="sertifikat-{safe_number}.pdf"'
        return response
