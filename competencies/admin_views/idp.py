"""HR's view of individual development plans (docs/idp.md): per OPD in the HR manager's
scope, how many employees have a draft, proposed or agreed plan for a year."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone

from accounts.rules import require_hr
from competencies.selectors.idp import idp_agreement_rates


def idp_agreement_report(request: HttpRequest) -> HttpResponse:
    require_hr(request.user)
    this_year = timezone.localdate().year
    years = list(range(this_year + 1, this_year - 4, -1))
    try:
        year = int(request.GET.get("year", this_year))
    except ValueError:
        year = this_year
    if year not in years:
        year = this_year
    rows = idp_agreement_rates(user=request.user, year=year)
    total_employees = sum(r.employees for r in rows)
    total_agreed = sum(r.agreed for r in rows)
    return TemplateResponse(
        request,
        "competencies/admin/idp_agreement_report.html",
        {
            "rows": rows,
            "year": year,
            "years": years,
            "total_employees": total_employees,
            "total_agreed": total_agreed,
            "total_percent": round(100 * total_agreed / total_employees) if total_employees else 0,
        },
    )


def idp_admin_urls() -> list[Any]:
    return [
        path("kompetensi/idp/", idp_agreement_report, name="competencies_idp_agreement_report"),
    ]
