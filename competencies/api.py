"""/api/v1/ endpoints for HR data (docs/api.md): employees, training records (riwayat
diklat), assessments, JP compliance, and the SIASN `kursus` export.

Every queryset is limited to the service account's HR scope (a unit subtree, like an HR
manager's) and owns its select_related, so a page costs the same few queries whatever
its size. The SIASN rows themselves are built by competencies.siasn, which the Wagtail
admin's export button uses too."""

from __future__ import annotations

import datetime
import json
from typing import TYPE_CHECKING, Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

import django_filters
from django_filters.widgets import BooleanWidget
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, viewsets
from rest_framework.generics import ListAPIView
from rest_framework.pagination import CursorPagination
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.response import Response

from competencies.models import AgencySettings, Assessment, Employee, TrainingRecord
from competencies.selectors.compliance import ComplianceFilters, jp_compliance_list
from competencies.selectors.hr_scope import hr_scope_unit
from competencies.selectors.jp import jp_counted_records, jp_targets
from competencies.siasn import (
    SIASN_DIKLAT_FIELDS,
    SIASN_EXTRA_FIELDS,
    SIASN_KURSUS_FIELDS,
    DevelopmentType,
    siasn_diklat_row,
    siasn_kursus_row,
)
from competencies.spreadsheets import csv_bytes

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User


def api_scoped(
    queryset: QuerySet[Any], *, user: User | AnonymousUser, unit_path_field: str
) -> QuerySet[Any]:
    """Limits rows to the user's HR scope (unit subtree); unscoped accounts see all."""
    scope = hr_scope_unit(user=user)
    if scope is None:
        return queryset
    return queryset.filter(**{f"{unit_path_field}__startswith": scope.path})


# PAGINATION AND RENDERING ------------------------------------------------------------------
# (The default pagination, config.api.pagination.SyncCursorPagination, is named in
# settings.REST_FRAMEWORK: this app does not import config.)


class StrictPageSizeMixin:
    """DRF's pagination falls back to the default page size for a page_size that is not an
    integer; the schema says integer, so that is a 400 like any refused query parameter
    (config.api.pagination.SyncCursorPagination does the same)."""

    page_size_query_param = "page_size"

    def get_page_size(self, request) -> int | None:
        for value in request.query_params.getlist(self.page_size_query_param):
            try:
                int(value)
            except ValueError:
                message = serializers.IntegerField.default_error_messages["invalid"]
                raise serializers.ValidationError({self.page_size_query_param: [message]}) from None
        return super().get_page_size(request)  # type: ignore[misc]


class ComplianceCursorPagination(StrictPageSizeMixin, CursorPagination):
    """Compliance rows are computed per employee and have no updated_at: id order."""

    ordering = ("id",)
    page_size_query_param = "page_size"

    def __init__(self) -> None:
        from django.conf import settings

        self.page_size = settings.API_PAGE_SIZE
        self.max_page_size = settings.API_MAX_PAGE_SIZE


