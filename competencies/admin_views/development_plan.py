"""The development plan in the Wagtail admin (HR → Development plan;
docs/development-plan.md): the plans per year, a plan with its items, building items
from the gaps, an item's form, submitting / approving / returning / revising, and the
planned-vs-realised report with its CSV, XLSX and PDF. What an item delivered (linked
batches and course) and its spending are on the item's realisation page
(lms/admin_views/development_plan.py)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from accounts.nip import NIP_LENGTH, nip_normalize
from competencies.development_plan_pdf import PlanPDF, render_plan_report
from competencies.formats import jp_display
from competencies.models import (
    DevelopmentPlan,
    DevelopmentPlanItem,
    DevelopmentPlanSpend,
    Employee,
    OrgUnit,
    Position,
)
from competencies.selectors.development_plan import (
    Figures,
    development_plan_report,
    plan_candidates,
    plan_get_for_hr,
    plan_item_get_for_hr,
    plan_list_for_hr,
    plan_people_search,
    require_plan_reader,
)
from competencies.selectors.hr_scope import employee_list_for_hr
from competencies.services.development_plan import (
    may_approve_plan,
    may_prepare_plan,
    plan_approve,
    plan_build_from_candidates,
    plan_create,
    plan_item_delete,
    plan_item_save,
    plan_return,
    plan_revise,
    plan_submit,
)
from competencies.spreadsheets import csv_response, xlsx_response

if TYPE_CHECKING:
    from accounts.models import User


def _show_error(request: HttpRequest, exc: ValidationError | PermissionDenied) -> None:
    text = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    messages.error(request, text or _("You may not do this."))


def _form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _money(value: Decimal | None) -> str:
    from django.utils.formats import number_format

    return (
        ""
        if value is None
        else number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
    )


# PLANS ----------------------------------------------------------------------------------


class PlanCreateForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2020, max_value=2100)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    require_plan_reader(request.user)
    next_year = timezone.localdate().year + 1
    form = PlanCreateForm(request.POST or None, initial={"year": next_year})
    if request.method == "POST" and form.is_valid():
        try:
            plan = plan_create(actor=cast("User", request.user), **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, PermissionDenied):
                raise
            _form_errors(form, exc)
        else:
            messages.success(request, _("The plan for %(year)s was started.") % {"year": plan.year})
            return redirect("competencies_plan_detail", plan.pk)
    from django.core.paginator import Paginator

    page = Paginator(plan_list_for_hr(user=request.user), 20).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/list.html",
        {"page": page, "form": form, "can_prepare": may_prepare_plan(request.user)},
    )


@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_plan_reader(request.user)
    plan = plan_get_for_hr(user=request.user, pk=pk)
    items = list(
        plan.items.select_related("competency", "target_unit", "target_position").order_by(
            "competency__code", "pk"
        )
    )
    total = sum((i.planned_cost for i in items), Decimal(0))
    can_prepare = may_prepare_plan(request.user)
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/detail.html",
        {
            "plan": plan,
            "items": [(i, _money(i.planned_cost), jp_display(i.planned_jp_total)) for i in items],
            "total_cost": _money(total),
            "can_edit": can_prepare and plan.is_editable,
            "can_submit": can_prepare and plan.is_editable and bool(items),
            "can_decide": may_approve_plan(request.user)
            and plan.status == DevelopmentPlan.Status.SUBMITTED,
            "can_revise": can_prepare and plan.status == DevelopmentPlan.Status.APPROVED,
            "Status": DevelopmentPlan.Status,
        },
    )


@require_http_methods(["GET", "POST"])
def plan_build(request: HttpRequest, pk: int) -> HttpResponse:
    """The candidates from the gap heat-map, proposals and votes, training needs (and
    agreed IDPs once they exist); HR ticks the ones to add as prefilled items."""
    require_plan_reader(request.user)
    plan = plan_get_for_hr(user=request.user, pk=pk)
    candidates = plan_candidates(year=plan.year)
    if request.method == "POST":
        chosen = set(request.POST.getlist("candidate"))
        picked = [c for c in candidates if f"{c.unit.pk}:{c.competency.pk}" in chosen]
        if not picked:
            messages.error(request, _("Tick at least one line to add."))
            return redirect("competencies_plan_build", plan.pk)
        try:
            added = plan_build_from_candidates(
                actor=cast("User", request.user), plan=plan, candidates=picked
            )
        except (ValidationError, PermissionDenied) as exc:
            _show_error(request, exc)
        else:
            messages.success(
                request,
                _("%(count)d items added. Complete their provider and costs.") % {"count": added},
            )
        return redirect("competencies_plan_detail", plan.pk)
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/build.html",
        {
            "plan": plan,
            "candidates": candidates,
            "can_edit": plan.is_editable and may_prepare_plan(request.user),
        },
    )


# ITEMS ----------------------------------------------------------------------------------


class PlanItemForm(forms.ModelForm):
    # The no-JavaScript path and the picker's store: the picker (plan-people-picker.js)
    # adds the NIPs of the employees HR finds by name or NIP to this list.
    target_nips = forms.CharField(
        label=gettext_lazy("Named employees (NIP, one a line)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Only when the target group is named employees."),
    )

    class Meta:
        model = DevelopmentPlanItem
        fields = [
            "competency", "title", "target_kind", "target_unit", "target_position", "route",
            "provider", "planned_batches", "planned_participants", "planned_jp", "cost_basis",
            "unit_cost", "lump_sum", "funding", "source",
        ]  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["target_unit"].queryset = OrgUnit.objects.order_by("path")  # type: ignore[attr-defined]
        self.fields["target_position"].queryset = Position.objects.order_by("name")  # type: ignore[attr-defined]
        if self.instance.pk and not self.is_bound:
            nips = self.instance.target_employees.select_related("user").values_list(
                "user__nip", flat=True
            )
            self.fields["target_nips"].initial = "\n".join(n for n in nips if n)

    def clean_target_nips(self) -> list[Employee]:
        """Each line a NIP (spaces, dots and dashes ignored) of an employee in the HR
        manager's scope; every bad line is named. An employee outside the scope gets the
        same answer as a NIP nobody has (the scope does not tell who exists elsewhere)."""
        nips = list(
            dict.fromkeys(nip_normalize(n) for n in self.cleaned_data["target_nips"].split())
        )
        nips = [n for n in nips if n]
        malformed = [n for n in nips if not n.isdigit() or len(n) != NIP_LENGTH]
        errors = [
            _("“%(nip)s” is not a NIP: a NIP has exactly 18 digits.") % {"nip": n}
            for n in malformed[:5]
        ]
        wellformed = [n for n in nips if n not in malformed]
        found = {
            e.user.nip: e
            for e in employee_list_for_hr(user=self.user)
            .select_related(None)
            .select_related("user")
            .filter(user__nip__in=wellformed, is_active=True)
        }
        missing = [n for n in wellformed if n not in found]
        if missing:
            errors.append(
                _("No employee with NIP %(nips)s among the employees you manage.")
                % {"nips": ", ".join(missing[:5])}
            )
        if errors:
            raise forms.ValidationError(errors)
        return [found[n] for n in wellformed]


@require_http_methods(["GET", "POST"])
def plan_item_edit(request: HttpRequest, plan_pk: int, pk: int | None = None) -> HttpResponse:
    require_plan_reader(request.user)
    plan = plan_get_for_hr(user=request.user, pk=plan_pk)
    item = plan_item_get_for_hr(user=request.user, pk=pk) if pk else DevelopmentPlanItem(plan=plan)
    if item.plan_id != plan.pk:
        raise Http404
    if not plan.is_editable:
        # Locked: say so at once rather than after the user typed a change.
        _show_error(request, ValidationError(_locked(plan)))
        return redirect("competencies_plan_detail", plan.pk)
    form = PlanItemForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        item = form.save(commit=False)
        item.plan = plan
        try:
            plan_item_save(
                actor=cast("User", request.user),
                item=item,
                target_employees=form.cleaned_data["target_nips"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The item was saved."))
            return redirect("competencies_plan_detail", plan.pk)
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/item_form.html",
        {
            "plan": plan,
            "item": item,
            "form": form,
            "people_search_url": reverse("competencies_plan_people_search"),
        },
    )


@require_GET
def plan_people_search_view(request: HttpRequest) -> JsonResponse:
    """The named-people picker's search (JSON): employees in the HR manager's scope by
    name or NIP, with name, NIP and unit."""
    people = plan_people_search(user=request.user, query=request.GET.get("q", "")[:100])
    return JsonResponse(
        {
            "results": [
                {
                    "nip": e.user.nip,
                    "name": e.full_name,
                    "unit": e.unit.name if e.unit else "",
                }
                for e in people
            ]
        }
    )


def _locked(plan: DevelopmentPlan) -> str:
    from competencies.services.development_plan import _locked_message

    return _locked_message(plan)


@require_http_methods(["GET", "POST"])
def plan_item_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    require_plan_reader(request.user)
    item = plan_item_get_for_hr(user=request.user, pk=pk)
    if request.method == "POST":
        try:
            plan_item_delete(actor=cast("User", request.user), item=item)
        except (ValidationError, PermissionDenied) as exc:
            _show_error(request, exc)
        else:
            messages.success(request, _("The item was removed."))
        return redirect("competencies_plan_detail", item.plan_id)
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/confirm.html",
        {
            "plan": item.plan,
            "title": _("Remove the item “%(title)s”?") % {"title": item.title},
            "button": _("Remove"),
            "destructive": True,
        },
    )


# DECISIONS ------------------------------------------------------------------------------

_ACTIONS: dict[str, tuple[Any, Any, Any]] = {
    "submit": (plan_submit, gettext_lazy("Submit the plan for approval?"), gettext_lazy("The plan was submitted for approval.")),
    "approve": (plan_approve, gettext_lazy("Approve the plan? It is locked once approved."), gettext_lazy("The plan was approved.")),
    "return": (plan_return, gettext_lazy("Return the plan to BKPSDM for changes?"), gettext_lazy("The plan was returned.")),
    "revise": (plan_revise, gettext_lazy("Start a revision of the approved plan? It stays in force until the revision is approved."), gettext_lazy("A revision was started.")),
}  # fmt: skip


@require_http_methods(["GET", "POST"])
def plan_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_plan_reader(request.user)
    if action not in _ACTIONS:
        raise Http404
    plan = plan_get_for_hr(user=request.user, pk=pk)
    service, question, done = _ACTIONS[action]
    if request.method == "POST":
        kwargs: dict[str, Any] = {"actor": request.user, "plan": plan}
        if action == "return":
            kwargs["reason"] = request.POST.get("reason", "")
        try:
            result = service(**kwargs)
        except (ValidationError, PermissionDenied) as exc:
            _show_error(request, exc)
            return redirect("competencies_plan_detail", plan.pk)
        messages.success(request, str(done))
        return redirect("competencies_plan_detail", result.pk)
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/confirm.html",
        {"plan": plan, "title": question, "button": _("Confirm"), "reason": action == "return"},
    )


# REPORT ---------------------------------------------------------------------------------

REPORT_COLUMNS = (
    "planned_batches", "batches_held", "planned_participants", "participants",
    "planned_jp", "jp_delivered", "planned_cost", "spent", "spent_pct",
    "cost_per_participant", "cost_per_jp", "below_at_plan", "below_now", "gaps_closed",
)  # fmt: skip


def _report_header() -> tuple[str, ...]:
    return (
        _("Planned batches"), _("Batches held"), _("Planned participants"), _("Participants"),
        _("Planned JP"), _("JP delivered"), _("Planned cost (Rp)"), _("Spent (Rp)"), _("Spent %"),
        _("Cost per participant (Rp)"), _("Cost per JP (Rp)"), _("Below standard at plan time"),
        _("Below standard now"), _("Gaps closed"),
    )  # fmt: skip


def _values(row: Figures) -> list[Any]:
    return [getattr(row, name) for name in REPORT_COLUMNS]


def report_cell_formatter() -> Callable[[Any], str]:
    """What `{{ v|floatformat:"-1g" }}` prints (one decimal only when there is one, the
    active language's grouping; "—" for None), for the report's 4,000 cells at once: the
    filter per cell was a third of the page's time on a 300-item plan (bench/NOTES.md).
    The separators are read once per request."""
    from django.utils.formats import get_format

    table = str.maketrans(
        {",": str(get_format("THOUSAND_SEPARATOR")), ".": str(get_format("DECIMAL_SEPARATOR"))}
    )
    tenth = Decimal("0.1")

    def cell(value: Any) -> str:
        if value is None:
            return "—"
        number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
        if number == number.to_integral_value():  # as floatformat: before rounding
            return f"{number:,.0f}".translate(table)
        return f"{number.quantize(tenth, rounding=ROUND_HALF_UP):,.1f}".translate(table)

    return cell


def _item_label(row: Any) -> str:
    return f"{row.item.title} ({row.item.competency.code})"


def _opd_label(row: Any) -> str:
    return row.unit.name if row.unit is not None else _("Across perangkat daerah")


REPORT_ITEMS_PER_PAGE = 50


@require_GET
def plan_report(
    request: HttpRequest, pk: int
) -> HttpResponse | StreamingHttpResponse | FileResponse:
    require_plan_reader(request.user)
    plan = plan_get_for_hr(user=request.user, pk=pk)
    report = development_plan_report(plan=plan)
    export = request.GET.get("export")
    name = f"rencana-pengembangan-{plan.year}-r{plan.revision}"
    header = _report_header()
    if export in ("csv", "xlsx"):
        item_rows = [
            [_("Item"), _("Competency"), _("Target group"), _("Route"), _("Funding source"), *header],
            *[
                [r.item.title, r.item.competency.code, r.item.get_target_kind_display(),
                 r.item.get_route_display(), r.item.get_funding_display(), *_values(r)]
                for r in report.items
            ],
            [_("Total"), "", "", "", "", *_values(report.total)],
        ]  # fmt: skip
        opd_rows = [
            [_("Perangkat daerah"), *header],
            *[[_opd_label(r), *_values(r)] for r in report.opds],
            [_("Total"), *_values(report.total)],
        ]
        if export == "csv":
            return csv_response(rows=[*item_rows, [], *opd_rows], filename=f"{name}.csv")
        return xlsx_response(
            sheets=[(_("Per item"), item_rows), (_("Per perangkat daerah"), opd_rows)],
            filename=f"{name}.xlsx",
        )
    if export == "pdf":

        def text(row: Figures) -> tuple[str, ...]:
            return tuple(
                "" if v is None else _money(v) if isinstance(v, Decimal) else str(v)
                for v in _values(row)
            )

        data = PlanPDF(
            title=_("Competency development plan %(year)s: planned and realised")
            % {"year": plan.year},
            subtitle=_("Revision %(revision)s, %(status)s. Printed %(date)s.")
            % {
                "revision": plan.revision,
                "status": plan.get_status_display(),
                "date": timezone.localdate().isoformat(),
            },
            header=header,
            items=tuple((_item_label(r), *text(r)) for r in report.items),
            opds=tuple((_opd_label(r), *text(r)) for r in report.opds),
            total=(_("Total"), *text(report.total)),
        )
        response = HttpResponse(render_plan_report(data), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
        return response
    from django.core.paginator import Paginator

    cell = report_cell_formatter()
    # The items a page at a time (the totals and the OPD table are of the whole plan; the
    # exports carry every item): a 300-item plan is six pages of a readable length.
    page = Paginator(report.items, REPORT_ITEMS_PER_PAGE).get_page(request.GET.get("p"))
    return TemplateResponse(
        request,
        "competencies/admin/development_plan/report.html",
        {
            "plan": plan,
            "report": report,
            "header": header,
            "page": page,
            "items": [(r, _item_label(r), [cell(v) for v in _values(r)]) for r in page],
            "opds": [(r, _opd_label(r), [cell(v) for v in _values(r)]) for r in report.opds],
            "total": [cell(v) for v in _values(report.total)],
        },
    )


@require_GET
def plan_spend_document(request: HttpRequest, pk: int) -> FileResponse:
    """A spending entry's document, for those who read the plans (never public)."""
    require_plan_reader(request.user)
    try:
        spend = DevelopmentPlanSpend.objects.get(pk=pk)
    except DevelopmentPlanSpend.DoesNotExist as exc:
        raise Http404 from exc
    if not spend.attachment:
        raise Http404
    return FileResponse(
        spend.attachment.open("rb"),
        as_attachment=True,
        filename=(spend.attachment.name or "").rsplit("/", 1)[-1],
    )


def development_plan_urls() -> list[Any]:
    return [
        path("kompetensi/rencana/", plan_list, name="competencies_plan_list"),
        path(
            "kompetensi/rencana/pegawai/",
            plan_people_search_view,
            name="competencies_plan_people_search",
        ),
        path("kompetensi/rencana/<int:pk>/", plan_detail, name="competencies_plan_detail"),
        path("kompetensi/rencana/<int:pk>/susun/", plan_build, name="competencies_plan_build"),
        path("kompetensi/rencana/<int:pk>/laporan/", plan_report, name="competencies_plan_report"),
        path(
            "kompetensi/rencana/<int:pk>/<slug:action>/",
            plan_action,
            name="competencies_plan_action",
        ),
        path(
            "kompetensi/rencana/<int:plan_pk>/butir/baru/",
            plan_item_edit,
            name="competencies_plan_item_add",
        ),
        path(
            "kompetensi/rencana/<int:plan_pk>/butir/<int:pk>/",
            plan_item_edit,
            name="competencies_plan_item_edit",
        ),
        path(
            "kompetensi/rencana/butir/<int:pk>/hapus/",
            plan_item_delete_view,
            name="competencies_plan_item_delete",
        ),
        path(
            "kompetensi/rencana/belanja/<int:pk>/dokumen/",
            plan_spend_document,
            name="competencies_plan_spend_document",
        ),
    ]
