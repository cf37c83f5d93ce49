"""Reads of classroom training (docs/classroom.md): batches in an HR manager's scope,
the fill of each OPD's quota, eligibility, timetable conflicts, the JP a participant
attended, and the pages of learners, supervisors and the committee."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.rules import require_hr
from competencies.models import Employee
from competencies.selectors.hr_scope import hr_scope_unit
from lms.models import (
    Attendance,
    Batch,
    BatchEvaluationReceipt,
    Enrolment,
    Nomination,
    Session,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User
    from lms.classroom_pdf import AttendanceSheet, CallingLetter


# --- HR scope ---------------------------------------------------------------------------


def batch_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[Batch]:
    """Batches organised in the HR manager's unit subtree (all for the unscoped)."""
    require_hr(user)
    batches = Batch.objects.select_related("course", "unit", "funding")
    scope = hr_scope_unit(user=user)
    if scope is not None:
        batches = batches.filter(unit__path__startswith=scope.path)
    return batches


def batch_get_for_hr(*, user: User | AnonymousUser, pk: int) -> Batch:
    try:
        return batch_list_for_hr(user=user).get(pk=pk)
    except Batch.DoesNotExist as exc:
        raise Http404 from exc


def session_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[Session]:
    return Session.objects.filter(batch__in=batch_list_for_hr(user=user)).select_related(
        "batch__course"
    )


def nomination_list_for_hr(*, user: User | AnonymousUser) -> QuerySet[Nomination]:
    return Nomination.objects.filter(batch__in=batch_list_for_hr(user=user)).select_related(
        "batch__course", "employee__user", "employee__position", "unit", "nominated_by"
    )


def batch_is_committee(*, batch: Batch, user: User | AnonymousUser) -> bool:
    if not user.is_authenticated:
        return False
    return batch.committee.filter(pk=user.pk).exists()


def batch_get_for_committee(*, user: User | AnonymousUser, pk: int) -> Batch:
    """A batch its committee member (or an HR manager in scope) runs; 404 otherwise."""
    batch = Batch.objects.select_related("course").filter(pk=pk).first()
    if batch is None:
        raise Http404
    if batch_is_committee(batch=batch, user=user):
        return batch
    if user.has_perm("portal.access_hr"):
        return batch_get_for_hr(user=user, pk=pk)
    raise Http404


def session_get_for_committee(*, user: User | AnonymousUser, pk: int) -> Session:
    session = Session.objects.select_related("batch__course").filter(pk=pk).first()
    if session is None:
        raise Http404
    batch_get_for_committee(user=user, pk=session.batch_id)
    return session


# --- JP ---------------------------------------------------------------------------------


# What the participant's check-in pages and the check-in service read of a session, its
# batch and its course: the whole CoursePage row (a Wagtail page, ~60 columns) joined in
# made building the query a tenth of a check-in's CPU (bench/NOTES.md, session 15).
CHECK_IN_FIELDS = (
    "batch_id", "date", "start_time", "end_time", "topic", "room", "meeting_url",
    "batch__number", "batch__status", "batch__course__title",
)  # fmt: skip


