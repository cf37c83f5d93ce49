"""Individual development plans on the portal, under /learning/idp/ (docs/idp.md): an
employee's plans, one plan with its goals, activities, agreement and reviews, coaching
sessions and their confirmation. The plan lives in competencies; the views live here
because an activity names lms courses and classroom batches.

Who may open what is decided by competencies.selectors.idp (the employee, their
supervisor chain, HR in scope); others get 404, as for any record they may not see.
The small forms live here: they only serve these views."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.submit_once import submit_duplicate_redirect, submit_token_claim
from competencies.models import CoachingSession, Employee, Idp, IdpActivity, IdpGoal, IdpReview
from competencies.selectors.idp import (
    IdpRole,
    coaching_for_coach,
    coaching_notes_visible,
    coaching_sessions_for_idp,
    coaching_sessions_to_confirm,
    idp_evidence,
    idp_get_for_user,
    idp_list_for_employee,
    idp_roles,
)
from competencies.services import idp as services
from lms.selectors.idp import idp_batch_options, idp_course_options

if TYPE_CHECKING:
    from accounts.models import User


def _user(request: HttpRequest) -> User:
    return cast("User", request.user)


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


def _employee_for(request: HttpRequest, employee_id: int) -> tuple[Employee, set[IdpRole]]:
    employee = get_object_or_404(
        Employee.objects.select_related("user", "unit", "position"), pk=employee_id
    )
    roles = idp_roles(user=_user(request), employee=employee)
    if not roles:
        raise Http404
    return employee, roles


# FORMS ------------------------------------------------------------------------------------


class GoalForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Goal"), max_length=255)


class ActivityForm(forms.Form):
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=IdpActivity.Kind.choices)
    description = forms.CharField(label=gettext_lazy("Description"), max_length=255, required=False)
    # Plain numbers shown as lists: an id the list no longer holds (a course deleted
    # while the form was open) reaches the service, which says so clearly.
    course = forms.IntegerField(
        label=gettext_lazy("Course in the catalogue"), required=False, widget=forms.Select
    )
    batch = forms.IntegerField(
        label=gettext_lazy("Classroom batch"), required=False, widget=forms.Select
    )
    coach = forms.TypedChoiceField(
        label=gettext_lazy("Coach or mentor"), coerce=int, required=False, empty_value=None
    )
    coach_name = forms.CharField(
        label=gettext_lazy("Coach or mentor (from outside)"), max_length=200, required=False
    )
    target_date = forms.DateField(
        label=gettext_lazy("Target date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    expected_jp = forms.DecimalField(
        label=gettext_lazy("Expected JP"), min_value=0, max_digits=5, decimal_places=1
    )

    def __init__(self, *args: object, idp: Idp, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        blank = [("", "—")]
        self.fields["course"].widget.choices = blank + [
            (c.pk, c.title) for c in idp_course_options()
        ]
        self.fields["batch"].widget.choices = blank + [
            (b.pk, f"{b} ({b.starts_on:%d-%m-%Y})") for b in idp_batch_options(year=idp.year)
        ]
        colleagues = Employee.objects.filter(is_active=True, unit_id=idp.employee.unit_id).exclude(
            pk=idp.employee_id
        )
        if idp.employee.supervisor_id:
            colleagues = colleagues | Employee.objects.filter(pk=idp.employee.supervisor_id)
        coach = cast("forms.TypedChoiceField", self.fields["coach"])
        coach.choices = blank + [
            (e.pk, e.display_name) for e in colleagues.order_by("full_name")[:200]
        ]


class SessionForm(forms.Form):
    date = forms.DateField(
        label=gettext_lazy("Date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    topic = forms.CharField(label=gettext_lazy("Topic"), max_length=255)
    notes = forms.CharField(
        label=gettext_lazy("Notes (only you and the coach see them)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
    )


class ReviewForm(forms.Form):
    summary = forms.CharField(
        label=gettext_lazy("What was done"),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        required=False,
    )


# PAGES ------------------------------------------------------------------------------------


@login_required
def my_idp(request: HttpRequest) -> HttpResponse:
    """The signed-in employee's plans, and the sessions they are asked to confirm."""
    me = Employee.objects.filter(user=_user(request), is_active=True).first()
    if me is None:
        return render(request, "lms/idp/list.html", {"employee": None})
    return _plans_page(request, me, {IdpRole.EMPLOYEE})


