"""HR reports in the Wagtail admin: competency gaps (the unit × competency heat-map and
the gap summary of a position) and JP compliance (who is below the yearly JP target, and
how each unit is doing), with CSV and XLSX exports of the whole list and a PDF summary.

Both exports go through `competencies.spreadsheets` (the formula guard; CSV streamed row
by row, XLSX from openpyxl's write-only mode, so memory stays flat for 10,000 employees)."""

from __future__ import annotations

from collections.abc import Iterator

from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import View

from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from accounts.nip import nip_format
from competencies.admin_views.base import TitledAdminMixin
from competencies.forms import ComplianceFilterForm
from competencies.models import AgencySettings, Position
from competencies.pdf import CompliancePDF, ComplianceRow, render_compliance_summary
from competencies.selectors.compliance import (
    ComplianceFilters,
    assignment_unit_figures,
    jp_compliance_export_rows,
    jp_compliance_list,
    jp_compliance_report,
    jp_unit_summary,
)
from competencies.selectors.gaps import gap_heatmap, position_gap_summary
from competencies.selectors.hr_scope import employee_list_for_hr, hr_scope_unit, orgunit_list_for_hr
from competencies.selectors.jp import jp_targets
from competencies.spreadsheets import csv_response, xlsx_response

PAGE_SIZE = 50
# `target` is the employee's own rule: the PNS floor or the PPPK cap (`target_kind`);
# `meets_target` is compliance by that rule (competencies.selectors.jp.jp_targets).
EXPORT_COLUMNS = (
    "nip", "name", "unit", "position", "golongan", "jp", "target", "meets_target",
    "employment_type", "target_kind",
)  # fmt: skip