def session_get_for_check_in(*, pk: int) -> Session:
    """The session a participant checks in to (by the room's QR code or the host's
    code), with its batch and course; 404 when there is none. One query."""
    try:
        return Session.objects.select_related("batch__course").only(*CHECK_IN_FIELDS).get(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def session_default_jp(*, minutes: int) -> Decimal:
    """The JP of a session of `minutes` when none is set: minutes / 45 (a setting), to
    one decimal."""
    per_jp = Decimal(settings.CLASSROOM_MINUTES_PER_JP)
    return (Decimal(minutes) / per_jp).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def session_jp(session: Session) -> Decimal:
    return session.jp if session.jp is not None else session_default_jp(minutes=session.minutes)


def batch_total_jp(*, batch: Batch) -> Decimal:
    return sum((session_jp(s) for s in batch.sessions.all()), Decimal("0"))


def nomination_attended_jp(*, nomination: Nomination) -> Decimal:
    """JP of the sessions the participant attended (present or late)."""
    sessions = Session.objects.filter(
        attendance__nomination=nomination, attendance__status__in=Attendance.PRESENT
    )
    return sum((session_jp(s) for s in sessions), Decimal("0"))


@dataclass(frozen=True)
class ClassroomCompletion:
    """What attendance says about an enrolment that came from a classroom batch."""

    required: bool
    met: bool
    attended_jp: Decimal
    total_jp: Decimal
    # The participant has answered the batch's evaluation (lms.models.classroom_evaluation):
    # it counts as the course's evaluation when the course requires one.
    evaluated: bool = False


def classroom_completion_for_enrolment(*, enrolment: Enrolment) -> ClassroomCompletion:
    """Read by the completion engine (lms.services.enrolments): an enrolment of a
    selected participant completes only once the batch has finished and the JP of the
    sessions attended reaches the batch's threshold; the JP credited is that attended JP
    (capped at the course's JP by the engine)."""
    nomination = (
        Nomination.objects.filter(enrolment=enrolment, status=Nomination.Status.SELECTED)
        .select_related("batch")
        .order_by("-pk")
        .first()
    )
    if nomination is None:
        return ClassroomCompletion(False, True, Decimal("0"), Decimal("0"))
    batch = nomination.batch
    total = batch_total_jp(batch=batch)
    attended = nomination_attended_jp(nomination=nomination)
    met = (
        batch.status == Batch.Status.FINISHED
        and total > 0
        and attended * 100 >= total * batch.completion_threshold_percent
    )
    evaluated = BatchEvaluationReceipt.objects.filter(nomination=nomination).exists()
    return ClassroomCompletion(True, met, attended, total, evaluated)


# --- eligibility and quota ----------------------------------------------------------------


def nomination_eligibility_problems(*, batch: Batch, employee: Employee) -> list[str]:
    """Each eligibility rule of the batch the employee breaks, named."""
    return eligibility_problems_by_employee(batch=batch, employees=[employee])[employee.pk]


def _training_need_employee_ids(*, batch: Batch, employees: list[Employee]) -> set[int]:
    """Of the employees, those who have the batch's course in their assignment list (an
    assignment not withdrawn) or their training needs (a supervisor's proposal pending
    or approved, or a training-need proposal planned as this course that they proposed
    or supported). Three queries."""
    from lms.models import AssignmentRecipient, TrainingNeedProposal, TrainingProposal

    ids = [e.pk for e in employees]
    found = set(
        AssignmentRecipient.objects.filter(
            employee_id__in=ids, assignment__course_id=batch.course_id
        )
        .exclude(status=AssignmentRecipient.Status.WITHDRAWN)
        .values_list("employee_id", flat=True)
    )
    found |= set(
        TrainingProposal.objects.filter(
            employee_id__in=ids,
            course_id=batch.course_id,
            status__in=(TrainingProposal.Status.PENDING, TrainingProposal.Status.APPROVED),
        ).values_list("employee_id", flat=True)
    )
    by_user = {e.user_id: e.pk for e in employees if e.user_id}
    planned = TrainingNeedProposal.objects.filter(
        planned_course_id=batch.course_id, status=TrainingNeedProposal.Status.PLANNED
    )
    for proposer, supporter in planned.filter(
        Q(proposed_by_id__in=by_user) | Q(supports__user_id__in=by_user)
    ).values_list("proposed_by_id", "supports__user_id"):
        for user_id in (proposer, supporter):
            if user_id in by_user:
                found.add(by_user[user_id])
    return found


def eligibility_problems_by_employee(
    *, batch: Batch, employees: list[Employee]
) -> dict[int, list[str]]:
    """{employee id: each eligibility rule of the batch they break, named}, in a fixed
    number of queries whatever the number of employees (their positions loaded)."""
    problems: dict[int, list[str]] = {e.pk: [] for e in employees}
    positions = list(batch.eligible_positions.all())
    prerequisites = list(batch.prerequisite_courses.all())
    done: set[tuple[int, int]] = set()
    if prerequisites and employees:
        done = set(
            Enrolment.objects.filter(
                user_id__in=[e.user_id for e in employees],
                course__in=prerequisites,
                status=Enrolment.Status.COMPLETED,
            ).values_list("user_id", "course_id")
        )
    in_needs = (
        _training_need_employee_ids(batch=batch, employees=employees)
        if batch.requires_training_need and employees
        else set()
    )
    for employee in employees:
        found = problems[employee.pk]
        if not employee.is_active:
            found.append(_("The employee is not active."))
        if positions and employee.position_id not in {p.pk for p in positions}:
            found.append(
                _("Only these positions may take part: %(positions)s.")
                % {"positions": ", ".join(p.name for p in positions)}
            )
        if batch.eligible_jenjang:
            jenjang = employee.position.jenjang if employee.position is not None else ""
            if jenjang != batch.eligible_jenjang:
                found.append(
                    _("Only the jenjang %(jenjang)s may take part.")
                    % {"jenjang": batch.get_eligible_jenjang_display()}
                )
        if batch.golongan_min or batch.golongan_max:
            low = batch.golongan_min or 0
            high = batch.golongan_max or 99
            if not employee.golongan or not low <= employee.golongan <= high:
                found.append(
                    _("The golongan must be between %(low)s and %(high)s.")
                    % {
                        "low": batch.get_golongan_min_display() if batch.golongan_min else "I/a",
                        "high": batch.get_golongan_max_display() if batch.golongan_max else "IV/e",
                    }
                )
        missing = [c.title for c in prerequisites if (employee.user_id, c.pk) not in done]
        if missing:
            found.append(
                _("The prerequisite courses are not completed: %(courses)s.")
                % {"courses": ", ".join(missing)}
            )
        if batch.requires_training_need and employee.pk not in in_needs:
            found.append(
                _(
                    "Only people with this course in their assignments or training needs "
                    "may take part."
                )
            )
    return problems


def nomination_overlaps_by_employee(
    *, batch: Batch, employee_ids: list[int]
) -> dict[int, list[str]]:
    """{employee id: the other batches, with dates overlapping this one's, they are
    nominated, waitlisted or selected for}. One query. A warning for HR, not a refusal."""
    overlaps: dict[int, list[str]] = {pk: [] for pk in employee_ids}
    if not employee_ids:
        return overlaps
    others = (
        Nomination.objects.filter(
            employee_id__in=employee_ids,
            status__in=Nomination.QUOTA_STATUSES,
            batch__starts_on__lte=batch.ends_on,
            batch__ends_on__gte=batch.starts_on,
        )
        .exclude(batch_id=batch.pk)
        .exclude(batch__status=Batch.Status.CANCELLED)
        .select_related("batch__course")
        .order_by("batch__starts_on", "pk")
    )
    for other in others:
        overlaps[other.employee_id].append(
            _("Also %(status)s in %(batch)s (%(start)s – %(end)s), whose dates overlap.")
            % {
                "status": other.get_status_display().lower(),
                "batch": other.batch,
                "start": other.batch.starts_on.isoformat(),
                "end": other.batch.ends_on.isoformat(),
            }
        )
    return overlaps


@dataclass(frozen=True)
class CourseGap:
    """One competency the batch's course develops, for one candidate."""

    competency: str
    current_level: int | None
    required_level: int

    @property
    def gap(self) -> int:
        return max(self.required_level - (self.current_level or 0), 0)


def course_gaps_by_employee(
    *, batch: Batch, employees: list[Employee]
) -> dict[int, list[CourseGap]]:
    """{employee id: for each competency the course develops, the candidate's current
    level (today's current-level summary) against the level their position requires,
    or the course's target level when the position does not require it}. Three queries
    (a fourth only for stale summary rows), whatever the number of candidates."""
    from competencies.models import PositionRequirement
    from competencies.selectors.summaries import current_levels_summary
    from lms.models import CourseCompetency

    links = list(
        CourseCompetency.objects.filter(course_id=batch.course_id)
        .select_related("competency")
        .order_by("sort_order", "pk")
    )
    gaps: dict[int, list[CourseGap]] = {e.pk: [] for e in employees}
    if not links or not employees:
        return gaps
    competency_ids = [link.competency_id for link in links]
    required: dict[tuple[int | None, int], int] = {
        (position_id, competency_id): level
        for position_id, competency_id, level in PositionRequirement.objects.filter(
            position_id__in={e.position_id for e in employees if e.position_id},
            competency_id__in=competency_ids,
        ).values_list("position_id", "competency_id", "required_level")
    }
    levels = current_levels_summary(employee_ids=[e.pk for e in employees])
    for employee in employees:
        gaps[employee.pk] = [
            CourseGap(
                competency=link.competency.name,
                current_level=levels.get((employee.pk, link.competency_id)),
                required_level=required.get(
                    (employee.position_id, link.competency_id), link.target_level
                ),
            )
            for link in links
        ]
    return gaps


@dataclass(frozen=True)
class UnitFill:
    unit_id: int
    unit_name: str
    quota: int | None
    nominated: int
    selected: int
    # Selected participants with no present or late attendance at any session; None
    # until the batch runs (before that everyone would be one).
    no_shows: int | None = None

    @property
    def fill_percent(self) -> int | None:
        if not self.quota:
            return None
        return round(100 * self.selected / self.quota)

    @property
    def no_show_percent(self) -> int | None:
        if self.no_shows is None or not self.selected:
            return None
        return round(100 * self.no_shows / self.selected)


def batch_fill_by_unit(*, batch: Batch) -> list[UnitFill]:
    """Per OPD: its quota, the nominations using it, the selected participants and, once
    the batch runs, the no-shows among them (selected, not present or late at any
    session). Two queries."""
    quotas = {q.unit_id: q for q in batch.unit_quotas.select_related("unit")}
    showed_up = Attendance.objects.filter(nomination=OuterRef("pk"), status__in=Attendance.PRESENT)
    counts = {
        row["unit_id"]: row
        for row in batch.nominations.values("unit_id", "unit__name").annotate(
            nominated=Count("pk", filter=Q(status__in=Nomination.QUOTA_STATUSES)),
            selected=Count("pk", filter=Q(status=Nomination.Status.SELECTED)),
            no_shows=Count("pk", filter=Q(~Exists(showed_up), status=Nomination.Status.SELECTED)),
        )
    }
    has_run = batch.status in (Batch.Status.RUNNING, Batch.Status.FINISHED)
    rows = []
    for unit_id in {*quotas, *counts}:
        quota = quotas.get(unit_id)
        count = counts.get(unit_id, {})
        rows.append(
            UnitFill(
                unit_id=unit_id,
                unit_name=quota.unit.name if quota else count.get("unit__name", ""),
                quota=quota.quota if quota else None,
                nominated=count.get("nominated", 0),
                selected=count.get("selected", 0),
                no_shows=count.get("no_shows", 0) if has_run else None,
            )
        )
    return sorted(rows, key=lambda r: r.unit_name)


def batch_list_with_fill(*, user: User | AnonymousUser) -> QuerySet[Batch]:
    """HR's batch list with the selected and nominated counts (one query)."""
    return (
        batch_list_for_hr(user=user)
        .annotate(
            selected_count=Count(
                "nominations", filter=Q(nominations__status=Nomination.Status.SELECTED)
            ),
            nominated_count=Count(
                "nominations", filter=Q(nominations__status__in=Nomination.QUOTA_STATUSES)
            ),
        )
        .order_by("-starts_on", "number", "pk")
    )


# --- conflicts ----------------------------------------------------------------------------


def session_conflicts(*, session: Session) -> list[str]:
    """Other sessions, in any batch, overlapping this one in time that share a trainer or
    a room. Cancelled batches do not count."""
    if not (session.date and session.start_time and session.end_time):
        return []
    overlapping = (
        Session.objects.filter(
            date=session.date, start_time__lt=session.end_time, end_time__gt=session.start_time
        )
        .exclude(pk=session.pk)
        .exclude(batch__status=Batch.Status.CANCELLED)
        .select_related("batch__course")
        .prefetch_related("trainers")
    )
    trainer_ids = set(session.trainers.values_list("pk", flat=True)) if session.pk else set()
    problems = []
    for other in overlapping:
        shared = [t.name for t in other.trainers.all() if t.pk in trainer_ids]
        if shared:
            problems.append(
                _("%(trainers)s also teaches %(other)s at that time.")
                % {"trainers": ", ".join(shared), "other": f"{other.batch} / {other.topic}"}
            )
        if session.room and other.room.strip().lower() == session.room.strip().lower():
            problems.append(
                _("The room %(room)s is also booked for %(other)s.")
                % {"room": session.room, "other": f"{other.batch} / {other.topic}"}
            )
    return problems


# --- learners, supervisors, committee -----------------------------------------------------


def nomination_list_for_user(*, user: User | AnonymousUser) -> QuerySet[Nomination]:
    if not user.is_authenticated:
        raise PermissionDenied
    return (
        Nomination.objects.filter(employee__user_id=user.pk)
        .select_related("batch__course", "batch__funding")
        .order_by("-batch__starts_on")
    )


def session_list_upcoming_for_user(
    *, user: User | AnonymousUser, today: datetime.date | None = None
) -> QuerySet[Session]:
    """The sessions of the batches the person is selected for, from today on."""
    if not user.is_authenticated:
        raise PermissionDenied
    today = today or timezone.localdate()
    return (
        Session.objects.filter(
            batch__nominations__employee__user_id=user.pk,
            batch__nominations__status=Nomination.Status.SELECTED,
            date__gte=today,
        )
        .exclude(batch__status=Batch.Status.CANCELLED)
        .select_related("batch__course")
        .order_by("date", "start_time")
    )


def nomination_get_for_participant(*, user: User | AnonymousUser, batch_id: int) -> Nomination:
    """The signed-in person's selected place in a batch; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    nomination = (
        Nomination.objects.filter(
            batch_id=batch_id, employee__user_id=user.pk, status=Nomination.Status.SELECTED
        )
        .select_related("batch__course", "batch__unit", "employee__user", "employee__unit")
        .first()
    )
    if nomination is None:
        raise Http404
    return nomination


def nomination_get_for_scan(*, pk: int, batch_id: int, actor: User) -> Nomination | None:
    """The nomination a scanned personal QR names, with what the committee's phone shows
    (participant, unit, batch, course) and `scanned_by_committee`: whether `actor` is on
    the batch's committee, read in the same query (the check-in path's one read)."""
    committee = Batch.committee.through.objects.filter(
        batch_id=OuterRef("batch_id"), user_id=actor.pk
    )
    return (
        Nomination.objects.select_related("batch__course", "employee", "unit")
        .annotate(scanned_by_committee=Exists(committee))
        .filter(pk=pk, batch_id=batch_id)
        .first()
    )


def nomination_list_for_supervisor(*, user: User | AnonymousUser) -> QuerySet[Nomination]:
    """Nominations of the supervisor's direct reports, with their attendance counts."""
    if not user.is_authenticated:
        raise PermissionDenied
    return (
        Nomination.objects.filter(employee__supervisor__user_id=user.pk)
        .select_related("batch__course", "employee__user")
        .annotate(
            present_count=Count("attendance", filter=Q(attendance__status__in=Attendance.PRESENT))
        )
        .order_by("-batch__starts_on", "employee__full_name")
    )


