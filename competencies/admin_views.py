"""HR import and export screens in the Wagtail admin.

Upload → the file is kept under MEDIA_ROOT/imports/ with a random name and a dry run is
shown (counts and every row error) → "Import now" claims the stored file (an atomic
rename, so a double click imports once) and runs the real import. The stored file is
only reachable from the session that uploaded it."""

from __future__ import annotations

import os
import re
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.roles import Role, has_role
from competencies.models import Position
from competencies.selectors import employee_list_for_hr, hr_scope_unit, orgunit_list_for_hr
from competencies.services import imports

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User

MAX_UPLOAD_SIZE = 10 * 1024 * 1024
ERRORS_PER_PAGE = 100
SESSION_KEY = "competencies_imports"
STALE_AFTER = 24 * 60 * 60
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")

KIND_LABELS: dict[str, Any] = {
    imports.UNITS: gettext_lazy("Organisation units"),
    imports.POSITIONS: gettext_lazy("Positions and competency standards"),
    imports.EMPLOYEES: gettext_lazy("Employees"),
}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _require_hr(request: HttpRequest) -> User:
    """The signed-in HR manager or administrator; anyone else is refused."""
    if not has_role(request.user, Role.PENGELOLA_SDM, Role.ADMINISTRATOR):
        raise PermissionDenied
    return cast("User", request.user)


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
            imports.check_file(data=data, filename=upload.name)
        except imports.ImportFileError as exc:
            raise forms.ValidationError(str(exc)) from exc
        self.content = data
        return upload


def _import_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def _remove_stale_files(directory: Path) -> None:
    """Previews that were never imported are removed after a day."""
    cutoff = time.time() - STALE_AFTER
    for path in directory.iterdir():
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            continue


def _pending(request: HttpRequest, token: str) -> dict[str, str] | None:
    if not _TOKEN.match(token or ""):
        return None
    return request.session.get(SESSION_KEY, {}).get(token)


def _forget(request: HttpRequest, token: str) -> None:
    pending = request.session.get(SESSION_KEY, {})
    if pending.pop(token, None) is not None:
        request.session[SESSION_KEY] = pending


def _stored_path(token: str, pending: dict[str, str]) -> Path:
    return _import_dir() / f"{token}.{pending['format']}"


def _context(request: HttpRequest, **extra: Any) -> dict[str, Any]:
    kinds = [
        {
            "key": kind,
            "label": KIND_LABELS[kind],
            "columns": imports.COLUMNS[kind],
        }
        for kind in imports.KINDS
    ]
    return {"kinds": kinds, "formats": imports.FORMATS, **extra}


