"""Classroom training on the portal (docs/classroom.md): the learner's batches, sessions,
calling letter and calendar; the supervisor's nominations; the committee's today page,
phone list, QR screen and printable attendance list; the participant's QR check-in."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

import segno
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from config.links import portal_url
from lms.classroom_pdf import render_attendance_sheet, render_calling_letter
from lms.models import Attendance, Batch, Nomination
from lms.selectors.classroom import (
    attendance_sheet_data,
    batch_list_open_for_nomination,
    calling_letter_data,
    nomination_get_for_participant,
    nomination_list_for_supervisor,
    nomination_list_for_user,
    session_attendance_board,
    session_attendance_summary,
    session_get_for_check_in,
    session_get_for_committee,
    session_list_today_for_committee,
    session_list_upcoming_for_user,
)
from lms.services.classroom_attendance import (
    attendance_check_in,
    attendance_check_in_code,
    attendance_check_in_personal,
    attendance_mark,
    checkin_code_make,
    checkin_token_make,
    checkin_window,
    personal_token_make,
    personal_token_read,
    session_is_virtual,
)
from lms.services.classroom_calendar import batch_calendar_ics
from lms.services.classroom_nominations import (
    nomination_apply,
    nomination_create,
    nomination_endorse,
    nomination_withdraw,
)

# The QR screen reloads this often; a token lives two 30-second slots, so a code on the
# screen is always valid for at least 20 more seconds.
QR_REFRESH_SECONDS = 10


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # noqa: S101  # login_required ran
    return user


def _error(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


# --- learner ------------------------------------------------------------------------------


@login_required
def my_classroom(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    nominations = list(nomination_list_for_user(user=user))
    mine = {n.batch_id for n in nominations}
    attendance = {
        a.session_id: a
        for a in Attendance.objects.filter(nomination__in=nominations).only("session_id", "status")
    }
    sessions = [(s, attendance.get(s.pk)) for s in session_list_upcoming_for_user(user=user)[:50]]
    open_batches = [b for b in batch_list_open_for_nomination() if b.pk not in mine]
    return render(
        request,
        "lms/classroom/my.html",
        {
            "nominations": nominations,
            "sessions": sessions,
            "open_batches": open_batches if hasattr(user, "employee") else [],
        },
    )


@login_required
@require_POST
def apply(request: HttpRequest, pk: int) -> HttpResponse:
    batch = get_object_or_404(Batch, pk=pk)
    try:
        nomination_apply(batch=batch, user=_user(request), reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your application was sent to your supervisor."))
    return redirect("classroom:my")


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(Nomination.objects.select_related("employee__supervisor"), pk=pk)
    try:
        nomination_withdraw(
            nomination=nomination, actor=_user(request), reason=request.POST.get("reason", "")
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The nomination was withdrawn."))
    return redirect("classroom:team" if request.POST.get("next") == "team" else "classroom:my")


@login_required
def calling_letter(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_get_for_participant(user=request.user, batch_id=pk)
    pdf = render_calling_letter(calling_letter_data(nomination=nomination))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="surat-panggilan-{pk}.pdf"'
    return response


@login_required
def calendar_ics(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_get_for_participant(user=request.user, batch_id=pk)
    ics = batch_calendar_ics(batch=nomination.batch, detail_path=reverse("classroom:my"))
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="angkatan-{pk}.ics"'
    return response


@never_cache
@login_required
def check_in(request: HttpRequest, session_id: int) -> HttpResponse:
    """GET: the confirm page the QR code opens; POST: the check-in. Nothing is recorded
    on GET, so a link preview or a prefetch cannot check anyone in."""
    session = session_get_for_check_in(pk=session_id)
    token = request.POST.get("t") or request.GET.get("t") or ""
    result = None
    error = None
    if request.method == "POST":
        try:
            result = attendance_check_in(session=session, user=_user(request), token=token)
        except ValidationError as exc:
            error = " ".join(exc.messages)
    return render(
        request,
        "lms/classroom/check_in.html",
        {"session": session, "token": token, "result": result, "error": error},
        status=400 if error else 200,
    )


def _code_rate(group: str, request: HttpRequest) -> str:
    return settings.CLASSROOM_CODE_RATE


CODE_RATE_GROUP = "lms.classroom.code"


@never_cache
@login_required
@ratelimit(group=CODE_RATE_GROUP, key="user", rate=_code_rate, method="POST", block=False)
def check_in_code(request: HttpRequest, session_id: int) -> HttpResponse:
    """A virtual session: the participant enters the code the host shows. Attempts are
    rate-limited per person, so six digits cannot be guessed."""
    session = session_get_for_check_in(pk=session_id)
    result = None
    error: str | None = None
    status = 200
    if request.method == "POST":
        if getattr(request, "limited", False):
            error = str(_("Too many attempts. Wait a minute and enter the code again."))
            status = 429
        else:
            try:
                result = attendance_check_in_code(
                    session=session, user=_user(request), code=request.POST.get("code", "")
                )
            except ValidationError as exc:
                error = " ".join(exc.messages)
                status = 400
    response = render(
        request,
        "lms/classroom/check_in_code.html",
        {"session": session, "result": result, "error": error},
        status=status,
    )
    if status == 429:
        response["Retry-After"] = "60"
    return response


@never_cache
@login_required
def my_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The participant's personal QR for the batch, for the committee to scan; it rotates
    like the room's code (the page reloads itself)."""
    nomination = nomination_get_for_participant(user=request.user, batch_id=pk)
    token = personal_token_make(nomination=nomination)
    url = portal_url(reverse("classroom:scan")) + f"?t={token}"
    svg = segno.make(url, error="m").svg_inline(
        scale=8, border=2, dark="#000", light="#fff", omitsize=True
    )
    return render(
        request,
        "lms/classroom/my_qr.html",
        {"nomination": nomination, "svg": svg, "refresh": QR_REFRESH_SECONDS},
    )


