"""HR import and export screens in the Wagtail admin.

Upload → the file is kept in the database (`PendingImport`, a random token, owned by the
uploader, at most a day) and a dry run is shown (counts and every row error) → "Import
now" claims the stored file (a conditional delete, so a double click imports once, on
any web machine) and runs the real import. Only the person who uploaded a file can
preview or import it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.rules import require_hr
from competencies.imports import checks
from competencies.imports.columns import COLUMNS, EMPLOYEES, FORMATS, KINDS, POSITIONS, UNITS
from competencies.imports.exports import (
    employees_export,
    import_template,
    positions_export,
    units_export,
)
from competencies.imports.importers import IMPORTERS
from competencies.imports.pending import (
    pending_import_claim,
    pending_import_get,
    pending_import_store,
)
from competencies.imports.reading import ImportFileError, check_file, file_format_for
from competencies.imports.report import ImportReport, import_report_from_json
from competencies.models import PendingImport, Position
from competencies.selectors.hr_scope import employee_list_for_hr, hr_scope_unit, orgunit_list_for_hr
from competencies.spreadsheets import spreadsheet_attachment

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

MAX_UPLOAD_SIZE = 10 * 1024 * 1024
ERRORS_PER_PAGE = 100
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")

KIND_LABELS: dict[str, Any] = {
    UNITS: gettext_lazy("Organisation units"),
    POSITIONS: gettext_lazy("Positions and competency standards"),
    EMPLOYEES: gettext_lazy("Employees"),
}


class ImportUploadForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("What the file contains"), choices=list(KIND_LABELS.items())
    )
    file = forms.FileField(
        label=gettext_lazy("File"),
        help_text=gettext_lazy("CSV (UTF-8) or Excel (.xlsx), at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_SIZE:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        data = upload.read()
        try:
            check_file(data=data, filename=upload.name)
        except ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.content = data
        return upload


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    kinds = [
        {
            "key": kind,
            "label": KIND_LABELS[kind],
            "columns": COLUMNS[kind],
        }
        for kind in KINDS
    ]
    return {"kinds": kinds, "formats": FORMATS, **extra}


@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    require_hr(request.user)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        pending = pending_import_store(
            user=cast("User", request.user),
            kind=form.cleaned_data["kind"],
            file_format=file_format_for(filename=form.cleaned_data["file"].name),
            name=Path(form.cleaned_data["file"].name).name,
            data=form.content,
            language=translation.get_language() or "",
        )
        if checks.pending_import_in_background(pending=pending):
            checks.pending_import_check_queue(pending=pending)
        token = pending.token
        return redirect(f"{reverse('competencies_imports:preview')}?token={token}")
    return TemplateResponse(
        request, "competencies/admin/import_index.html", _context(request, form=form)
    )


def _report_context(request: HttpRequest, report: ImportReport) -> dict[str, Any]:
    paginator = Paginator(report.errors, ERRORS_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    return {
        "report": report,
        "errors_page": page,
        "elided_page_range": paginator.get_elided_page_range(page.number),
    }


def import_preview(request: HttpRequest) -> HttpResponse:
    """The dry run of a stored upload (re-run for each page of errors)."""
    actor = cast("User", request.user)
    require_hr(actor)
    token = request.GET.get("token", "")
    pending = pending_import_get(user=actor, token=token) if _TOKEN.match(token) else None
    if pending is None:
        messages.error(request, _("This upload has expired or was already imported."))
        return redirect("competencies_imports:index")
    Check = PendingImport.Check
    if pending.check_status == Check.INLINE:
        report = IMPORTERS[pending.kind](
            data=bytes(pending.data), filename=pending.name, actor=actor, dry_run=True
        )
    elif pending.check_status == Check.DONE and pending.check_report:
        report = import_report_from_json(data=pending.check_report)
    elif pending.check_status == Check.FAILED:
        messages.error(
            request,
            _("The check of %(filename)s failed; nothing was imported. Upload it again.")
            % {"filename": pending.name},
        )
        return redirect("competencies_imports:index")
    else:
        checks.pending_import_check_requeue_if_stale(pending=pending)
        return TemplateResponse(
            request,
            "competencies/admin/import_check_progress.html",
            {
                "progress": pending.check_progress,
                "running": pending.check_status == Check.RUNNING,
                "kind_label": KIND_LABELS[pending.kind],
                "filename": pending.name,
            },
        )
    return TemplateResponse(
        request,
        "competencies/admin/import_preview.html",
        {
            **_report_context(request, report),
            "token": token,
            "kind_label": KIND_LABELS[pending.kind],
            "filename": pending.name,
        },
    )


@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    actor = cast("User", request.user)
    require_hr(actor)
    token = request.POST.get("token", "")
    pending = pending_import_claim(user=actor, token=token) if _TOKEN.match(token) else None
    if pending is None:
        messages.error(request, _("This upload has expired or was already imported."))
        return redirect("competencies_imports:index")
    report = IMPORTERS[pending.kind](
        data=bytes(pending.data), filename=pending.name, actor=actor, dry_run=False
    )
    if not report.ok:
        messages.error(request, _("Nothing was imported: the file is no longer valid."))
        return TemplateResponse(
            request,
            "competencies/admin/import_preview.html",
            {
                **_report_context(request, report),
                "token": "",
                "kind_label": KIND_LABELS[pending.kind],
                "filename": pending.name,
            },
        )
    messages.success(
        request,
        _("Imported %(filename)s: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
        % {
            "filename": pending.name,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
    return redirect("competencies_imports:index")


def _check_kind_and_format(kind: str, file_format: str) -> None:
    if kind not in KINDS or file_format not in FORMATS:
        raise Http404


def import_template_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    require_hr(request.user)
    _check_kind_and_format(kind, file_format)
    data = import_template(kind=kind, file_format=file_format)  # type: ignore[arg-type]
    return spreadsheet_attachment(
        data=data, file_format=file_format, filename=f"template-{kind}.{file_format}"
    )


def export_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """Exports what the HR manager may see: a unit-scoped manager gets their subtree."""
    require_hr(request.user)
    _check_kind_and_format(kind, file_format)
    if kind == EMPLOYEES:
        data = employees_export(
            queryset=employee_list_for_hr(user=request.user),
            file_format=file_format,  # type: ignore[arg-type]
        )
    elif kind == UNITS:
        data = units_export(
            queryset=orgunit_list_for_hr(user=request.user),
            file_format=file_format,  # type: ignore[arg-type]
        )
    else:
        positions = Position.objects.all()
        scope = hr_scope_unit(user=request.user)
        if scope is not None:
            positions = positions.filter(unit__path__startswith=scope.path)
        data = positions_export(queryset=positions, file_format=file_format)  # type: ignore[arg-type]
    stamp = timezone.localdate().isoformat()
    return spreadsheet_attachment(
        data=data, file_format=file_format, filename=f"{kind}-{stamp}.{file_format}"
    )
