from __future__ import annotations

import dataclasses
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from competencies.formats import jp_display
from competencies.forms import RateForm, TrainingRecordForm
from competencies.models import AgencySettings, Assessment, Competency, Employee, TrainingRecord
from competencies.pdf import TranscriptPDF, TranscriptYear, render_transcript
from competencies.selectors.gaps import (
    competency_gaps_for_employee,
    courses_closing_gaps,
    rating_guide,
)
from competencies.selectors.jp import (
    jp_target_for_employee,
    jp_years_for_employee,
)
from competencies.selectors.records import training_records_for_employee
from competencies.selectors.summaries import jp_for_employee_year
from competencies.services.assessments import assessment_create
from competencies.services.proofs import proof_held_discard, proof_held_file, proof_hold
from competencies.services.records import training_record_submit


def _own_employee(request: AuthenticatedRequest) -> Employee | None:
    return Employee.objects.select_related("position", "unit").filter(user=request.user).first()


@login_required
def competency_profile(request: AuthenticatedRequest) -> HttpResponse:
    employee = _own_employee(request)
    if employee is None:
        return render(request, "competencies/no_employee_record.html", status=200)
    gaps = competency_gaps_for_employee(employee=employee)
    courses = courses_closing_gaps(gaps=gaps)
    pending = Assessment.objects.filter(
        employee=employee, status=Assessment.Status.SUBMITTED
    ).select_related("competency")
    return render(
        request,
        "competencies/profile.html",
        {
            "employee": employee,
            "rows": [(gap, courses.get(gap.competency.pk, [])) for gap in gaps],
            "chart_axis_y": len(gaps) * 24 + 4,
            "chart_height": len(gaps) * 24 + 22,
            "pending": pending,
            "levels": range(1, 6),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request: AuthenticatedRequest) -> HttpResponse:
    employee = _own_employee(request)
    if employee is None:
        raise Http404
    form = RateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        assessment_create(
            actor=request.user,
            employee=employee,
            competency=form.cleaned_data["competency"],
            level=form.cleaned_data["level"],
            method=Assessment.Method.SELF,
            note=form.cleaned_data["note"],
            submit=True,
        )
        messages.success(
            request,
            _("Your self assessment was sent to HR. It counts once HR approves it."),
        )
        return redirect("competencies:profile")
    return render(
        request,
        "competencies/rate.html",
        {
            "form": form,
            "employee": employee,
            "self": True,
            "guide": rating_guide(employee=employee),
        },
    )


@login_required
def team(request: AuthenticatedRequest) -> HttpResponse:
    me = _own_employee(request)
    reports = (
        Employee.objects.filter(supervisor=me, is_active=True).select_related("position", "unit")
        if me
        else Employee.objects.none()
    )
    return render(request, "competencies/team.html", {"reports": reports, "me": me})


@login_required
@require_http_methods(["GET", "POST"])
def rate_employee(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A supervisor rates a direct report; HR approves the rating later."""
    employee = get_object_or_404(
        Employee.objects.select_related("position", "supervisor"),
        pk=pk,
        is_active=True,
        supervisor__user=request.user,
    )
    competencies = Competency.objects.filter(is_active=True)
    form = RateForm(request.POST or None, competencies=competencies)
    if request.method == "POST" and form.is_valid():
        try:
            assessment_create(
                actor=request.user,
                employee=employee,
                competency=form.cleaned_data["competency"],
                level=form.cleaned_data["level"],
                method=Assessment.Method.SUPERVISOR,
                note=form.cleaned_data["note"],
                submit=True,
            )
        except PermissionDenied as exc:
            raise Http404 from exc
        messages.success(
            request,
            _("Your rating of %(name)s was sent to HR for approval.") % {"name": employee},
        )
        return redirect("competencies:team")
    return render(
        request,
        "competencies/rate.html",
        {
            "form": form,
            "employee": employee,
            "self": False,
            "guide": rating_guide(employee=employee),
        },
    )


@login_required
def training_records(request: AuthenticatedRequest) -> HttpResponse:
    employee = _own_employee(request)
    if employee is None:
        return render(request, "competencies/no_employee_record.html")
    year = timezone.localdate().year
    settings_ = AgencySettings.for_request(request)
    # The JP table's row (what jp_total_for_employee computes, kept by the record
    # services): one indexed read instead of the yearly sum with its cap subquery.
    jp = jp_for_employee_year(employee=employee, year=year)
    rule = jp_target_for_employee(employee=employee, agency=settings_)  # PNS floor, PPPK cap
    return render(
        request,
        "competencies/records.html",
        {
            "records": training_records_for_employee(employee=employee),
            "year": year,
            "jp": jp,
            "target": rule.value,
            "target_is_cap": rule.is_cap,
            "percent": rule.percent(jp),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_record_add(request: AuthenticatedRequest) -> HttpResponse:
    employee = _own_employee(request)
    if employee is None:
        raise Http404
    form = TrainingRecordForm(request.POST or None, request.FILES or None, employee=employee)
    if request.method == "POST":
        if form.is_valid() and "compute" not in request.POST:
            data = dict(form.cleaned_data)
            data.pop("proof_held")
            data.pop("kind")
            if form.held is not None:
                data["proof"] = proof_held_file(held=form.held)
            training_record_submit(actor=request.user, employee=employee, **data)
            if form.held is not None:
                proof_held_discard(held=form.held)
            messages.success(request, _("Your training record was sent to HR for approval."))
            return redirect("competencies:records")
        upload = form.upload_to_hold()
        form.show_held(proof_hold(employee=employee, upload=upload) if upload else None)
    return render(
        request,
        "competencies/record_form.html",
        {"form": form, "computation": form.computation if form.is_bound else None},
    )


def _private_file(*, user: Any, employee: Any, file: Any, download_name: str) -> FileResponse:
    """A private file of an employee's (training-record proof, assessment evidence): the
    employee, their supervisor and HR in scope only, always a download (never shown
    inline), whatever the file holds."""
    if not file or not user.has_perm("competencies.view_employee_record", employee):
        raise Http404
    return FileResponse(
        file.open("rb"),
        as_attachment=True,
        filename=f"{download_name}{PurePath(file.name or '').suffix}",
    )


@login_required
def training_record_proof(request: AuthenticatedRequest, pk: int) -> FileResponse:
    record = get_object_or_404(
        TrainingRecord.objects.select_related("employee__unit", "employee__supervisor"), pk=pk
    )
    return _private_file(
        user=request.user,
        employee=record.employee,
        file=record.proof,
        download_name=f"bukti-{record.pk}",
    )


@login_required
def assessment_evidence(request: AuthenticatedRequest, pk: int) -> FileResponse:
    assessment = get_object_or_404(
        Assessment.objects.select_related("employee__unit", "employee__supervisor"), pk=pk
    )
    return _private_file(
        user=request.user,
        employee=assessment.employee,
        file=assessment.evidence,
        download_name=f"bukti-penilaian-{assessment.pk}",
    )


def _transcript_employee(request: AuthenticatedRequest, pk: int | None) -> Employee:
    """Their own transcript, or (with pk) one the viewer may see: the employee, their
    supervisor, HR managers in scope and administrators (competencies.view_transcript);
    404 for anyone else."""
    employees = Employee.objects.select_related("unit", "supervisor", "user")
    employee = (
        employees.filter(user=request.user).first()
        if pk is None
        else employees.filter(pk=pk).first()
    )
    if employee is None or not request.user.has_perm("competencies.view_transcript", employee):
        raise Http404
    return employee


@login_required
def transcript(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """The transcript: every approved training record (portal courses and external),
    JP per year against the yearly target."""
    if pk is None and _own_employee(request) is None:
        return render(request, "competencies/no_employee_record.html")
    employee = _transcript_employee(request, pk)
    rule = jp_target_for_employee(employee=employee, agency=AgencySettings.for_request(request))
    target = rule.value  # PNS floor or PPPK cap
    return render(
        request,
        "competencies/transcript.html",
        {
            "employee": employee,
            "years": jp_years_for_employee(employee=employee, rule=rule),
            "target": target,
            "pdf_url": reverse("competencies:transcript_pdf")
            if pk is None
            else reverse("competencies:transcript_pdf_for", args=[employee.pk]),
        },
    )


@login_required
def transcript_pdf(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    # Same answer as the HTML transcript for a user without an employee record.
    if pk is None and _own_employee(request) is None:
        return render(request, "competencies/no_employee_record.html")
    employee = _transcript_employee(request, pk)
    rule = jp_target_for_employee(employee=employee, agency=AgencySettings.for_request(request))
    target = rule.value  # PNS floor or PPPK cap, as on the HTML transcript
    years = jp_years_for_employee(employee=employee, rule=rule)
    data = TranscriptPDF(
        title=_("Training transcript"),
        employee=employee.display_name,
        nip=employee.user.nip or "" if employee.user_id else "",
        unit=str(employee.unit or ""),
        printed_on=date_format(timezone.localdate(), "j F Y"),
        years=tuple(
            TranscriptYear(
                year=y.year,
                jp=jp_display(y.jp),
                target=target,
                cap=rule.is_cap,
                rows=tuple(
                    (
                        r.title,
                        str(r.get_development_type_display()),
                        r.organiser,
                        f"{date_format(r.started_on, 'd-m-Y')} – {date_format(r.finished_on, 'd-m-Y')}",
                        jp_display(r.jp),
                        r.certificate_number or "—",
                    )
                    for r in y.records
                ),
            )
            for y in years
        ),
    )
    response = HttpResponse(_transcript_signed(data, request), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transkrip-{employee.pk}.pdf"'
    return response


def _transcript_signed(data: TranscriptPDF, request: AuthenticatedRequest) -> bytes:
    """The transcript with the agency's electronic signature when a signer signs
    automatically (settings.COMPETENCIES_PDF_SIGNER, lms.signing.sign_document): the
    visible block is drawn last and the signature field placed over it. Unsigned (and
    without the block) when signing is off or fails."""
    sign = (
        import_string(settings.COMPETENCIES_PDF_SIGNER)
        if settings.COMPETENCIES_PDF_SIGNER
        else None
    )
    if sign is None or not getattr(sign, "available", lambda: False)():
        return render_transcript(data)
    agency = AgencySettings.for_request(request)
    lines = tuple(
        line
        for line in (
            _("Signed electronically"),
            date_format(timezone.localdate(), "j F Y"),
            agency.signer_title,
            agency.signer_name,
            f"NIP {agency.signer_nip}" if agency.signer_nip else "",
        )
        if line
    )
    anchor: dict = {}
    pdf = render_transcript(dataclasses.replace(data, signature_lines=lines), anchor=anchor)
    signed = sign(
        pdf,
        box=anchor.get("box"),
        page=anchor.get("page", 0),
        reason=str(data.title),
        signer_name=agency.signer_name,
        location=agency.city,
    )
    return signed if signed is not None else render_transcript(data)