@require_http_methods(["GET", "POST"])
def import_index(request: HttpRequest) -> HttpResponse:
    _require_hr(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        directory = _import_dir()
        directory.mkdir(parents=True, exist_ok=True)
        _remove_stale_files(directory)
        token = secrets.token_urlsafe(24)
        file_format = imports.file_format_for(form.cleaned_data["file"].name)
        (directory / f"{token}.{file_format}").write_bytes(form.content)
        pending = {
            key: value
            for key, value in request.session.get(SESSION_KEY, {}).items()
            if (directory / f"{key}.{value['format']}").exists()
        }
        pending[token] = {
            "kind": form.cleaned_data["kind"],
            "name": Path(form.cleaned_data["file"].name).name[:200],
            "format": file_format,
        }
        request.session[SESSION_KEY] = pending
        return redirect(f"{reverse('competencies_imports:preview')}?token={token}")
    return TemplateResponse(
        request, "competencies/admin/import_index.html", _context(request, form=form)
    )


def _report_context(request: HttpRequest, report: imports.ImportReport) -> dict[str, Any]:
    paginator = Paginator(report.errors, ERRORS_PER_PAGE)
    page = paginator.get_page(request.GET.get("p"))
    return {
        "report": report,
        "errors_page": page,
        "elided_page_range": paginator.get_elided_page_range(page.number),
    }


def import_preview(request: HttpRequest) -> HttpResponse:
    """The dry run of a stored upload (re-run for each page of errors)."""
    actor = _require_hr(request)
    token = request.GET.get("token", "")
    pending = _pending(request, token)
    path = _stored_path(token, pending) if pending else None
    if pending is None or path is None or not path.exists():
        messages.error(request, _("This upload has expired or was already imported."))
        return redirect("competencies_imports:index")
    report = imports.IMPORTERS[pending["kind"]](
        data=path.read_bytes(), filename=pending["name"], actor=actor, dry_run=True
    )
    return TemplateResponse(
        request,
        "competencies/admin/import_preview.html",
        {
            **_report_context(request, report),
            "token": token,
            "kind_label": KIND_LABELS[pending["kind"]],
            "filename": pending["name"],
        },
    )


@require_POST
def import_commit(request: HttpRequest) -> HttpResponse:
    actor = _require_hr(request)
    token = request.POST.get("token", "")
    pending = _pending(request, token)
    if pending is None:
        messages.error(request, _("This upload has expired or was already imported."))
        return redirect("competencies_imports:index")
    path = _stored_path(token, pending)
    claimed = path.with_name(f"{path.name}.{secrets.token_hex(8)}.claimed")
    try:
        # Only one request can rename the file: a second click finds it gone.
        os.rename(path, claimed)
    except FileNotFoundError:
        _forget(request, token)
        messages.error(request, _("This upload has expired or was already imported."))
        return redirect("competencies_imports:index")
    try:
        data = claimed.read_bytes()
    finally:
        claimed.unlink(missing_ok=True)
        _forget(request, token)
    report = imports.IMPORTERS[pending["kind"]](
        data=data, filename=pending["name"], actor=actor, dry_run=False
    )
    if not report.ok:
        messages.error(request, _("Nothing was imported: the file is no longer valid."))
        return TemplateResponse(
            request,
            "competencies/admin/import_preview.html",
            {
                **_report_context(request, report),
                "token": "",
                "kind_label": KIND_LABELS[pending["kind"]],
                "filename": pending["name"],
            },
        )
    messages.success(
        request,
        _("Imported %(filename)s: %(created)d new, %(updated)d changed, %(unchanged)d unchanged.")
        % {
            "filename": pending["name"],
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        },
    )
    return redirect("competencies_imports:index")


def _check_kind_and_format(kind: str, file_format: str) -> None:
    if kind not in imports.KINDS or file_format not in imports.FORMATS:
        raise Http404


def _attachment(data: bytes, file_format: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def import_template_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    _require_hr(request)
    _check_kind_and_format(kind, file_format)
    data = imports.import_template(kind, file_format)  # type: ignore[arg-type]
    return _attachment(data, file_format, f"template-{kind}.{file_format}")


def export_download(request: HttpRequest, kind: str, file_format: str) -> HttpResponse:
    """Exports what the HR manager may see: a unit-scoped manager gets their subtree."""
    _require_hr(request)
    _check_kind_and_format(kind, file_format)
    if kind == imports.EMPLOYEES:
        data = imports.employees_export(
            queryset=employee_list_for_hr(request.user),
            file_format=file_format,  # type: ignore[arg-type]
        )
    elif kind == imports.UNITS:
        data = imports.units_export(
            queryset=orgunit_list_for_hr(request.user),
            file_format=file_format,  # type: ignore[arg-type]
        )
    else:
        positions = Position.objects.all()
        scope = hr_scope_unit(request.user)
        if scope is not None:
            positions = positions.filter(unit__path__startswith=scope.path)
        data = imports.positions_export(queryset=positions, file_format=file_format)  # type: ignore[arg-type]
    stamp = timezone.localdate().isoformat()
    return _attachment(data, file_format, f"{kind}-{stamp}.{file_format}")