class CSVRenderer(BaseRenderer):
    """Renders a list of flat dicts (the SIASN export) as UTF-8 CSV with a BOM, so that
    spreadsheet programs read Indonesian names correctly; the columns are the view's
    `csv_fields`. Anything else (an error) renders as JSON text."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context=None):
        if not isinstance(data, list):
            return json.dumps(data).encode()
        view = (renderer_context or {}).get("view")
        fields = list(getattr(view, "csv_fields", ()) or (data[0] if data else ()))
        # The shared writer: BOM, and no cell a spreadsheet would run as a formula. With no
        # columns the file is the BOM alone, without an empty header line.
        if not fields:
            return csv_bytes([])
        return csv_bytes([fields, *([row.get(f, "") for f in fields] for row in data)])


class JsonErrorsMixin:
    """Errors are always JSON (`{"detail": ...}`), also when the client asked for CSV or
    a PDF, so that they match the schema and a client can read them."""

    def handle_exception(self, exc: Exception):
        response = super().handle_exception(exc)  # type: ignore[misc]
        self.request.accepted_renderer = JSONRenderer()  # type: ignore[attr-defined]
        self.request.accepted_media_type = JSONRenderer.media_type  # type: ignore[attr-defined]
        return response


# FILTERS -----------------------------------------------------------------------------------


class _SafeIsoDateTimeField(forms.DateTimeField):
    """An ISO 8601 date-time, returned in UTC; one that cannot be (year 9999 with a
    negative offset) is a 400, not a 500."""

    def to_python(self, value: Any) -> datetime.datetime | None:
        if value == "":  # present but empty: not a date-time, as the schema says
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        parsed = super().to_python(value)
        if parsed is None:
            return None
        try:
            if timezone.is_naive(parsed):
                parsed = timezone.make_aware(parsed)
            # In UTC: PostgreSQL refuses offsets beyond ±15:59 that ISO 8601 allows.
            return parsed.astimezone(datetime.UTC)
        except (OverflowError, ValueError) as exc:
            raise forms.ValidationError("Date out of range.") from exc


class UpdatedSinceFilter(django_filters.IsoDateTimeFilter):
    field_class = _SafeIsoDateTimeField


class _YearField(forms.IntegerField):
    def to_python(self, value: Any) -> int | None:
        if value == "":  # present but empty: not an integer, as the schema says
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return super().to_python(value)


class _StrictBooleanField(forms.NullBooleanField):
    """true/false (or True/False, 1/0) only: django-filter would read anything else,
    e.g. is_active=null, as "no filter", which the schema's boolean does not allow."""

    def to_python(self, value: Any) -> bool | None:  # type: ignore[override]
        if isinstance(value, str) and value.lower() not in ("1", "0", "true", "false"):
            raise forms.ValidationError(
                serializers.BooleanField.default_error_messages["invalid"], code="invalid"
            )
        return super().to_python(value)


class _StrictBooleanWidget(BooleanWidget):
    def value_from_datadict(self, data, files, name):
        value = data.get(name)
        if isinstance(value, str) and value.lower() not in ("1", "0", "true", "false"):
            return value  # refused by _StrictBooleanField, not read as "no filter"
        return super().value_from_datadict(data, files, name)


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = _StrictBooleanField

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", _StrictBooleanWidget)
        super().__init__(*args, **kwargs)


@extend_schema_field({"type": "integer", "minimum": 1900, "maximum": 2999})
class YearFilter(django_filters.NumberFilter):
    field_class = _YearField


def _updated_since() -> UpdatedSinceFilter:
    return UpdatedSinceFilter(
        field_name="updated_at",
        lookup_expr="gte",
        help_text="Only rows changed at or after this ISO 8601 date-time (for a sync).",
    )


def _nip(field_name: str) -> django_filters.CharFilter:
    return django_filters.CharFilter(field_name=field_name, help_text="The employee's NIP.")


def _year(field_name: str, help_text: str) -> YearFilter:
    return YearFilter(
        field_name=field_name,
        lookup_expr="year",
        min_value=1900,
        max_value=2999,
        help_text=help_text,
    )


class EmployeeFilter(django_filters.FilterSet):
    updated_since = _updated_since()
    nip = _nip("user__nip")
    unit = django_filters.CharFilter(
        method="filter_unit", help_text="A unit code: employees of that unit and its sub-units."
    )
    is_active = StrictBooleanFilter()

    class Meta:
        model = Employee
        fields = ["updated_since", "nip", "unit", "is_active"]

    def filter_unit(self, queryset: QuerySet[Employee], name: str, value: str):
        from competencies.models import OrgUnit

        unit = OrgUnit.objects.filter(code=value).first()
        if unit is None:
            return queryset.none()
        return queryset.filter(unit__path__startswith=unit.path)


class TrainingRecordFilter(django_filters.FilterSet):
    updated_since = _updated_since()
    nip = _nip("employee__user__nip")
    year = _year("finished_on", "Records that ended in this year.")
    status = django_filters.ChoiceFilter(choices=TrainingRecord.Status.choices)
    source = django_filters.ChoiceFilter(choices=TrainingRecord.Source.choices)

    class Meta:
        model = TrainingRecord
        fields = ["updated_since", "nip", "year", "status", "source"]


