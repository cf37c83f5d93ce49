"""Assessments and training records in the Wagtail admin: HR records assessments,
approves or rejects the submitted ones, decides external training records and exports
the approved ones for SIASN."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.history import HistoryView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton

from competencies.admin_views.base import (
    AuditedEditView,
    DecidableIndexView,
    DecisionView,
    ScopedMixin,
    ScopedObjectMixin,
    TitledAdminMixin,
    form_error,
    scoped_usage_view,
)
from competencies.admin_views.jp_conversion import conversion_details
from competencies.formats import date_display, jp_display
from competencies.forms import AssessmentAdminForm
from competencies.models import AgencySettings, Assessment, TrainingRecord
from competencies.selectors.hr_scope import assessment_list_for_hr, training_record_list_for_hr
from competencies.services.assessments import (
    assessment_approve,
    assessment_create,
    assessment_draft_update,
    assessment_reject,
)
from competencies.services.records import training_record_approve, training_record_reject

# ASSESSMENTS -----------------------------------------------------------------------------


class AssessmentIndexView(DecidableIndexView):
    scope = staticmethod(assessment_list_for_hr)
    decide_url_name = "competencies_assessment:decide"


class AssessmentCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        try:
            return assessment_create(
                actor=self.request.user,
                employee=data["employee"],
                competency=data["competency"],
                level=data["level"],
                method=data["method"],
                assessed_on=data["assessed_on"],
                valid_until=data.get("valid_until"),
                note=data.get("note", ""),
                evidence=data.get("evidence") or None,
                submit=True,
            )
        except PermissionDenied as exc:
            raise ValidationError(str(exc)) from exc

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            self.form = form
            form_error(self, exc)
            return self.form_invalid(form)


class AssessmentEditView(ScopedMixin, AuditedEditView):
    """Only drafts may still be edited; decided records stay as they were decided."""

    update_service = staticmethod(assessment_draft_update)
    instance_kwarg = "assessment"
    scope = staticmethod(
        lambda user: assessment_list_for_hr(user=user).filter(status=Assessment.Status.DRAFT)
    )


class AssessmentHistoryView(ScopedObjectMixin, HistoryView):
    scope = staticmethod(assessment_list_for_hr)


class AssessmentDecideView(DecisionView):
    model = Assessment
    page_title = gettext_lazy("Decide assessment")
    scope = staticmethod(assessment_list_for_hr)
    approve = staticmethod(assessment_approve)
    reject = staticmethod(assessment_reject)
    record_kwarg = "assessment"
    index_url_name = "competencies_assessment:index"
    approved_message = gettext_lazy("The assessment was approved.")
    rejected_message = gettext_lazy("The assessment was rejected.")

    def details(self):
        a = self.object
        return [
            (_("Employee"), f"{a.employee.display_name} (NIP {a.employee.nip or '—'})"),
            (_("Competency"), a.competency),
            (_("Level"), a.level),
            (_("Method"), a.get_method_display()),
            (_("Assessor"), a.assessor or "—"),
            (_("Assessment date"), a.assessed_on),
            (_("Valid until"), a.valid_until or "—"),
            (_("Evidence"), self.file_link("competencies:assessment_evidence", a.evidence)),
            (_("Status"), a.get_status_display()),
            (_("Note"), a.note or "—"),
        ]


class AssessmentViewSet(ModelViewSet):
    model = Assessment
    url_prefix = "kompetensi/penilaian"
    icon = "form"
    menu_label = gettext_lazy("Assessments")
    url_namespace = "competencies_assessment"
    add_to_admin_menu = False
    index_view_class = AssessmentIndexView
    add_view_class = AssessmentCreateView
    edit_view_class = AssessmentEditView
    history_view_class = AssessmentHistoryView
    usage_view_class = scoped_usage_view(assessment_list_for_hr)
    copy_view_enabled = False
    list_display = ["employee", "competency", "level", "method", "status", "assessed_on"]
    list_filter = ["status", "method", "competency"]
    search_fields = ["employee__full_name", "employee__user__nip"]
    edit_handler = ObjectList(
        [FieldPanel("employee"), FieldPanel("competency"), FieldPanel("level"), FieldPanel("method"),
         FieldRowPanel([FieldPanel("assessed_on"), FieldPanel("valid_until")]),
         FieldPanel("evidence"), FieldPanel("note")],
        base_form_class=AssessmentAdminForm,
    )  # fmt: skip

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("decide/<int:pk>/", AssessmentDecideView.as_view(), name="decide"),
        ]


# TRAINING RECORDS ------------------------------------------------------------------------


class TrainingRecordIndexView(DecidableIndexView):
    scope = staticmethod(training_record_list_for_hr)
    decide_url_name = "competencies_record:decide"

    @property
    def header_buttons(self):
        # The check screen first: it says which rows become which SIASN record and which
        # are incomplete, and carries the download links.
        url = reverse("competencies_record:siasn_check")
        query = self.request.GET.copy()
        query.pop("p", None)
        buttons = list(super().header_buttons)
        buttons.append(HeaderButton(_("SIASN export"), url=f"{url}?{query.urlencode()}", icon_name="download"))  # fmt: skip
        return buttons


def _siasn_export_records(request):
    """The HR manager's records (their scope) with the listing's status, source and
    development-type filters; approved records only unless a status is chosen."""
    records = training_record_list_for_hr(user=request.user)  # PermissionDenied
    statuses = request.GET.getlist("status") or [TrainingRecord.Status.APPROVED]
    records = records.filter(status__in=statuses)
    if sources := request.GET.getlist("source"):
        records = records.filter(source__in=sources)
    if types := [t for t in request.GET.getlist("development_type") if t.isdigit()]:
        records = records.filter(development_type__in=types)
    return records.order_by("finished_on", "id")


class TrainingRecordSiasnCheckView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    """Before download: each record, the SIASN record it becomes (kursus, or diklat for
    leadership programmes), its whole-JP `jumlahJam`, and what is missing (docs/api.md,
    "SIASN export"). Also lists published courses with no SIASN type (lms.W001)."""

    template_name = "competencies/admin/siasn_check.html"
    page_title = gettext_lazy("SIASN export")
    header_icon = "download"

    def get(self, request):
        from competencies.siasn import siasn_export_plan
        from lms.selectors.courses import courses_without_siasn_type

        records = _siasn_export_records(request)
        lines = siasn_export_plan(records, agency=AgencySettings.for_request(request))
        query = request.GET.copy()
        downloads = []
        for kind in ("kursus", "diklat"):
            for fmt in ("csv", "json"):
                query["record"], query["format"] = kind, fmt
                downloads.append(
                    (f"{kind} ({fmt.upper()})", f"{reverse('competencies_record:export_siasn')}?{query.urlencode()}")
                )  # fmt: skip
        context = self.get_context_data(
            lines=lines,
            kursus_count=sum(1 for line in lines if line.kind == "kursus"),
            diklat_count=sum(1 for line in lines if line.kind == "diklat"),
            incomplete_count=sum(1 for line in lines if line.problems),
            downloads=downloads,
            courses_without_type=list(courses_without_siasn_type()[:50]),
        )
        return TemplateResponse(request, self.template_name, context)


class TrainingRecordSiasnExportView(View):
    """The HR manager's training records (their scope) in SIASN's field names, as CSV or
    JSON (docs/api.md, "SIASN export"): `kursus` records, or with `record=diklat` the
    leadership programmes as `diklat` records. Takes the listing's filters."""

    def get(self, request):
        from competencies.api import CSVRenderer
        from competencies.siasn import (
            SIASN_DIKLAT_FIELDS,
            SIASN_EXTRA_FIELDS,
            SIASN_KURSUS_FIELDS,
            siasn_diklat_rows,
            siasn_kursus_rows,
        )
        from competencies.spreadsheets import CSV_CONTENT_TYPE

        records = _siasn_export_records(request)
        agency = AgencySettings.for_request(request)
        kind = "diklat" if request.GET.get("record") == "diklat" else "kursus"
        fields: tuple[str, ...]
        if kind == "diklat":
            rows = siasn_diklat_rows(records, agency=agency)
            fields = SIASN_DIKLAT_FIELDS + SIASN_EXTRA_FIELDS
        else:
            rows = siasn_kursus_rows(records, agency=agency)
            fields = SIASN_KURSUS_FIELDS + SIASN_EXTRA_FIELDS
        if request.GET.get("format") == "json":
            body = json.dumps(rows, ensure_ascii=False, indent=1)
            response = HttpResponse(body, content_type="application/json; charset=utf-8")
            response["Content-Disposition"] = f'attachment; filename="siasn-{kind}.json"'
            return response
        view = type("CsvColumns", (), {"csv_fields": fields})
        body = CSVRenderer().render(rows, renderer_context={"view": view})
        response = HttpResponse(body, content_type=CSV_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="siasn-{kind}.csv"'
        return response


class TrainingRecordDecideView(DecisionView):
    model = TrainingRecord
    page_title = gettext_lazy("Decide training record")
    scope = staticmethod(training_record_list_for_hr)
    approve = staticmethod(training_record_approve)
    reject = staticmethod(training_record_reject)
    record_kwarg = "record"
    index_url_name = "competencies_record:index"
    approved_message = gettext_lazy("The training record was approved.")
    rejected_message = gettext_lazy("The training record was rejected.")

    def details(self):
        r = self.object
        return [
            (_("Employee"), f"{r.employee.display_name} (NIP {r.employee.nip or '—'})"),
            (_("Training name"), r.title),
            (_("Organiser"), r.organiser),
            (_("Kind of development (SIASN)"), r.get_development_type_display()),
            (_("Dates"), f"{date_display(r.started_on)} – {date_display(r.finished_on)}"),
            (_("Lesson hours (JP)"), jp_display(r.jp)),
            *conversion_details(r),
            (_("Certificate number"), r.certificate_number or "—"),
            (_("Proof"), self.file_link("competencies:record_proof", r.proof)),
            (_("Status"), r.get_status_display()),
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        r = self.object
        if (
            r.source == TrainingRecord.Source.EXTERNAL
            and r.status != TrainingRecord.Status.REJECTED
        ):
            context["jp_override_url"] = reverse("competencies_record_jp_override", args=[r.pk])
        return context


class TrainingRecordViewSet(ModelViewSet):
    """HR reviews external training; course records arrive approved. Records are
    decided, not edited or deleted, so the listing is read-only apart from decisions."""

    model = TrainingRecord
    url_prefix = "kompetensi/riwayat-pelatihan"
    icon = "doc-full"
    menu_label = gettext_lazy("Training records")
    url_namespace = "competencies_record"
    add_to_admin_menu = False
    index_view_class = TrainingRecordIndexView
    history_view_class = type(
        "HistoryView",
        (ScopedObjectMixin, HistoryView),
        {"scope": staticmethod(training_record_list_for_hr)},
    )
    usage_view_class = scoped_usage_view(training_record_list_for_hr)
    copy_view_enabled = False
    # status_label: a course record withdrawn by a certificate revocation says "Revoked".
    list_display = [
        "employee",
        "title",
        "jp",
        "finished_on",
        "source",
        Column("status_label", label=gettext_lazy("status")),
    ]
    list_filter = ["status", "source", "development_type"]
    search_fields = ["title", "employee__full_name", "employee__user__nip"]
    form_fields = ["title"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("decide/<int:pk>/", TrainingRecordDecideView.as_view(), name="decide"),
            path("siasn/", TrainingRecordSiasnExportView.as_view(), name="export_siasn"),
            path("siasn/check/", TrainingRecordSiasnCheckView.as_view(), name="siasn_check"),
        ]