def batch_list_open_for_nomination() -> QuerySet[Batch]:
    today = timezone.localdate()
    return (
        Batch.objects.filter(
            status=Batch.Status.OPEN,
            registration_opens_on__lte=today,
            registration_closes_on__gte=today,
        )
        .select_related("course", "funding")
        .order_by("starts_on")
    )


def session_list_today_for_committee(
    *, user: User | AnonymousUser, today: datetime.date | None = None
) -> QuerySet[Session]:
    if not user.is_authenticated:
        raise PermissionDenied
    today = today or timezone.localdate()
    return (
        Session.objects.filter(date=today, batch__committee=user)
        .exclude(batch__status=Batch.Status.CANCELLED)
        .select_related("batch__course")
        .order_by("start_time")
    )


@dataclass(frozen=True)
class BoardRow:
    nomination: Nomination
    attendance: Attendance | None


def session_attendance_board(*, session: Session) -> list[BoardRow]:
    """Every selected participant of the session's batch with their row, if any (two
    queries, whatever the size)."""
    nominations = list(
        Nomination.objects.filter(batch_id=session.batch_id, status=Nomination.Status.SELECTED)
        .select_related("employee__user", "unit")
        .order_by("employee__full_name")
    )
    rows = {a.nomination_id: a for a in Attendance.objects.filter(session=session)}
    return [BoardRow(n, rows.get(n.pk)) for n in nominations]