# --- supervisor ---------------------------------------------------------------------------


class NominateForm(forms.Form):
    batch = forms.ModelChoiceField(label=_("Batch"), queryset=Batch.objects.none())
    employee = forms.ModelChoiceField(label=_("Employee"), queryset=User.objects.none())
    reason = forms.CharField(label=_("Why this person"), required=False, max_length=1000)

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        from competencies.models import Employee

        self.fields["batch"].queryset = batch_list_open_for_nomination()  # type: ignore[attr-defined]
        self.fields["employee"].queryset = Employee.objects.filter(  # type: ignore[attr-defined]
            supervisor__user=user, is_active=True
        ).order_by("full_name")


@login_required
def team(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NominateForm(user=user)
    return render(
        request,
        "lms/classroom/team.html",
        {"nominations": nomination_list_for_supervisor(user=user)[:200], "form": form},
    )


@login_required
@require_POST
def nominate(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = NominateForm(request.POST, user=user)
    if not form.is_valid():
        for message in form.errors.values():
            messages.error(request, " ".join(str(m) for m in message))
        return redirect("classroom:team")
    try:
        nomination_create(
            batch=form.cleaned_data["batch"],
            employee=form.cleaned_data["employee"],
            actor=user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("The nomination was sent to HR."))
    return redirect("classroom:team")


@login_required
@require_POST
def endorse(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(
        Nomination.objects.select_related("employee__supervisor", "batch"), pk=pk
    )
    try:
        nomination_endorse(
            nomination=nomination,
            actor=_user(request),
            approve=request.POST.get("decision") == "approve",
            reason=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
    else:
        messages.success(request, _("Your answer was saved."))
    return redirect("classroom:team")


# --- committee ----------------------------------------------------------------------------


@login_required
def committee(request: HttpRequest) -> HttpResponse:
    sessions = session_list_today_for_committee(user=request.user)
    return render(request, "lms/classroom/committee.html", {"sessions": sessions})


@never_cache
@login_required
def session_board(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee's live attendance list of a session (tick names on a phone)."""
    session = session_get_for_committee(user=request.user, pk=pk)
    return render(
        request,
        "lms/classroom/board.html",
        {
            "session": session,
            "rows": session_attendance_board(session=session),
            "summary": session_attendance_summary(session=session),
            "statuses": Attendance.Status.choices,
        },
    )


@login_required
@require_POST
def mark(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_committee(user=request.user, pk=pk)
    nomination = Nomination.objects.filter(
        pk=request.POST.get("nomination") or 0, batch_id=session.batch_id
    ).first()
    if nomination is None:
        raise Http404
    try:
        attendance_mark(
            session=session,
            nomination=nomination,
            actor=_user(request),
            status=request.POST.get("status", ""),
        )
    except ValidationError as exc:
        _error(request, exc)
    return redirect(reverse("classroom:session_board", args=[pk]) + f"#p{nomination.pk}")


@never_cache
@login_required
def qr_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The full-screen rotating QR code for the room; the page reloads itself."""
    session = session_get_for_committee(user=request.user, pk=pk)
    token = checkin_token_make(session=session)
    url = portal_url(reverse("classroom:check_in", args=[session.pk])) + f"?t={token}"
    svg = segno.make(url, error="m").svg_inline(
        scale=10, border=2, dark="#000", light="#fff", omitsize=True
    )
    opens, closes = checkin_window(session=session)
    return render(
        request,
        "lms/classroom/qr.html",
        {
            "session": session,
            "svg": svg,
            "refresh": QR_REFRESH_SECONDS,
            "is_open": opens <= timezone.now() <= closes,
            "present": sum(
                n
                for s, n in session_attendance_summary(session=session).items()
                if s in Attendance.PRESENT
            ),
        },
    )


@never_cache
@login_required
def scan(request: HttpRequest) -> HttpResponse:
    """The committee's phone opens a participant's personal QR: GET shows who and which
    session, POST records them present. Only the batch's committee (or HR in scope)."""
    token = request.POST.get("t") or request.GET.get("t") or ""
    scan_result = None
    result = None
    error = None
    try:
        if request.method == "POST":
            result = attendance_check_in_personal(token=token, actor=_user(request))
        else:
            scan_result = personal_token_read(token=token, actor=_user(request))
    except ValidationError as exc:
        error = " ".join(exc.messages)
    return render(
        request,
        "lms/classroom/scan.html",
        {"token": token, "scan": scan_result, "result": result, "error": error},
        status=400 if error else 200,
    )


@never_cache
@login_required
def code_screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The host of a virtual session shows this code to the participants."""
    session = session_get_for_committee(user=request.user, pk=pk)
    if not session_is_virtual(session):
        raise Http404
    opens, closes = checkin_window(session=session)
    return render(
        request,
        "lms/classroom/code.html",
        {
            "session": session,
            "code": checkin_code_make(session=session),
            "refresh": QR_REFRESH_SECONDS * 3,
            "is_open": opens <= timezone.now() <= closes,
            "minutes": settings.CLASSROOM_CODE_SLOT_SECONDS // 60,
        },
    )


@login_required
def attendance_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_committee(user=request.user, pk=pk)
    pdf = render_attendance_sheet(attendance_sheet_data(session=session))
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="daftar-hadir-{pk}.pdf"'
    return response
