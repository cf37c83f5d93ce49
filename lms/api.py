"""/api/v1/certificates/ (docs/api.md): issued and revoked certificates in the service
account's scope, with the public verification URL and a PDF link that the same token
downloads. The PDF comes from lms.services.certificate_pdfs (stored, or re-rendered from the
snapshot when lost)."""

from __future__ import annotations

import json
import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.http import HttpResponse
from django.urls import reverse

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.renderers import BaseRenderer, JSONRenderer

from competencies.api import JsonErrorsMixin, UpdatedSinceFilter, YearFilter, api_scoped
from competencies.selectors.hr_scope import hr_scope_unit
from config.links import portal_url
from lms.models import Attendance, Batch, Certificate, Nomination, Session
from lms.selectors.certificates import certificate_verify_url
from lms.selectors.classroom import session_jp
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


# CLASSROOM (docs/classroom.md, docs/api.md "Classroom batches") ------------------------------
# Scope: a batch is visible when it is organised in the account's unit subtree or has a
# participant nominated from it; participants and their attendance only when their OPD
# (the nomination's unit) is in the subtree; sessions follow their batch.


def classroom_batch_list_for_api(user: Any) -> QuerySet[Batch]:
    batches = Batch.objects.select_related("course", "unit", "funding")
    scope = hr_scope_unit(user=user)
    if scope is None:
        return batches
    nominated_here = Nomination.objects.filter(unit__path__startswith=scope.path)
    return batches.filter(
        Q(unit__path__startswith=scope.path) | Q(pk__in=nominated_here.values("batch_id"))
    )


def classroom_session_list_for_api(user: Any) -> QuerySet[Session]:
    batches = classroom_batch_list_for_api(user)
    return Session.objects.filter(batch__in=batches.values("pk")).prefetch_related("trainers")


def classroom_participant_list_for_api(user: Any) -> QuerySet[Nomination]:
    nominations = Nomination.objects.select_related("employee__user", "unit")
    return api_scoped(nominations, user=user, unit_path_field="unit__path")


def classroom_attendance_list_for_api(user: Any) -> QuerySet[Attendance]:
    rows = Attendance.objects.select_related("session", "nomination__employee__user")
    return api_scoped(rows, user=user, unit_path_field="nomination__unit__path")


MAX_ID = 2**31 - 1  # the largest id a PostgreSQL integer key holds


class _IdField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if value == "":  # present but empty: not an integer, as the schema says
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": MAX_ID})
class IdFilter(django_filters.NumberFilter):
    """An id: an integer in the range of a key, else a 400 (not a float or an overflow)."""

    field_class = _IdField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class ClassroomBatchFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only batches changed at or after this ISO 8601 date-time.",
    )
    year = YearFilter(
        field_name="starts_on",
        lookup_expr="year",
        min_value=1900,
        max_value=2999,
        help_text="Batches that start in this year.",
    )
    status = django_filters.ChoiceFilter(choices=Batch.Status.choices)
    course = IdFilter(field_name="course_id", help_text="A course id.")

    class Meta:
        model = Batch
        fields = ["updated_since", "year", "status", "course"]


class ClassroomSessionFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only sessions changed at or after this ISO 8601 date-time.",
    )
    batch = IdFilter(field_name="batch_id", help_text="A batch id.")

    class Meta:
        model = Session
        fields = ["updated_since", "batch"]


class ClassroomParticipantFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only participants changed at or after this ISO 8601 date-time.",
    )
    batch = IdFilter(field_name="batch_id", help_text="A batch id.")
    nip = django_filters.CharFilter(field_name="employee__user__nip", help_text="The employee's NIP.")  # fmt: skip
    status = django_filters.ChoiceFilter(choices=Nomination.Status.choices)

    class Meta:
        model = Nomination
        fields = ["updated_since", "batch", "nip", "status"]


class ClassroomAttendanceFilter(django_filters.FilterSet):
    updated_since = UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only attendance rows changed at or after this ISO 8601 date-time.",
    )
    batch = IdFilter(field_name="session__batch_id", help_text="A batch id.")
    session = IdFilter(field_name="session_id", help_text="A session id.")
    nip = django_filters.CharFilter(field_name="nomination__employee__user__nip", help_text="The employee's NIP.")  # fmt: skip
    status = django_filters.ChoiceFilter(choices=Attendance.Status.choices)

    class Meta:
        model = Attendance
        fields = ["updated_since", "batch", "session", "nip", "status"]