def session_attendance_summary(*, session: Session) -> dict[str, int]:
    counts = dict(
        Attendance.objects.filter(session=session)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {status: counts.get(status, 0) for status in Attendance.Status.values}


def batch_jp_delivered(*, batch: Batch) -> Decimal:
    """JP credited to the batch's completed participants."""
    total = Enrolment.objects.filter(
        classroom_nominations__batch=batch, status=Enrolment.Status.COMPLETED
    ).aggregate(total=Sum("jp_earned"))["total"]
    return total or Decimal("0")


# --- documents ----------------------------------------------------------------------------


def calling_letter_data(*, nomination: Nomination) -> CallingLetter:
    from django.utils.formats import date_format

    from competencies.models import AgencySettings
    from lms.classroom_pdf import CallingLetter

    agency = AgencySettings.for_default_site()
    batch = nomination.batch
    employee = nomination.employee
    sessions = tuple(
        (
            date_format(s.date, "SHORT_DATE_FORMAT"),
            f"{s.start_time:%H:%M}–{s.end_time:%H:%M}",
            s.topic,
            s.room or s.meeting_url or "",
        )
        for s in batch.sessions.all().order_by("date", "start_time")
    )
    return CallingLetter(
        agency=agency.agency_name,
        number_line=batch.number,
        course=batch.course.title,
        participant=employee.display_name,
        nip=employee.nip,
        unit=employee.unit.name if employee.unit else "",
        dates=f"{date_format(batch.starts_on)} – {date_format(batch.ends_on)}",
        venue=batch.venue or batch.meeting_url,
        sessions=sessions,
        issued_on=date_format(timezone.localdate()),
    )


def attendance_sheet_data(*, session: Session) -> AttendanceSheet:
    from django.utils.formats import date_format

    from lms.classroom_pdf import AttendanceSheet

    rows = tuple(
        (
            row.nomination.employee.display_name,
            row.nomination.employee.nip,
            row.nomination.unit.name,
            row.attendance.get_status_display() if row.attendance else "",
        )
        for row in session_attendance_board(session=session)
    )
    return AttendanceSheet(
        title=f"{session.batch.course.title} — {session.batch.number}",
        subtitle=(
            f"{session.topic} · {date_format(session.date)} "
            f"{session.start_time:%H:%M}–{session.end_time:%H:%M} WITA"
            + (f" · {session.room}" if session.room else "")
        ),
        rows=rows,
    )


# --- trainers -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerRow:
    trainer: str
    kind: str
    institution: str
    sessions: int
    jp: Decimal
    trainer_id: int = 0


def trainer_jp_ledger(*, user: User | AnonymousUser, year: int) -> list[LedgerRow]:
    """JP taught per trainer in a year (sessions × their JP; a session taught by two
    counts for each), over the batches in the HR manager's scope, cancelled ones left
    out. Two queries."""
    sessions = (
        session_list_for_hr(user=user)
        .filter(date__year=year)
        .exclude(batch__status=Batch.Status.CANCELLED)
        .prefetch_related("trainers")
    )
    totals: dict[int, list] = {}
    for session in sessions:
        for trainer in session.trainers.all():
            row = totals.setdefault(trainer.pk, [trainer, 0, Decimal("0")])
            row[1] += 1
            row[2] += session_jp(session)
    return sorted(
        (
            LedgerRow(t.name, t.get_kind_display(), t.institution, n, jp, t.pk)
            for t, n, jp in totals.values()
        ),
        key=lambda r: r.trainer,
    )
