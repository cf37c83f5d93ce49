"""Public transparency pages (no login): the dashboard, its open data (CSV, JSON), the
data dictionary and the accountability log. docs/transparency.md, docs/open-data.md."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from wagtail.models import Site

from competencies.models import AgencySettings
from competencies.spreadsheets import csv_attachment
from lms.selectors.development_plan import PLAN_FIELDS, plan_public_figures
from lms.selectors.public import (
    COURSE_FIELDS,
    PROGRAMME_FIELDS,
    SMALL_CELL,
    SUPPRESSED,
    UNIT_FIELDS,
    certificate_revocations,
    course_publications,
    monthly_totals,
    public_figures,
    public_years,
)

BAR_HEIGHT = 26
LABEL_WIDTH = 260
CHART_WIDTH = 300


def _year(request: HttpRequest) -> int:
    years = public_years()
    try:
        year = int(request.GET.get("tahun", ""))
    except ValueError:
        return years[0]
    return year if year in years else years[0]


def _figures(request: HttpRequest, year: int) -> dict[str, Any]:
    site = Site.find_for_request(request)
    target = (
        AgencySettings.for_site(site).yearly_jp_target
        if site is not None
        else AgencySettings._meta.get_field("yearly_jp_target").get_default()
    )
    return public_figures(year=year, target=target)


def _chart(rows: list[dict[str, Any]], field: str, maximum: float) -> dict[str, Any]:
    """Bar geometry for an SVG chart (attributes only: the CSP allows no inline style)."""
    bars = []
    for i, row in enumerate(rows):
        value = row.get(field)
        width = 0 if value is None or not maximum else round(CHART_WIDTH * value / maximum, 1)
        bars.append(
            {
                "label": row["unit_name"],
                "value": value,
                "suppressed": field in row["suppressed"],
                "rect_y": i * BAR_HEIGHT + 4,
                "text_y": i * BAR_HEIGHT + 17,
                "width": width,
                "value_x": LABEL_WIDTH + width + 6,
            }
        )
    return {
        "bars": bars,
        "height": max(len(rows), 1) * BAR_HEIGHT + 4,
        "width": LABEL_WIDTH + CHART_WIDTH + 70,
        "label_width": LABEL_WIDTH,
        "bar_x": LABEL_WIDTH,
    }


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    figures = _figures(request, year)
    units = figures["units"]
    jp_max = max([r["jp_average"] or 0 for r in units] + [figures["jp_target"]])
    return render(
        request,
        "lms/public/dashboard.html",
        {
            "year": year,
            "years": public_years(),
            "figures": figures,
            # Cached as ISO text (JSON-ready); shown in the page language's date style.
            "generated_at": parse_datetime(figures["generated_at"]),
            "suppressed_label": SUPPRESSED,
            "small_cell": SMALL_CELL,
            "share_chart": _chart(units, "share_meeting_target_pct", 100),
            "jp_chart": _chart(units, "jp_average", jp_max),
            "plan": plan_public_figures(year=year),
        },
    )


def _cell(row: dict[str, Any], name: str) -> Any:
    if name in row.get("suppressed", []):
        return SUPPRESSED
    value = row.get(name)
    # Unit names and course titles are typed by people: `csv_attachment` guards them.
    return "" if value is None else value


def _open(response: HttpResponse) -> HttpResponse:
    # Open data: any site may fetch it.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_GET
def data_csv(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    figures = _figures(request, year)
    rows: list[list[Any]]
    if request.GET.get("tabel") == "kursus":
        rows = [["year", *COURSE_FIELDS]]
        rows += [[year, *(_cell(row, f) for f in COURSE_FIELDS)] for row in figures["courses"]]
        name = f"transparansi-evaluasi-{year}.csv"
    elif request.GET.get("tabel") == "rencana":
        plan = plan_public_figures(year=year) or {"items": [], "total": None}
        columns = [f.name for f in PLAN_FIELDS]
        rows = [["year", *columns]]
        rows += [[year, *(_cell(row, c) for c in columns)] for row in plan["items"]]
        if plan["total"] is not None:
            rows.append([year, *(_cell(plan["total"], c) for c in columns)])
        name = f"transparansi-rencana-{year}.csv"
    elif request.GET.get("tabel") == "klasikal":
        columns = [f.name for f in PROGRAMME_FIELDS]
        rows = [["year", *columns]]
        rows += [
            [year, *(_cell(row, c) for c in columns)] for row in figures["classroom_programmes"]
        ]
        name = f"transparansi-klasikal-{year}.csv"
    else:
        columns = [f.name for f in UNIT_FIELDS]
        rows = [["year", *columns]]
        rows += [[year, *(_cell(row, c) for c in columns)] for row in figures["units"]]
        total = {**figures["total"], "unit_code": "TOTAL", "unit_name": "Kota (total)"}
        rows.append([year, *(_cell(total, c) for c in columns)])
        name = f"transparansi-{year}.csv"
    return _open(csv_attachment(rows=rows, filename=name))


@require_GET
def data_json(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    figures = _figures(request, year)
    payload = {
        **figures,
        "development_plan": plan_public_figures(year=year),
        "data_dictionary": request.build_absolute_uri("/transparansi/kamus-data/"),
        "licence": "CC BY 4.0",
    }
    response = JsonResponse(payload, json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="transparansi-{year}.json"'
    return _open(response)


# What each open-data field means; the same text is in docs/open-data.md.
DICTIONARY: list[tuple[str, str, Any]] = [
    ("year", "integer", _("Calendar year of the figures (by the date of the training).")),
    ("unit_code", "text", _("Code of the regional agency (perangkat daerah).")),
    ("unit_name", "text", _("Name of the regional agency; each row counts its sub-units.")),
    ("employees", "integer", _("Active employees of the agency.")),
    (
        "employees_trained",
        "integer",
        _(
            "Active employees with at least one approved training record (any JP) ending in the year."
        ),
    ),
    (
        "jp_average",
        "decimal",
        _("Approved development hours (JP) per active employee in the year."),
    ),
    (
        "employees_meeting_target",
        "integer",
        _("Active employees whose approved JP in the year reach the yearly target."),
    ),
    (
        "share_meeting_target_pct",
        "decimal",
        _("employees_meeting_target as a percentage of employees."),
    ),
    (
        "courses_offered",
        "integer",
        _("Published courses offered by the agency, first published by the end of the year."),
    ),
    (
        "course_completions",
        "integer",
        _("Course completions in the year by the agency's employees."),
    ),
    (
        "certificates_issued",
        "integer",
        _("Certificates issued in the year to the agency's employees (revoked ones included)."),
    ),
    (
        "assignments",
        "integer",
        _("Course assignments of the agency's employees (withdrawn ones excluded), all years."),
    ),
    ("assignments_completed", "integer", _("Of those assignments, the completed ones.")),
    (
        "assignment_completion_pct",
        "decimal",
        _("assignments_completed as a percentage of assignments."),
    ),
    (
        "classroom_batches",
        "integer",
        _(
            "Classroom or blended batches that finished in the year, organised by the agency "
            "(programme table: of the course)."
        ),
    ),
    (
        "classroom_participants",
        "integer",
        _(
            "People who attended (present or late) at least one session of those batches, "
            "counted in the agency whose quota they used (programme table: of the course)."
        ),
    ),
    (
        "classroom_jp",
        "decimal",
        _("Development hours (JP) of the sessions those participants attended, added up."),
    ),
    ("course_title", "text", _("Course title (evaluation and classroom programme tables).")),
    ("item", "text", _("Development plan table: the plan item (activity); TOTAL on the last row.")),
    (
        "competency",
        "text",
        _("Development plan table: the competency the item develops (code and name)."),
    ),
    (
        "route, target_kind, funding",
        "text",
        _(
            "Development plan table: classical or non-classical route, the kind of target group (a unit, a position, named employees) and the funding source."
        ),
    ),
    (
        "target_size",
        "integer",
        _("Development plan table: active employees in the item's target group now."),
    ),
    (
        "planned_batches, planned_participants, planned_jp",
        "integer / decimal",
        _(
            "Development plan table: batches, participants and JP (all participants together) in the approved plan."
        ),
    ),
    (
        "planned_cost",
        "integer",
        _(
            "Development plan table: the approved budget of the item in rupiah (cost per participant × participants, or a lump sum)."
        ),
    ),
    (
        "batches_held",
        "integer",
        _("Development plan table: classroom batches linked to the item that have finished."),
    ),
    (
        "spent",
        "integer",
        _(
            "Development plan table: money spent on the item in rupiah, as entered by BKPSDM with its documents."
        ),
    ),
    (
        "participants",
        "integer",
        _(
            "Development plan table: employees who attended a linked batch or completed the item's e-learning course in the year."
        ),
    ),
    (
        "below_standard_at_plan, gaps_closed",
        "integer",
        _(
            "Development plan table: employees of the target group below the standard of the competency when the plan was approved, and how many of them meet it now."
        ),
    ),
    (
        "jp_delivered, cost_per_participant, cost_per_jp",
        "decimal / integer",
        _(
            "Development plan table: the JP delivered to those participants, and the money spent per participant and per JP delivered."
        ),
    ),
    ("evaluations", "integer", _("Course evaluations submitted in the year.")),
    (
        "content_rating, trainer_rating, usefulness_rating",
        "decimal",
        _("Average rating from 1 (poor) to 5 (very good) for content, trainer and usefulness."),
    ),
    ("overall_rating", "decimal", _("Mean of the three average ratings.")),
]


@require_GET
def data_dictionary(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lms/public/data_dictionary.html",
        {"fields": DICTIONARY, "small_cell": SMALL_CELL, "suppressed_label": SUPPRESSED},
    )


@require_GET
def accountability(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "lms/public/accountability.html",
        {
            "publications": course_publications(page_number=request.GET.get("p")),
            "revocations": certificate_revocations(page_number=request.GET.get("r")),
            "months": monthly_totals(page_number=request.GET.get("m")),
        },
    )