class _CourseRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class _UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class _EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField(source="user.nip", allow_null=True)
    name = serializers.CharField(source="display_name")


class ClassroomBatchSerializer(serializers.ModelSerializer):
    course = _CourseRefSerializer()
    unit = _UnitRefSerializer(help_text="The organising unit.")
    funding = serializers.CharField(source="funding.name", allow_null=True, default=None)

    class Meta:
        model = Batch
        fields = [
            "id", "number", "course", "unit", "status", "mode", "starts_on", "ends_on",
            "registration_opens_on", "registration_closes_on", "venue", "quota_total",
            "funding", "completion_threshold_percent", "created_at", "updated_at",
        ]  # fmt: skip


class ClassroomSessionSerializer(serializers.ModelSerializer):
    jp = serializers.SerializerMethodField(
        help_text="The session's JP (set by HR, or its minutes / the minutes per JP)."
    )
    trainers = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id", "batch_id", "date", "start_time", "end_time", "topic", "room", "jp",
            "trainers", "created_at", "updated_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.DecimalField(max_digits=5, decimal_places=1))
    def get_jp(self, obj: Session) -> str:
        return str(session_jp(obj))

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_trainers(self, obj: Session) -> list[str]:
        return [trainer.name for trainer in obj.trainers.all()]


class ClassroomParticipantSerializer(serializers.ModelSerializer):
    employee = _EmployeeRefSerializer()
    unit = _UnitRefSerializer(help_text="The OPD whose quota the nomination uses.")

    class Meta:
        model = Nomination
        fields = [
            "id", "batch_id", "employee", "unit", "status", "decided_at", "enrolment_id",
            "created_at", "updated_at",
        ]  # fmt: skip


class ClassroomAttendanceSerializer(serializers.ModelSerializer):
    batch_id = serializers.IntegerField(source="session.batch_id")
    participant_id = serializers.IntegerField(source="nomination_id")
    employee = _EmployeeRefSerializer(source="nomination.employee")
    counts_as_present = serializers.SerializerMethodField(
        help_text="Present or late: the session's JP counts toward completion."
    )

    class Meta:
        model = Attendance
        fields = [
            "id", "batch_id", "session_id", "participant_id", "employee", "status",
            "counts_as_present", "method", "checked_in_at", "updated_at",
        ]  # fmt: skip

    def get_counts_as_present(self, obj: Attendance) -> bool:
        return obj.status in Attendance.PRESENT


class ClassroomBatchViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Classroom batches (angkatan) organised in the account's scope or with a participant
    from it."""

    serializer_class = ClassroomBatchSerializer
    lookup_value_regex = "[^/]+"
    filterset_class = ClassroomBatchFilter
    queryset = Batch.objects.none()

    def get_queryset(self) -> QuerySet[Batch]:
        return classroom_batch_list_for_api(self.request.user)


class ClassroomSessionViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """The timetable of the batches the account sees."""

    serializer_class = ClassroomSessionSerializer
    lookup_value_regex = "[^/]+"
    filterset_class = ClassroomSessionFilter
    queryset = Session.objects.none()

    def get_queryset(self) -> QuerySet[Session]:
        return classroom_session_list_for_api(self.request.user)


class ClassroomParticipantViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Nominations (participants) whose OPD is in the account's scope, with their status."""

    serializer_class = ClassroomParticipantSerializer
    lookup_value_regex = "[^/]+"
    filterset_class = ClassroomParticipantFilter
    queryset = Nomination.objects.none()

    def get_queryset(self) -> QuerySet[Nomination]:
        return classroom_participant_list_for_api(self.request.user)


class ClassroomAttendanceViewSet(JsonErrorsMixin, viewsets.ReadOnlyModelViewSet):
    """Attendance per session of the participants whose OPD is in the account's scope."""

    serializer_class = ClassroomAttendanceSerializer
    lookup_value_regex = "[^/]+"
    filterset_class = ClassroomAttendanceFilter
    queryset = Attendance.objects.none()

    def get_queryset(self) -> QuerySet[Attendance]:
        return classroom_attendance_list_for_api(self.request.user)
