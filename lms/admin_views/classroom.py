"""HR's classroom screens in the Wagtail admin (registered in lms/wagtail_hooks.py):
batches (with their OPD quotas), sessions (saved through the service: default JP,
revision, conflicts shown), trainers and funding patterns, each limited to the HR
manager's scope; a batch's overview (fill per OPD, nominations to decide, status moves)
and a session's attendance with corrections."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views import View

from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminPageChooser
from wagtail.admin.widgets.button import ListingButton
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.models import User
from competencies.admin_views.base import ScopedMixin, ScopedObjectMixin, form_error
from competencies.selectors.hr_scope import employee_list_for_hr, orgunit_list_for_hr
from lms.models import Attendance, Batch, CoursePage, FundingPattern, Nomination, Session, Trainer
from lms.selectors.classroom import (
    CourseGap,
    batch_fill_by_unit,
    batch_get_for_hr,
    batch_list_with_fill,
    batch_total_jp,
    course_gaps_by_employee,
    eligibility_problems_by_employee,
    nomination_list_for_hr,
    nomination_overlaps_by_employee,
    session_attendance_board,
    session_conflicts,
    session_list_for_hr,
)
from lms.selectors.classroom_evaluations import trainer_jp_ledger_with_ratings
from lms.services.classroom import batch_status_change, session_save
from lms.services.classroom_attendance import attendance_correct
from lms.services.classroom_nominations import nomination_decide


class HRPermissionPolicy(ModelPermissionPolicy):
    """HR managers and administrators; nothing is deleted (a batch is cancelled, a
    trainer or funding pattern deactivated) so that records keep what they point at."""

    def user_has_permission(self, user, action):
        return action in ("view", "add", "change") and user.has_perm("portal.access_hr")

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, a) for a in actions)


def _batches(user: Any):
    return batch_list_with_fill(user=user)


def _sessions(user: Any):
    return session_list_for_hr(user=user)


# BATCHES -----------------------------------------------------------------------------------


class BatchForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "unit" in self.fields:
            self.fields["unit"].queryset = orgunit_list_for_hr(user=self.for_user)
        if self.for_user is not None and "committee" in self.fields:
            # The committee is chosen among the people the HR manager may see.
            self.fields["committee"].queryset = User.objects.filter(
                employee__in=employee_list_for_hr(user=self.for_user)
            ).order_by("first_name", "last_name")

    class Meta:
        model = Batch
        fields = "__all__"
        widgets = {
            "course": AdminPageChooser(target_models=[CoursePage]),
            "committee": forms.CheckboxSelectMultiple,
            "eligible_positions": forms.CheckboxSelectMultiple,
        }


class BatchIndexView(ScopedMixin, generic.IndexView):
    scope = staticmethod(_batches)

    def get_list_more_buttons(self, instance):
        buttons = list(super().get_list_more_buttons(instance))
        buttons.append(
            ListingButton(
                _("Overview and nominations"),
                url=reverse("lms_classroom_batch", args=[instance.pk]),
                icon_name="list-ul",
                priority=5,
            )
        )
        return buttons


class BatchEditView(ScopedMixin, generic.EditView):
    scope = staticmethod(_batches)


class BatchHistoryView(ScopedObjectMixin, generic.HistoryView):
    scope = staticmethod(_batches)


class BatchUsageView(ScopedObjectMixin, generic.UsageView):
    scope = staticmethod(_batches)


class BatchDeleteView(ScopedMixin, generic.DeleteView):
    """Refused by the permission policy; scoped because Wagtail loads the object first."""

    scope = staticmethod(_batches)


class BatchViewSet(ModelViewSet):
    model = Batch
    url_prefix = "kelas/angkatan"
    url_namespace = "lms_classroom_batches"
    icon = "group"
    menu_label = _("Batches")
    index_view_class = BatchIndexView
    edit_view_class = BatchEditView
    history_view_class = BatchHistoryView
    usage_view_class = BatchUsageView
    delete_view_class = BatchDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "__str__",
        "status",
        "starts_on",
        Column("selected_count", label=_("Selected"), accessor="selected_count"),
        "quota_total",
    ]
    list_filter = ["status", "mode"]
    search_fields = ["number"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("course"),
                    FieldPanel("number"),
                    FieldPanel("unit"),
                    FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
                    FieldRowPanel(
                        [FieldPanel("registration_opens_on"), FieldPanel("registration_closes_on")]
                    ),
                    FieldPanel("mode"),
                    FieldPanel("venue"),
                    FieldPanel("meeting_url"),
                    FieldPanel("funding"),
                ],
                heading=_("Batch"),
            ),
            MultiFieldPanel(
                [FieldPanel("quota_total"), InlinePanel("unit_quotas", label=_("OPD quota"))],
                heading=_("Quota"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("eligible_positions"),
                    FieldPanel("eligible_jenjang"),
                    FieldRowPanel([FieldPanel("golongan_min"), FieldPanel("golongan_max")]),
                    FieldPanel("prerequisite_courses"),
                    FieldPanel("requires_training_need"),
                ],
                heading=_("Eligibility"),
            ),
            MultiFieldPanel(
                [FieldPanel("committee"), FieldPanel("completion_threshold_percent")],
                heading=_("Committee and completion"),
            ),
        ],
        base_form_class=BatchForm,
    )


# SESSIONS ----------------------------------------------------------------------------------


class SessionForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "batch" in self.fields:
            self.fields["batch"].queryset = batch_list_with_fill(user=self.for_user).exclude(
                status__in=[Batch.Status.FINISHED, Batch.Status.CANCELLED]
            )

    class Meta:
        model = Session
        fields = [
            "batch",
            "date",
            "start_time",
            "end_time",
            "topic",
            "room",
            "meeting_url",
            "jp",
            "trainers",
        ]
        widgets = {"trainers": forms.CheckboxSelectMultiple}


class _SessionSaveMixin:
    request: Any
    form: Any

    def save_instance(self):
        session = self.form.save(commit=False)
        trainers = self.form.cleaned_data.get("trainers")
        session = session_save(
            session=session,
            actor=self.request.user,
            trainer_ids=[t.pk for t in trainers] if trainers is not None else None,
        )
        for problem in session_conflicts(session=session):
            messages.warning(self.request, problem)
        return session

    def form_valid(self, form):
        try:
            return super().form_valid(form)  # type: ignore[misc]
        except ValidationError as exc:
            form_error(self, exc)
            return self.form_invalid(form)  # type: ignore[attr-defined]


class SessionIndexView(ScopedMixin, generic.IndexView):
    scope = staticmethod(_sessions)


class SessionCreateView(_SessionSaveMixin, generic.CreateView):
    pass


class SessionEditView(_SessionSaveMixin, ScopedMixin, generic.EditView):
    scope = staticmethod(_sessions)


class SessionHistoryView(ScopedObjectMixin, generic.HistoryView):
    scope = staticmethod(_sessions)


class SessionUsageView(ScopedObjectMixin, generic.UsageView):
    scope = staticmethod(_sessions)


class SessionDeleteView(ScopedMixin, generic.DeleteView):
    scope = staticmethod(_sessions)


class SessionViewSet(ModelViewSet):
    model = Session
    form_fields = SessionForm.Meta.fields
    url_prefix = "kelas/sesi"
    url_namespace = "lms_classroom_sessions"
    icon = "time"
    menu_label = _("Sessions (timetable)")
    index_view_class = SessionIndexView
    add_view_class = SessionCreateView
    edit_view_class = SessionEditView
    history_view_class = SessionHistoryView
    usage_view_class = SessionUsageView
    delete_view_class = SessionDeleteView
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["topic", "batch", "date", "start_time", "end_time", "room", "jp"]
    list_filter = ["date"]

    def get_form_class(self, for_update=False):
        return SessionForm


# TRAINERS AND FUNDING ------------------------------------------------------------------------


class TrainerForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.for_user is not None and "employee" in self.fields:
            self.fields["employee"].queryset = employee_list_for_hr(user=self.for_user)

    class Meta:
        model = Trainer
        fields = ["kind", "employee", "name", "institution", "expertise", "email", "is_active"]


class TrainerViewSet(ModelViewSet):
    model = Trainer
    form_fields = TrainerForm.Meta.fields
    url_prefix = "kelas/pengajar"
    url_namespace = "lms_classroom_trainers"
    icon = "user"
    menu_label = _("Trainers")
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = [
        "name",
        "kind",
        "institution",
        BooleanColumn("is_active", label=_("Active")),
    ]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "institution", "expertise"]

    def get_form_class(self, for_update=False):
        return TrainerForm


class FundingPatternViewSet(ModelViewSet):
    model = FundingPattern
    form_fields = ["name", "is_active"]
    url_prefix = "kelas/pembiayaan"
    url_namespace = "lms_classroom_funding"
    icon = "tag"
    menu_label = _("Funding patterns")
    copy_view_enabled = False
    inspect_view_enabled = False
    list_display = ["name", BooleanColumn("is_active", label=_("Active"))]


class ClassroomViewSetGroup(ViewSetGroup):
    menu_label = _("Classroom training")
    menu_icon = "group"
    menu_order = 337
    items = (BatchViewSet, SessionViewSet, TrainerViewSet, FundingPatternViewSet)


# BATCH OVERVIEW AND ATTENDANCE --------------------------------------------------------------


class DecideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Nomination.Status.SELECTED, _("Select")),
            (Nomination.Status.WAITLISTED, _("Waitlist")),
            (Nomination.Status.REJECTED, _("Reject")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=1000)


@dataclass(frozen=True)
class NominationRow:
    nomination: Nomination
    problems: list[str]
    overlaps: list[str]
    gaps: list[CourseGap]


class BatchOverviewView(WagtailAdminTemplateMixin, View):
    template_name = "lms/classroom/admin/batch_overview.html"
    header_icon = "group"

    def get_page_title(self):
        return str(self.batch)

    def get(self, request, pk):
        self.batch = batch_get_for_hr(user=request.user, pk=pk)
        nominations = list(
            nomination_list_for_hr(user=request.user)
            .filter(batch=self.batch)
            .order_by("status", "unit__name", "employee__full_name")
        )
        employees = [n.employee for n in nominations]
        problems = eligibility_problems_by_employee(batch=self.batch, employees=employees)
        overlaps = nomination_overlaps_by_employee(
            batch=self.batch, employee_ids=[e.pk for e in employees]
        )
        gaps = course_gaps_by_employee(batch=self.batch, employees=employees)
        rows = [
            NominationRow(n, problems[n.employee_id], overlaps[n.employee_id], gaps[n.employee_id])
            for n in nominations
        ]
        sessions = list(self.batch.sessions.prefetch_related("trainers"))
        context = self.get_context_data(
            batch=self.batch,
            fill=batch_fill_by_unit(batch=self.batch),
            rows=rows,
            sessions=[(s, session_conflicts(session=s)) for s in sessions],
            total_jp=batch_total_jp(batch=self.batch),
            transitions=[Batch.Status(s) for s in Batch.TRANSITIONS[self.batch.status]],
            decide_form=DecideForm(),
        )
        return TemplateResponse(request, self.template_name, context)


class BatchStatusView(View):
    def post(self, request, pk):
        batch = batch_get_for_hr(user=request.user, pk=pk)
        try:
            batch_status_change(
                batch=batch, actor=request.user, status=request.POST.get("status", "")
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The batch's status was changed."))
        return redirect("lms_classroom_batch", pk=pk)


class NominationDecideView(View):
    def post(self, request, pk):
        nomination = get_object_or_404(nomination_list_for_hr(user=request.user), pk=pk)
        form = DecideForm(request.POST)
        if form.is_valid():
            try:
                nomination_decide(
                    nomination=nomination,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The decision was saved."))
                if form.cleaned_data["status"] == Nomination.Status.SELECTED:
                    overlaps = nomination_overlaps_by_employee(
                        batch=nomination.batch, employee_ids=[nomination.employee_id]
                    )[nomination.employee_id]
                    for overlap in overlaps:
                        messages.warning(
                            request,
                            _("%(name)s: %(overlap)s")
                            % {"name": nomination.employee.display_name, "overlap": overlap},
                        )
        return redirect("lms_classroom_batch", pk=nomination.batch_id)


class CorrectForm(forms.Form):
    nomination = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(label=_("Status"), choices=Attendance.Status.choices)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class SessionAttendanceView(WagtailAdminTemplateMixin, View):
    template_name = "lms/classroom/admin/session_attendance.html"
    header_icon = "time"

    def get_page_title(self):
        return str(self.session)

    def _session(self, request, pk):
        self.session = get_object_or_404(session_list_for_hr(user=request.user), pk=pk)
        return self.session

    def get(self, request, pk):
        session = self._session(request, pk)
        context = self.get_context_data(
            session=session,
            rows=session_attendance_board(session=session),
            statuses=Attendance.Status.choices,
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk):
        session = self._session(request, pk)
        form = CorrectForm(request.POST)
        if form.is_valid():
            nomination = get_object_or_404(
                Nomination, pk=form.cleaned_data["nomination"], batch_id=session.batch_id
            )
            try:
                attendance_correct(
                    session=session,
                    nomination=nomination,
                    actor=request.user,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("The attendance was corrected."))
        else:
            messages.error(request, _("Choose a status and give the reason for the correction."))
        return redirect("lms_classroom_session_attendance", pk=pk)


class TrainerLedgerView(WagtailAdminTemplateMixin, View):
    """JP taught per trainer and year, for honorarium and widyaiswara credit; CSV or XLSX
    through the one spreadsheet writer."""

    template_name = "lms/classroom/admin/trainer_ledger.html"
    page_title = _("Trainer JP ledger")
    header_icon = "user"

    def get(self, request):
        from competencies.spreadsheets import csv_response, xlsx_response

        try:
            year = int(request.GET.get("year") or timezone.localdate().year)
        except ValueError:
            year = timezone.localdate().year
        rows = trainer_jp_ledger_with_ratings(user=request.user, year=year)
        export = request.GET.get("format")
        if export in ("csv", "xlsx"):
            table: list[list[Any]] = [
                [
                    str(_("Trainer")),
                    str(_("Kind")),
                    str(_("Institution")),
                    str(_("Sessions")),
                    "JP",
                    str(_("Evaluation answers")),
                    str(_("Average rating (1–5)")),
                ],
                *[
                    [
                        r.row.trainer,
                        r.row.kind,
                        r.row.institution,
                        r.row.sessions,
                        r.row.jp,
                        r.answers,
                        r.average if r.average is not None else "",
                    ]
                    for r in rows
                ],
            ]
            filename = f"jp-pengajar-{year}.{export}"
            if export == "csv":
                return csv_response(rows=table, filename=filename)
            return xlsx_response(sheets=[(str(year), table)], filename=filename)
        context = self.get_context_data(rows=rows, year=year)
        return TemplateResponse(request, self.template_name, context)