class ComplianceReportView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    template_name = "competencies/admin/compliance_report.html"
    page_title = gettext_lazy("JP compliance")
    header_icon = "date"

    def get(self, request):
        # One queryset (its result is kept) for the filter's choices and the summary rows.
        units = orgunit_list_for_hr(user=request.user)  # PermissionDenied if not HR
        scope = hr_scope_unit(user=request.user)
        form = ComplianceFilterForm(
            request.GET or None,
            units=units,
            initial={"year": timezone.localdate().year},
        )
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        year = data.get("year") or timezone.localdate().year
        agency = AgencySettings.for_request(request)
        target = agency.yearly_jp_target
        pppk_cap = agency.pppk_jp_cap  # PP 49/2018 art. 40(1): PPPK have a cap, not a floor
        filters = ComplianceFilters(
            year=year,
            unit=data.get("unit") or scope,
            position_kind=data.get("position_kind") or "",
            golongan=data.get("golongan"),
            below_target_only=not data.get("all_employees"),
        )
        employees = employee_list_for_hr(user=request.user)
        listing = jp_compliance_list(
            employees=employees, filters=filters, target=target, pppk_cap=pppk_cap
        )
        export = request.GET.get("export")
        rules = jp_targets(agency=agency)
        if export == "csv":
            return self._csv(listing, year, rules)
        if export == "xlsx":
            return self._xlsx(listing, year, rules)

        root = filters.unit
        # The unit's children, or the root units, from `units` (in tree order by path).
        if root is not None:
            summary_units = [
                u for u in units if u.depth == root.depth + 1 and u.path.startswith(root.path)
            ]
        else:
            summary_units = [u for u in units if u.depth == 1]
        if root is not None and not summary_units:
            summary_units = [root]
        if export == "pdf":
            summary = jp_unit_summary(
                units=summary_units,
                employees=employees,
                year=year,
                target=target,
                pppk_cap=pppk_cap,
            )
            return self._pdf(summary, listing, year, target, root)
        report = jp_compliance_report(
            employees=employees,
            filters=filters,
            target=target,
            units=summary_units,
            page_number=request.GET.get("p"),
            page_size=PAGE_SIZE,
            pppk_cap=pppk_cap,
        )
        summary, page = report.summary, report.page
        assignment_figures = assignment_unit_figures(units=summary_units, employees=employees)
        for s in summary:
            s.assignments = assignment_figures.get(s.unit.path)
        query = request.GET.copy()
        query.pop("p", None)
        query.pop("export", None)
        context = self.get_context_data(
            chart_height=len(summary) * 26 + 4,
            form=form,
            year=year,
            target=target,
            pppk_cap=pppk_cap,
            summary=summary,
            page=page,
            query=query.urlencode(),
            below_only=filters.below_target_only,
        )
        return TemplateResponse(request, self.template_name, context)

    @staticmethod
    def _rows(listing, rules) -> Iterator[list]:
        yes, no = _("yes"), _("no")
        for e in jp_compliance_export_rows(listing):
            rule = rules.get(e.employment_type, rules["PNS"])
            yield [
                e.nip,
                e.display_name,
                e.unit_name,
                e.position,
                e.pppk_golongan if rule.is_cap else e.golongan,
                f"{e.jp:.1f}",
                rule.value,
                yes if rule.is_compliant(e.jp) else no,
                e.employment_type,
                rule.kind,
            ]

    def _csv(self, listing, year, rules) -> StreamingHttpResponse:
        return csv_response(
            rows=self._with_header(self._rows(listing, rules)),
            filename=f"kepatuhan-jp-{year}.csv",
        )

    def _xlsx(self, listing, year, rules) -> FileResponse:
        def rows():
            for row in self._rows(listing, rules):
                row[5] = float(row[5])  # a number cell, not text
                yield row

        return xlsx_response(
            sheets=[(f"JP {year}", self._with_header(rows()))],
            filename=f"kepatuhan-jp-{year}.xlsx",
        )

    @staticmethod
    def _with_header(rows: Iterator[list]) -> Iterator[list | tuple]:
        yield EXPORT_COLUMNS
        yield from rows

    def _pdf(self, summary, listing, year, target, root) -> HttpResponse:
        below = tuple(
            (
                e.display_name,
                nip_format(e.user.nip or ""),
                e.unit.name if e.unit else "",
                f"{e.jp:g}",
            )
            for e in listing.filter(jp__lt=target).exclude(employment_type="PPPK")[:500]
        )
        pdf = render_compliance_summary(
            CompliancePDF(
                title=_("JP compliance %(year)s") % {"year": year},
                subtitle=(root.name if root else _("All regional agencies"))
                + " · "
                + _("target %(target)s JP per employee") % {"target": target},
                target=target,
                rows=tuple(
                    ComplianceRow(s.unit.name, s.employees, s.meeting_target, f"{s.average_jp:g}")
                    for s in summary
                ),
                below_target=below,
            )
        )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="kepatuhan-jp-{year}.pdf"'
        return response


class GapReportView(TitledAdminMixin, WagtailAdminTemplateMixin, View):
    """The unit × competency heat-map, and the gap summary of one unit or position."""

    template_name = "competencies/admin/gap_report.html"
    page_title = gettext_lazy("Competency gaps")
    header_icon = "tasks"

    def get(self, request):
        # Read once: the filter's options, the chosen unit and the heat-map's rows.
        units = list(orgunit_list_for_hr(user=request.user))  # raises PermissionDenied
        scope = hr_scope_unit(user=request.user)
        root = None
        if request.GET.get("unit"):
            root = next((u for u in units if str(u.pk) == request.GET["unit"]), None)
            if root is None:
                raise Http404
        elif scope is not None:
            root = scope
        heatmap = gap_heatmap(root=root, units=units)
        position_summary = None
        position = None
        if request.GET.get("position"):
            position = get_object_or_404(Position, pk=request.GET["position"])
            position_summary = position_gap_summary(position=position, within=scope)
        context = self.get_context_data(
            heatmap=heatmap,
            rows=[
                (unit, [heatmap.cell(unit.pk, c.pk) for c in heatmap.competencies])
                for unit in heatmap.units
            ],
            root=root,
            units=units,
            positions=Position.objects.filter(is_active=True).order_by("name"),
            position=position,
            position_summary=position_summary,
            position_rows=[
                (c, position_summary.cells.get(c.pk)) for c in position_summary.competencies
            ]
            if position_summary
            else [],
        )
        return TemplateResponse(request, self.template_name, context)