class AssessmentFilter(django_filters.FilterSet):
    updated_since = _updated_since()
    nip = _nip("employee__user__nip")
    year = _year("assessed_on", "Assessments made in this year.")
    status = django_filters.ChoiceFilter(choices=Assessment.Status.choices)
    competency = django_filters.CharFilter(
        field_name="competency__code", help_text="A competency code."
    )

    class Meta:
        model = Assessment
        fields = ["updated_since", "nip", "year", "status", "competency"]


# SERIALIZERS -------------------------------------------------------------------------------


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class PositionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    jenjang = serializers.CharField()


class EmployeeSerializer(serializers.ModelSerializer):
    nip = serializers.CharField(source="user.nip", allow_null=True)
    email = serializers.EmailField(source="user.email")
    display_name = serializers.CharField()
    pangkat = serializers.CharField()
    birth_date = serializers.DateField(allow_null=True, read_only=True)
    unit = UnitSerializer(allow_null=True)
    position = PositionSerializer(allow_null=True)
    supervisor_nip = serializers.SerializerMethodField()

    class Meta:
        model = Employee
        fields = [
            "id", "nip", "email", "full_name", "title_prefix", "title_suffix", "display_name",
            "birth_place", "birth_date", "employment_type", "golongan", "pangkat", "unit",
            "position", "supervisor_id", "supervisor_nip", "is_active", "joined_on", "deactivated_at", "created_at",
            "updated_at",
        ]  # fmt: skip

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_supervisor_nip(self, obj: Employee) -> str | None:
        return obj.supervisor.user.nip if obj.supervisor_id else None  # type: ignore[union-attr]


class EmployeeRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    nip = serializers.CharField(source="user.nip", allow_null=True)
    name = serializers.CharField(source="display_name")


class TrainingRecordSerializer(serializers.ModelSerializer):
    employee = EmployeeRefSerializer()
    development_type_name = serializers.CharField(source="get_development_type_display")
    year = serializers.IntegerField(source="finished_on.year")

    class Meta:
        model = TrainingRecord
        fields = [
            "id", "employee", "source", "title", "organiser", "development_type",
            "development_type_name", "started_on", "finished_on", "year", "jp",
            "certificate_number", "status", "decided_at", "siasn_id", "created_at",
            "updated_at",
        ]  # fmt: skip


class CompetencyRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField(source="name_id")


class AssessmentSerializer(serializers.ModelSerializer):
    employee = EmployeeRefSerializer()
    competency = CompetencyRefSerializer()

    class Meta:
        model = Assessment
        fields = [
            "id", "employee", "competency", "level", "method", "status", "assessed_on",
            "valid_until", "decided_at", "created_at", "updated_at",
        ]  # fmt: skip


class ComplianceSerializer(serializers.Serializer):
    employee = EmployeeRefSerializer(source="*")
    unit = UnitSerializer(allow_null=True)
    year = serializers.IntegerField()
    jp = serializers.DecimalField(max_digits=7, decimal_places=1)
    employment_type = serializers.CharField()
    target = serializers.IntegerField(
        help_text="PNS: the yearly JP floor; PPPK: the yearly JP cap (see target_kind)."
    )
    target_kind = serializers.ChoiceField(
        choices=["floor", "cap"],
        help_text=(
            "floor: at least `target` JP (PNS, PP 11/2017 art. 203(4)); cap: at most "
            "`target` JP (PPPK, PP 49/2018 art. 40(1))."
        ),
    )
    meets_target = serializers.BooleanField(
        help_text="Compliant by the employee's own rule: floor reached, or cap not exceeded."
    )


# VIEWS -------------------------------------------------------------------------------------


class EmployeeViewSet(viewsets.ReadOnlyModelViewSet):
    """Employees (active and deactivated) in the account's scope."""

    serializer_class = EmployeeSerializer
    lookup_value_regex = "[^/]+"  # any id reaches the view: a JSON 404, not the site's HTML page
    filterset_class = EmployeeFilter
    queryset = Employee.objects.none()  # for the schema; get_queryset scopes

    def get_queryset(self) -> QuerySet[Employee]:
        employees = Employee.objects.select_related("user", "unit", "position", "supervisor__user")
        return api_scoped(employees, user=self.request.user, unit_path_field="unit__path")