@login_required
def employee_idps(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee, roles = _employee_for(request, employee_id)
    return _plans_page(request, employee, roles)


def _plans_page(request: HttpRequest, employee: Employee, roles: set[IdpRole]) -> HttpResponse:
    year = timezone.localdate().year
    plans = list(idp_list_for_employee(employee=employee))
    to_confirm = (
        list(coaching_sessions_to_confirm(supervisor=employee))
        if employee.user_id == request.user.pk
        else []
    )
    coached_activities, coached_sessions = (
        coaching_for_coach(coach=employee) if employee.user_id == request.user.pk else ([], [])
    )
    return render(
        request,
        "lms/idp/list.html",
        {
            "employee": employee,
            "plans": plans,
            "years": [y for y in (year, year + 1) if y not in {p.year for p in plans}],
            "own": IdpRole.EMPLOYEE in roles,
            "to_confirm": to_confirm,
            "coached_activities": coached_activities,
            "coached_sessions": coached_sessions,
        },
    )


@login_required
@require_POST
def idp_create(request: HttpRequest, employee_id: int) -> HttpResponse:
    employee, _roles = _employee_for(request, employee_id)
    try:
        year = int(request.POST.get("year", ""))
        idp = services.idp_create(actor=_user(request), employee=employee, year=year)
    except (ValueError, ValidationError) as exc:
        messages.error(
            request,
            _error_text(exc) if isinstance(exc, ValidationError) else _("Choose a year."),
        )
        return redirect("idp:employee", employee_id=employee.pk)
    except PermissionDenied as exc:
        raise Http404 from exc
    return redirect("idp:detail", pk=idp.pk)


@login_required
def idp_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idp = idp_get_for_user(user=_user(request), pk=pk)
    roles = idp_roles(user=_user(request), employee=idp.employee)
    sessions = coaching_sessions_for_idp(idp=idp)
    for session in sessions:
        session.notes_visible = coaching_notes_visible(user=_user(request), session=session)  # type: ignore[attr-defined]
    evidence = idp_evidence(idp=idp) if idp.status == Idp.Status.AGREED else {}
    reviews = {r.stage: r for r in idp.reviews.all()}
    party = bool(roles & {IdpRole.EMPLOYEE, IdpRole.SUPERVISOR})
    waiting_for_me = idp.status == Idp.Status.PROPOSED and (
        (IdpRole.EMPLOYEE in roles and idp.employee_agreed_by_id is None)
        or (IdpRole.SUPERVISOR in roles and idp.supervisor_agreed_by_id is None)
    )
    return render(
        request,
        "lms/idp/detail.html",
        {
            "idp": idp,
            "party": party,
            "waiting_for_me": waiting_for_me,
            "is_supervisor": IdpRole.SUPERVISOR in roles,
            "sessions": sessions,
            "evidence": evidence,
            "reviews": [
                (stage, label, reviews.get(stage)) for stage, label in IdpReview.Stage.choices
            ],
            "goal_form": GoalForm(),
            "coaching_kinds": (IdpActivity.Kind.COACHING, IdpActivity.Kind.MENTORING),
        },
    )


@login_required
@require_POST
def idp_goal_add(request: HttpRequest, pk: int) -> HttpResponse:
    idp = idp_get_for_user(user=_user(request), pk=pk)
    form = GoalForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Name the goal."))
        return redirect("idp:detail", pk=idp.pk)
    try:
        services.idp_goal_add(actor=_user(request), idp=idp, title=form.cleaned_data["title"])
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        messages.success(request, _("Goal added."))
    return redirect("idp:detail", pk=idp.pk)


@login_required
@require_http_methods(["GET", "POST"])
def idp_goal_delete(request: HttpRequest, pk: int) -> HttpResponse:
    goal = get_object_or_404(IdpGoal.objects.select_related("idp"), pk=pk)
    idp = idp_get_for_user(user=_user(request), pk=goal.idp_id)
    if request.method == "POST":
        try:
            services.idp_goal_delete(actor=_user(request), goal=goal)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Goal removed."))
        return redirect("idp:detail", pk=idp.pk)
    return render(request, "lms/idp/confirm_delete.html", {"idp": idp, "thing": goal.title})


@login_required
@require_http_methods(["GET", "POST"])
def idp_activity_add(request: HttpRequest, goal_id: int) -> HttpResponse:
    goal = get_object_or_404(IdpGoal.objects.select_related("idp"), pk=goal_id)
    idp = idp_get_for_user(user=_user(request), pk=goal.idp_id)
    form = ActivityForm(request.POST or None, idp=idp)
    if request.method == "POST" and form.is_valid():
        claim = submit_token_claim(request, scope=f"idp-activity:{goal.pk}")
        detail = reverse("idp:detail", args=[idp.pk])
        if claim.duplicate:
            return submit_duplicate_redirect(request, claim, fallback=detail)
        data = form.cleaned_data
        kind = data["kind"]
        target_id = data["course"] if kind == IdpActivity.Kind.COURSE else data["batch"]
        coach = None
        if data["coach"]:
            coach = Employee.objects.filter(pk=data["coach"]).first()
        try:
            services.idp_activity_add(
                actor=_user(request),
                goal=goal,
                kind=kind,
                description=data["description"],
                target_id=target_id,
                coach=coach,
                coach_name=data["coach_name"],
                target_date=data["target_date"],
                expected_jp=data["expected_jp"],
            )
        except ValidationError as exc:
            claim.release()
            _add_errors(form, exc, {"target": "course" if kind == "course" else "batch"})
        else:
            claim.done(detail)
            messages.success(request, _("Activity added."))
            return redirect(detail)
    return render(request, "lms/idp/activity_form.html", {"idp": idp, "goal": goal, "form": form})


def _add_errors(form: forms.Form, exc: ValidationError, rename: dict[str, str]) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.message_dict.items():
        name = rename.get(field, field)
        form.add_error(name if name in form.fields else None, errors)


@login_required
@require_http_methods(["GET", "POST"])
def idp_activity_delete(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(IdpActivity.objects.select_related("goal"), pk=pk)
    idp = idp_get_for_user(user=_user(request), pk=activity.goal.idp_id)
    if request.method == "POST":
        try:
            services.idp_activity_delete(actor=_user(request), activity=activity)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, _("Activity removed."))
        return redirect("idp:detail", pk=idp.pk)
    return render(request, "lms/idp/confirm_delete.html", {"idp": idp, "thing": activity.title})


def _transition(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    idp = idp_get_for_user(user=_user(request), pk=pk)
    service = {
        "propose": services.idp_propose,
        "agree": services.idp_agree,
        "reopen": services.idp_reopen,
    }[action]
    try:
        idp = service(actor=_user(request), idp=idp)
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("You may not do this on this plan."))
    else:
        messages.success(
            request,
            {
                Idp.Status.DRAFT: _("The plan is a draft again."),
                Idp.Status.PROPOSED: _("The plan is proposed; it waits for the other agreement."),
                Idp.Status.AGREED: _("The plan is agreed."),
            }[Idp.Status(idp.status)],
        )
    return redirect("idp:detail", pk=pk)


@login_required
@require_POST
def idp_propose(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "propose")


@login_required
@require_POST
def idp_agree(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "agree")


@login_required
@require_POST
def idp_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _transition(request, pk, "reopen")


@login_required
@require_http_methods(["GET", "POST"])
def idp_review(request: HttpRequest, pk: int, stage: str) -> HttpResponse:
    idp = idp_get_for_user(user=_user(request), pk=pk)
    if stage not in IdpReview.Stage.values:
        raise Http404
    existing = next((r for r in idp.reviews.all() if r.stage == stage), None)
    form = ReviewForm(
        request.POST or None, initial={"summary": existing.summary if existing else ""}
    )
    activities = [a for g in idp.goals.all() for a in g.activities.all()]
    evidence = idp_evidence(idp=idp) if idp.status == Idp.Status.AGREED else {}
    if request.method == "POST" and form.is_valid():
        notes = {a.pk: request.POST.get(f"note-{a.pk}", "") for a in activities}
        done = {a.pk for a in activities if request.POST.get(f"done-{a.pk}")}
        try:
            services.idp_review_record(
                actor=_user(request),
                idp=idp,
                stage=stage,
                summary=form.cleaned_data["summary"],
                notes=notes,
                done=done,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        except PermissionDenied as exc:
            raise Http404 from exc
        else:
            messages.success(request, _("Review saved."))
            return redirect("idp:detail", pk=idp.pk)
    items = {i.activity_id: i for i in existing.items.all()} if existing else {}
    rows = [(a, evidence.get(a.pk), items.get(a.pk)) for a in activities]
    return render(
        request,
        "lms/idp/review_form.html",
        {
            "idp": idp,
            "form": form,
            "rows": rows,
            "stage_label": IdpReview.Stage(stage).label,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def coaching_session_log(request: HttpRequest, activity_id: int) -> HttpResponse:
    activity = get_object_or_404(
        IdpActivity.objects.select_related("goal__idp__employee", "coach"), pk=activity_id
    )
    idp = activity.goal.idp
    user = _user(request)
    is_coach = activity.coach is not None and activity.coach.user_id == user.pk
    if idp.employee.user_id != user.pk and not is_coach:
        raise Http404
    form = SessionForm(request.POST or None, initial={"date": timezone.localdate()})
    back = (
        reverse("idp:detail", args=[idp.pk])
        if idp.employee.user_id == user.pk
        else reverse("idp:my")
    )
    if request.method == "POST" and form.is_valid():
        claim = submit_token_claim(request, scope=f"idp-session:{activity.pk}")
        if claim.duplicate:
            return submit_duplicate_redirect(request, claim, fallback=back)
        try:
            services.coaching_session_log(actor=user, activity=activity, **form.cleaned_data)
        except ValidationError as exc:
            claim.release()
            _add_errors(form, exc, {})
        else:
            claim.done(back)
            messages.success(request, _("Session logged; your supervisor confirms it for the JP."))
            return redirect(back)
    return render(
        request, "lms/idp/session_form.html", {"activity": activity, "idp": idp, "form": form}
    )


@login_required
@require_POST
def coaching_session_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(CoachingSession.objects.select_related("employee"), pk=pk)
    try:
        session = services.coaching_session_confirm(actor=_user(request), session=session)
    except PermissionDenied as exc:
        raise Http404 from exc
    except ValidationError as exc:
        messages.error(request, _error_text(exc))
    else:
        record = session.training_record
        messages.success(
            request,
            _("Session confirmed: %(jp)s JP counted.") % {"jp": f"{record.jp:g}" if record else 0},
        )
    return redirect(request.POST.get("next") == "team" and "lms:team" or "idp:my")
