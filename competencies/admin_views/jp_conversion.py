"""The JP conversion table in the Wagtail admin (Competencies → JP conversion), HR's JP
override on a training record, and the re-computation with its preview
(docs/jp-conversion.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from wagtail.admin.panels import FieldPanel, FieldRowPanel, ObjectList
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy

from accounts.rules import require_hr
from competencies.admin_views.base import AuditedEditView, form_error, sees_whole_organisation
from competencies.formats import date_display, jp_display
from competencies.models import JpConversionRule, JpRecompute, TrainingRecord
from competencies.selectors.hr_scope import training_record_list_for_hr
from competencies.services.jp_conversion import (
    jp_recompute_confirm,
    jp_recompute_request,
    jp_recompute_requeue_if_stale,
    jp_rule_create,
    jp_rule_update,
    training_record_jp_override,
)

if TYPE_CHECKING:
    from accounts.models import User


class TablePermissionPolicy(ModelPermissionPolicy):
    """Any HR manager reads the table; only those who see the whole organisation add or
    edit versions (the table is the agency's); no one deletes one (records point at it)."""

    def user_has_permission(self, user, action):
        if action == "delete" or not super().user_has_permission(user, action):
            return False
        if action in ("add", "change"):
            # Asked on every admin page (the menu); the answer is kept on the request's
            # user so the HR-scope lookup runs once, not once per menu check.
            if not hasattr(user, "_jp_table_editor"):
                user._jp_table_editor = sees_whole_organisation(user)
            return user._jp_table_editor
        return True

    def user_has_any_permission(self, user, actions):
        # The menu asks for any of add/change/delete/view: "view" answers it without the
        # HR-scope lookup the others need.
        if "view" in actions and self.user_has_permission(user, "view"):
            return True
        return super().user_has_any_permission(user, actions)


class JpRuleCreateView(generic.CreateView):
    def save_instance(self):
        rule = self.form.save(commit=False)
        # A copy's form is bound to the row it copies: always a new row.
        rule.pk = None
        rule._state.adding = True
        return jp_rule_create(actor=self.request.user, rule=rule)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            self.form = form
            form_error(self, exc)
            # Wagtail's form_invalid reads the message its own validation would have set.
            self.produced_error_message = " ".join(exc.messages)
            return self.form_invalid(form)


class JpRuleCopyView(generic.CopyViewMixin, JpRuleCreateView):
    """Copy: the way to add a version of a row (same values, a new date)."""


class JpRuleEditView(AuditedEditView):
    update_service = staticmethod(jp_rule_update)
    instance_kwarg = "rule"

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as exc:
            self.form = form
            form_error(self, exc)
            # Wagtail's form_invalid reads the message its own validation would have set.
            self.produced_error_message = " ".join(exc.messages)
            return self.form_invalid(form)


class JpRuleIndexView(generic.IndexView):
    @property
    def header_buttons(self):
        return [
            *super().header_buttons,
            HeaderButton(
                label=_("Re-compute JP"),
                url=reverse("competencies_jp_recompute"),
                icon_name="resubmit",
            ),
        ]


class JpConversionRuleViewSet(ModelViewSet):
    """The conversion table: one row per (SIASN development type, activity kind) and
    version. A new version is added (Copy) with the date it applies from."""

    model = JpConversionRule
    url_prefix = "kompetensi/konversi-jp"
    url_namespace = "competencies_jp_rule"
    icon = "table"
    menu_label = gettext_lazy("JP conversion")
    add_to_admin_menu = False
    index_view_class = JpRuleIndexView
    add_view_class = JpRuleCreateView
    copy_view_class = JpRuleCopyView
    edit_view_class = JpRuleEditView
    list_display = [
        "development_type",
        "activity",
        "unit",
        "jp_national",
        "jp_international",
        "cap_per_day",
        "cap_per_month",
        "cap_per_year",
        "effective_from",
    ]
    list_filter = ["activity", "unit", "development_type"]
    edit_handler = ObjectList([
        FieldRowPanel([FieldPanel("development_type"), FieldPanel("activity")]),
        FieldRowPanel([FieldPanel("unit"), FieldPanel("effective_from")]),
        FieldRowPanel([FieldPanel("jp_national"), FieldPanel("jp_international")]),
        FieldRowPanel([FieldPanel("cap_per_day"), FieldPanel("cap_per_month"), FieldPanel("cap_per_year")]),
        FieldPanel("source"),
    ])  # fmt: skip


# HR'S OVERRIDE ----------------------------------------------------------------------------


class JpOverrideForm(forms.Form):
    jp = forms.DecimalField(
        label=gettext_lazy("Lesson hours (JP)"), min_value=0, max_value=999, decimal_places=1
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Kept in the record and in the audit trail."),
    )


def conversion_details(record: TrainingRecord) -> list[tuple[str, object]]:
    """The conversion lines of a record's details (the decision page, the override page)."""
    if not record.activity:
        return []
    rows: list[tuple[str, object]] = [
        (_("Activity kind"), record.get_activity_display()),
        (_("International"), _("yes") if record.international else _("no")),
    ]
    if record.jp_units is not None:
        rows.append((_("Sessions, semesters or hours"), f"{record.jp_units:g}"))
    if record.jp_rule is not None:
        rows.append(
            (
                _("JP by the conversion table"),
                _("%(jp)s (version from %(date)s)")
                % {
                    "jp": jp_display(record.jp_computed or Decimal(0)),
                    "date": date_display(record.jp_rule.effective_from),
                },
            )
        )
    if record.jp_override_reason:
        rows.append((_("JP set by HR because"), record.jp_override_reason))
    return rows


@require_http_methods(["GET", "POST"])
def training_record_jp_override_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_hr(request.user)
    record = get_object_or_404(
        training_record_list_for_hr(user=request.user).select_related("employee", "jp_rule"),
        pk=pk,
    )
    form = JpOverrideForm(request.POST or None, initial={"jp": record.jp})
    if request.method == "POST" and form.is_valid():
        try:
            training_record_jp_override(
                actor=cast("User", request.user),
                record=record,
                jp=form.cleaned_data["jp"],
                reason=form.cleaned_data["reason"],
            )
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                form.add_error(None, str(exc) or _("You may not change this record."))
            elif hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    form.add_error(name if name in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("The JP of the record were set."))
            return redirect("competencies_record:decide", record.pk)
    details = [
        (_("Employee"), record.employee.display_name),
        (_("Training name"), record.title),
        (_("Dates"), f"{date_display(record.started_on)} – {date_display(record.finished_on)}"),
        (_("Lesson hours (JP)"), jp_display(record.jp)),
        *conversion_details(record),
    ]
    return TemplateResponse(
        request,
        "competencies/admin/jp_override.html",
        {"record": record, "form": form, "details": details},
    )


# RE-COMPUTATION --------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def jp_recompute_start(request: HttpRequest) -> HttpResponse:
    require_hr(request.user)
    if request.method == "POST":
        run = jp_recompute_request(actor=cast("User", request.user))
        return redirect("competencies_jp_recompute_run", run.pk)
    return TemplateResponse(request, "competencies/admin/jp_recompute_start.html", {})


@require_http_methods(["GET", "POST"])
def jp_recompute_run(request: HttpRequest, pk: int) -> HttpResponse:
    require_hr(request.user)
    run = get_object_or_404(JpRecompute, pk=pk, requested_by=request.user)
    Status = JpRecompute.Status
    if request.method == "POST":
        try:
            jp_recompute_confirm(actor=cast("User", request.user), run=run)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        # Post/redirect/get: the run page shows the change's progress, then its outcome.
        return redirect("competencies_jp_recompute_run", run.pk)
    if run.status in (Status.QUEUED, Status.RUNNING, Status.APPLYING):
        jp_recompute_requeue_if_stale(run=run)
        return TemplateResponse(
            request,
            "competencies/admin/jp_recompute_progress.html",
            {
                "run": run,
                "running": run.status == Status.RUNNING,
                "applying": run.status == Status.APPLYING,
            },
        )
    context: dict[str, Any] = {"run": run, "failed": run.status == Status.FAILED}
    if run.status in (Status.PREVIEWED, Status.APPLIED):
        records = (
            training_record_list_for_hr(user=request.user)
            .select_related("employee")
            .in_bulk([row["record"] for row in run.changes[:500]])
        )
        context["rows"] = [
            {
                "record": records[row["record"]],
                "old": jp_display(Decimal(row["old"])),
                "new": jp_display(Decimal(row["new"])),
            }
            for row in run.changes[:500]
            if row["record"] in records
        ]
        context["count"] = len(run.changes)
        context["can_apply"] = run.status == Status.PREVIEWED and bool(run.changes)
    return TemplateResponse(request, "competencies/admin/jp_recompute_preview.html", context)


def jp_admin_urls() -> list[Any]:
    return [
        path(
            "kompetensi/riwayat-pelatihan/jp/<int:pk>/",
            training_record_jp_override_view,
            name="competencies_record_jp_override",
        ),
        path("kompetensi/hitung-ulang-jp/", jp_recompute_start, name="competencies_jp_recompute"),
        path(
            "kompetensi/hitung-ulang-jp/<int:pk>/",
            jp_recompute_run,
            name="competencies_jp_recompute_run",
        ),
    ]