def training_record_list_for_api(user: User | AnonymousUser) -> QuerySet[TrainingRecord]:
    records = TrainingRecord.objects.select_related("employee__user")
    return api_scoped(records, user=user, unit_path_field="employee__unit__path")


class TrainingRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Training records (riwayat diklat): portal courses and approved, submitted or
    rejected external training. Only `approved` ones count toward JP."""

    serializer_class = TrainingRecordSerializer
    lookup_value_regex = "[^/]+"  # any id reaches the view: a JSON 404, not the site's HTML page
    filterset_class = TrainingRecordFilter
    queryset = TrainingRecord.objects.none()

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        return training_record_list_for_api(self.request.user)


class AssessmentViewSet(viewsets.ReadOnlyModelViewSet):
    """Competency assessments; only approved, still valid ones are current levels."""

    serializer_class = AssessmentSerializer
    lookup_value_regex = "[^/]+"  # any id reaches the view: a JSON 404, not the site's HTML page
    filterset_class = AssessmentFilter
    queryset = Assessment.objects.none()

    def get_queryset(self) -> QuerySet[Assessment]:
        assessments = Assessment.objects.select_related("employee__user", "competency")
        return api_scoped(assessments, user=self.request.user, unit_path_field="employee__unit__path")  # fmt: skip


class ComplianceQuery(serializers.Serializer):
    year = serializers.IntegerField(min_value=1900, max_value=2999, required=False)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "year",
            {"type": "integer", "minimum": 1900, "maximum": 2999},
            description="Calendar year (default: this year).",
        )
    ]
)
class ComplianceView(ListAPIView):
    """JP compliance per active employee for one year: approved JP (by end date) against
    the agency's yearly target (site settings)."""

    serializer_class = ComplianceSerializer
    pagination_class = ComplianceCursorPagination
    filter_backends: list[Any] = []

    def get_queryset(self) -> QuerySet[Employee]:
        query = ComplianceQuery(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        self.year = query.validated_data.get("year") or timezone.localdate().year
        agency = AgencySettings.for_request(self.request._request)
        self.target = agency.yearly_jp_target
        self.rules = jp_targets(agency=agency)  # PNS floor, PPPK cap
        employees = api_scoped(
            Employee.objects.all(), user=self.request.user, unit_path_field="unit__path"
        )
        filters = ComplianceFilters(year=self.year, below_target_only=False)
        return jp_compliance_list(
            employees=employees,
            filters=filters,
            target=self.target,
            pppk_cap=agency.pppk_jp_cap,
        )

    def get_serializer(self, *args: Any, **kwargs: Any):
        rows = args[0] if args else kwargs.get("instance")
        if rows is not None:
            for employee in rows:
                rule = self.rules.get(employee.employment_type, self.rules["PNS"])
                employee.year = self.year
                employee.target = rule.value
                employee.target_kind = rule.kind
                employee.meets_target = rule.is_compliant(employee.jp)
        return super().get_serializer(*args, **kwargs)


# SIASN EXPORT ------------------------------------------------------------------------------


class SiasnKursusSerializer(serializers.Serializer):
    id = serializers.CharField(help_text="SIASN's id of the record, when already sent.")
    instansiId = serializers.CharField()
    institusiPenyelenggara = serializers.CharField()
    jenisDiklatId = serializers.ChoiceField(choices=DevelopmentType.choices)
    jenisKursus = serializers.CharField()
    jenisKursusSertipikat = serializers.CharField()
    jumlahJam = serializers.IntegerField(help_text="Whole JP, rounded half up.")
    lokasiId = serializers.CharField()
    namaKursus = serializers.CharField()
    nomorSertipikat = serializers.CharField()
    path = serializers.CharField()
    pnsOrangId = serializers.CharField()
    tahunKursus = serializers.IntegerField()
    tanggalKursus = serializers.CharField(help_text="dd-mm-yyyy")
    tanggalSelesaiKursus = serializers.CharField(help_text="dd-mm-yyyy")
    satuanKerjaId = serializers.CharField()
    nipBaru = serializers.CharField(help_text="The employee's NIP (not a SIASN field).")
    portalRecordId = serializers.IntegerField(help_text="The portal's record id.")


class SiasnDiklatSerializer(serializers.Serializer):
    bobot = serializers.CharField()
    id = serializers.CharField(help_text="SIASN's id of the record, when already sent.")
    institusiPenyelenggara = serializers.CharField()
    jenisKompetensi = serializers.CharField()
    jumlahJam = serializers.IntegerField(help_text="Whole JP, rounded half up.")
    latihanStrukturalId = serializers.CharField(
        help_text="2 PKP, 3 PKA, 4 PKN II (UNVERIFIED mapping); empty when unknown."
    )
    nomor = serializers.CharField()
    path = serializers.CharField()
    pnsOrangId = serializers.CharField()
    tahun = serializers.IntegerField()
    tanggal = serializers.CharField(help_text="dd-mm-yyyy")
    tanggalSelesai = serializers.CharField(help_text="dd-mm-yyyy")
    instansiId = serializers.CharField()
    satuanKerjaId = serializers.CharField()
    nipBaru = serializers.CharField(help_text="The employee's NIP (not a SIASN field).")
    portalRecordId = serializers.IntegerField(help_text="The portal's record id.")


@extend_schema(
    parameters=[
        OpenApiParameter(
            "format", str, enum=["json", "csv"], description="json (default, paginated) or csv"
        )
    ]
)
class SiasnKursusView(JsonErrorsMixin, ListAPIView):
    """Approved training records in SIASN's `kursus` shape, as JSON (paginated) or CSV
    (`?format=csv`, all matching rows). Takes the training-record filters."""

    serializer_class = SiasnKursusSerializer
    filterset_class = TrainingRecordFilter
    renderer_classes = [JSONRenderer, CSVRenderer]
    queryset = TrainingRecord.objects.none()
    csv_fields: tuple[str, ...] = SIASN_KURSUS_FIELDS + SIASN_EXTRA_FIELDS

    record_kind = "kursus"

    def get_queryset(self) -> QuerySet[TrainingRecord]:
        records = training_record_list_for_api(self.request.user)
        if "status" not in self.request.query_params:
            # The records the JP rule counts (competencies.selectors.jp.jp_counted_records).
            records = records & jp_counted_records()
        leadership = Q(development_type=DevelopmentType.DIKLAT_STRUKTURAL)
        return (
            records.filter(leadership)
            if self.record_kind == "diklat"
            else records.exclude(leadership)
        )

    def row(self, record: TrainingRecord, agency: AgencySettings) -> dict[str, Any]:
        return siasn_kursus_row(record, agency=agency)

    def list(self, request, *args, **kwargs):
        records = self.filter_queryset(self.get_queryset())
        agency = AgencySettings.for_request(request._request)
        if getattr(request.accepted_renderer, "format", "") == "csv":
            ordered = records.order_by("updated_at", "id").select_related("employee__user")
            response = Response([self.row(record, agency) for record in ordered])
            response["Content-Disposition"] = f'attachment; filename="siasn-{self.record_kind}.csv"'
            return response
        page = self.paginate_queryset(records)
        rows = [self.row(record, agency) for record in page] if page is not None else []
        return self.get_paginated_response(rows)


@extend_schema(
    parameters=[
        OpenApiParameter(
            "format", str, enum=["json", "csv"], description="json (default, paginated) or csv"
        )
    ]
)
class SiasnDiklatView(SiasnKursusView):
    """Approved leadership records (PKP, PKA, PKN: jenisDiklat 1) in SIASN's `diklat`
    shape, as JSON (paginated) or CSV. Takes the training-record filters."""

    serializer_class = SiasnDiklatSerializer
    csv_fields = SIASN_DIKLAT_FIELDS + SIASN_EXTRA_FIELDS
    record_kind = "diklat"

    def row(self, record: TrainingRecord, agency: AgencySettings) -> dict[str, Any]:
        return siasn_diklat_row(record, agency=agency)
