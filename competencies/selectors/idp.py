"""Reads of individual development plans (docs/idp.md): who may see an employee's plan,
the plan with its goals and activities, the status of many employees' plans at once (the
team page), agreement rates per OPD (HR), the agreed goals per competency (the agency's
yearly plan), the evidence a review links to, and coaching sessions."""

from __future__ import annotations

import datetime
import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import import_string

from competencies.models import (
    CoachingSession,
    Employee,
    Idp,
    IdpActivity,
    IdpGoal,
    JpConversionRule,
    OrgUnit,
    TrainingRecord,
)
from competencies.selectors.hr_scope import employee_in_hr_scope, orgunit_list_for_hr
from competencies.selectors.jp_conversion import jp_rule_in_force
from competencies.siasn import DevelopmentType

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# Reporting lines deeper than this are not followed (and a cycle cannot loop forever);
# the same depth as the team page (lms.selectors.team.TEAM_MAX_DEPTH).
CHAIN_MAX_DEPTH = 10

# The SIASN development type and conversion-table activity each IDP activity kind
# converts through (docs/jp-conversion.md); kinds without one bring the JP of the course,
# batch or record they lead to.
KIND_CONVERSION: dict[str, tuple[int, str]] = {
    IdpActivity.Kind.COACHING: (DevelopmentType.COACHING, JpConversionRule.Activity.COACHING),
    IdpActivity.Kind.MENTORING: (DevelopmentType.MENTORING, JpConversionRule.Activity.COACHING),
    IdpActivity.Kind.SELF_STUDY: (
        DevelopmentType.BELAJAR_MANDIRI,
        JpConversionRule.Activity.SELF_STUDY,
    ),
}
# Records of these development types count as evidence for on-the-job and self-study.
KIND_EVIDENCE_TYPES: dict[str, set[int]] = {
    IdpActivity.Kind.ON_THE_JOB: {
        DevelopmentType.BIMBINGAN_DI_TEMPAT_KERJA,
        DevelopmentType.MAGANG,
        DevelopmentType.DETASERING,
    },
    IdpActivity.Kind.SELF_STUDY: {
        DevelopmentType.BELAJAR_MANDIRI,
        DevelopmentType.KOMUNITAS_BELAJAR,
    },
}


class IdpRole(enum.Enum):
    EMPLOYEE = "employee"
    SUPERVISOR = "supervisor"
    HR = "hr"


def supervisor_chain(*, employee: Employee) -> list[Employee]:
    """The employee's direct supervisor, theirs, and so on up (active ones only), one
    query per level."""
    chain: list[Employee] = []
    seen = {employee.pk}
    supervisor_id = employee.supervisor_id
    while supervisor_id and supervisor_id not in seen and len(chain) < CHAIN_MAX_DEPTH:
        supervisor = (
            Employee.objects.filter(pk=supervisor_id)
            .only("pk", "user_id", "supervisor_id", "is_active", "full_name")
            .first()
        )
        if supervisor is None:
            break
        seen.add(supervisor.pk)
        if supervisor.is_active:
            chain.append(supervisor)
        supervisor_id = supervisor.supervisor_id
    return chain


def idp_roles(*, user: User | AnonymousUser, employee: Employee) -> set[IdpRole]:
    """How `user` stands to `employee`'s plans: the employee, in the supervisor chain, HR
    in scope (or none of these: no access)."""
    roles: set[IdpRole] = set()
    if user.pk is None:
        return roles
    if employee.user_id == user.pk:
        roles.add(IdpRole.EMPLOYEE)
    if any(s.user_id == user.pk for s in supervisor_chain(employee=employee)):
        roles.add(IdpRole.SUPERVISOR)
    if employee_in_hr_scope(user=user, employee=employee):
        roles.add(IdpRole.HR)
    return roles


def idp_require_access(*, user: User | AnonymousUser, employee: Employee) -> set[IdpRole]:
    roles = idp_roles(user=user, employee=employee)
    if not roles:
        raise PermissionDenied
    return roles


def _plan_queryset() -> QuerySet[Idp]:
    return Idp.objects.select_related(
        "employee__user",
        "employee__unit",
        "employee__position",
        "employee_agreed_by",
        "supervisor_agreed_by",
    ).prefetch_related(
        Prefetch(
            "goals",
            queryset=IdpGoal.objects.select_related("competency").prefetch_related(
                Prefetch("activities", queryset=IdpActivity.objects.select_related("coach"))
            ),
        ),
        "reviews__items",
    )


def idp_get_for_user(*, user: User | AnonymousUser, pk: int) -> Idp:
    """The plan with goals, activities and reviews; 404 when it does not exist or the
    user may not see it (no hint that it exists)."""
    idp = _plan_queryset().filter(pk=pk).first()
    if idp is None or not idp_roles(user=user, employee=idp.employee):
        raise Http404
    return idp


def idp_for_employee(*, employee: Employee, year: int) -> Idp | None:
    return _plan_queryset().filter(employee=employee, year=year).first()


def idp_list_for_employee(*, employee: Employee) -> QuerySet[Idp]:
    return Idp.objects.filter(employee=employee).order_by("-year")


def idp_statuses(*, employee_ids: Iterable[int], year: int) -> dict[int, str]:
    """{employee id: plan status} for the year; employees without a plan are absent. One
    query whatever the number of employees (the supervisor's team page)."""
    return dict(
        Idp.objects.filter(employee_id__in=list(employee_ids), year=year)
        .order_by()
        .values_list("employee_id", "status")
    )


def idp_status_subquery(*, year: int) -> Subquery:
    """The status of the `year` plan of the employee of the outer query (None without
    one), to annotate an employee list without another query (the team page)."""
    return Subquery(Idp.objects.filter(employee_id=OuterRef("pk"), year=year).values("status")[:1])


def idp_agreed_goal_counts(*, year: int, unit_ids: Iterable[int] | None = None) -> dict[int, int]:
    """{competency id: number of employees with an AGREED plan for `year` that has a goal
    on that competency}, for the agency's yearly plan. `unit_ids` limits it to employees
    of those units (each unit with its subtree). One query, or two with `unit_ids`."""
    goals = IdpGoal.objects.filter(
        idp__year=year, idp__status=Idp.Status.AGREED, competency__isnull=False
    )
    if unit_ids is not None:
        paths = list(OrgUnit.objects.filter(pk__in=list(unit_ids)).values_list("path", flat=True))
        if not paths:
            return {}
        within = Q()
        for path in paths:
            within |= Q(idp__employee__unit__path__startswith=path)
        goals = goals.filter(within)
    rows = goals.values("competency_id").annotate(n=Count("idp__employee_id", distinct=True))
    return {row["competency_id"]: row["n"] for row in rows}


# HR: AGREEMENT RATES PER OPD ---------------------------------------------------------------


@dataclass
class IdpUnitRate:
    unit: OrgUnit | None  # None: employees outside every OPD
    employees: int = 0
    draft: int = 0
    proposed: int = 0
    agreed: int = 0

    @property
    def without_plan(self) -> int:
        return self.employees - self.draft - self.proposed - self.agreed

    @property
    def agreed_percent(self) -> int:
        return round(100 * self.agreed / self.employees) if self.employees else 0


def idp_agreement_rates(*, user: User | AnonymousUser, year: int) -> list[IdpUnitRate]:
    """Per OPD (perangkat daerah) in the HR manager's scope: active employees and how
    many have a draft, proposed or agreed plan for `year`. Three queries."""
    units = list(orgunit_list_for_hr(user=user).filter(kind=OrgUnit.Kind.PERANGKAT_DAERAH))
    # An OPD inside another OPD's subtree counts toward the outer one only.
    outer: list[OrgUnit] = []
    for unit in units:
        if not any(unit.path.startswith(o.path) for o in outer):
            outer.append(unit)
    rates = {u.path: IdpUnitRate(unit=u) for u in outer}
    other = IdpUnitRate(unit=None)
    from competencies.selectors.hr_scope import employee_list_for_hr

    employees = employee_list_for_hr(user=user).filter(is_active=True)
    statuses = dict(
        Idp.objects.filter(year=year, employee__in=employees).values_list("employee_id", "status")
    )
    for pk, path in employees.values_list("pk", "unit__path"):
        rate = next((r for p, r in rates.items() if (path or "").startswith(p)), other)
        rate.employees += 1
        status = statuses.get(pk)
        if status == Idp.Status.DRAFT:
            rate.draft += 1
        elif status == Idp.Status.PROPOSED:
            rate.proposed += 1
        elif status == Idp.Status.AGREED:
            rate.agreed += 1
    rows = [rates[u.path] for u in outer]
    if other.employees:
        rows.append(other)
    return rows


# JP CAPS OF AN ACTIVITY -----------------------------------------------------------------------


def idp_activity_jp_cap(*, kind: str, year: int, target_date: datetime.date) -> Decimal | None:
    """The most JP the conversion table lets `kind` bring from the start of `year` to
    `target_date` (the monthly or daily cap times the months or days), or None when the
    table sets no cap for it. Coaching at 4 JP a month planned for June: 24 JP."""
    conversion = KIND_CONVERSION.get(kind)
    if conversion is None:
        return None
    development_type, activity = conversion
    rule = jp_rule_in_force(development_type=development_type, activity=activity, on=target_date)
    if rule is None:
        return None
    caps: list[Decimal] = []
    start = datetime.date(year, 1, 1)
    if rule.cap_per_day is not None:
        caps.append(rule.cap_per_day * ((target_date - start).days + 1))
    if rule.cap_per_month is not None:
        caps.append(rule.cap_per_month * target_date.month)
    if rule.cap_per_year is not None:
        caps.append(rule.cap_per_year)
    return min(caps) if caps else None


# CATALOGUE (PROVIDED BY THE LMS) ---------------------------------------------------------


@dataclass(frozen=True)
class IdpTarget:
    """A course or classroom batch an activity may name, as the lms resolves it."""

    title: str
    course_page_id: int | None
    jp: Decimal | None = None


def idp_activity_target(*, kind: str, target_id: int) -> IdpTarget | None:
    """The course or batch `target_id` of an activity `kind`, or None when it does not
    exist or may not be chosen (a deleted or unpublished course, a cancelled batch). The
    lms answers, through settings.COMPETENCIES_IDP_TARGET_SELECTOR."""
    path = getattr(settings, "COMPETENCIES_IDP_TARGET_SELECTOR", "")
    if not path:
        return None
    selector = import_string(path)
    result: IdpTarget | None = selector(kind=kind, target_id=target_id)
    return result


# REVIEW EVIDENCE --------------------------------------------------------------------------


def idp_evidence(*, idp: Idp) -> dict[int, TrainingRecord]:
    """{activity id: the approved training record that shows it was done}, found
    automatically: the completion of the course or batch (the lms names the record's
    source key, settings.COMPETENCIES_IDP_COMPLETION_SELECTOR), the confirmed coaching
    sessions of the activity, and for on-the-job and self-study a record of the matching
    development type in the year. Each record backs one activity at most."""
    activities = [a for goal in idp.goals.all() for a in goal.activities.all()]
    if not activities:
        return {}
    year_start, year_end = datetime.date(idp.year, 1, 1), datetime.date(idp.year, 12, 31)
    records = list(
        TrainingRecord.objects.filter(
            employee_id=idp.employee_id,
            status=TrainingRecord.Status.APPROVED,
            finished_on__range=(year_start, year_end),
        ).order_by("finished_on", "pk")
    )
    by_key = {r.source_key: r for r in records if r.source_key}
    used: set[int] = set()
    evidence: dict[int, TrainingRecord] = {}

    path = getattr(settings, "COMPETENCIES_IDP_COMPLETION_SELECTOR", "")
    catalogue = [
        a for a in activities if a.kind in (IdpActivity.Kind.COURSE, IdpActivity.Kind.CLASSROOM)
    ]
    if path and catalogue:
        keys: dict[int, str] = import_string(path)(
            user_id=idp.employee.user_id, activities=catalogue
        )
        for activity_id, key in keys.items():
            record = by_key.get(key)
            if record is not None and record.pk not in used:
                evidence[activity_id] = record
                used.add(record.pk)

    sessions: dict[int, list[int]] = {}
    for activity_id, record_id in CoachingSession.objects.filter(
        activity__in=activities,
        status=CoachingSession.Status.CONFIRMED,
        training_record__isnull=False,
    ).values_list("activity_id", "training_record_id"):
        sessions.setdefault(activity_id, []).append(record_id)
    by_pk = {r.pk: r for r in records}
    for activity in activities:
        if activity.pk in evidence:
            continue
        for record_id in sessions.get(activity.pk, []):
            if record_id in by_pk and record_id not in used:
                evidence[activity.pk] = by_pk[record_id]
                used.add(record_id)
                break
        types = KIND_EVIDENCE_TYPES.get(activity.kind)
        if activity.pk in evidence or not types:
            continue
        for record in records:
            if (
                record.pk not in used
                and record.development_type in types
                and record.source_key is None
            ):
                evidence[activity.pk] = record
                used.add(record.pk)
                break
    return evidence


def idp_session_jp(*, activity: IdpActivity) -> Decimal:
    """The JP the confirmed sessions of a coaching or mentoring activity earned."""
    total = Decimal(0)
    for session in activity.sessions.all():
        if session.status == CoachingSession.Status.CONFIRMED and session.training_record:
            total += session.training_record.jp
    return total


# COACHING SESSIONS ------------------------------------------------------------------------


def coaching_notes_visible(*, user: User | AnonymousUser, session: CoachingSession) -> bool:
    """The notes are for the two of them: the employee and the coach."""
    if user.pk is None:
        return False
    if session.employee.user_id == user.pk:
        return True
    return session.coach is not None and session.coach.user_id == user.pk


def coaching_sessions_to_confirm(*, supervisor: Employee) -> QuerySet[CoachingSession]:
    """Sessions of the supervisor's direct reports waiting for confirmation."""
    return (
        CoachingSession.objects.filter(
            employee__supervisor=supervisor, status=CoachingSession.Status.LOGGED
        )
        .select_related("employee", "coach")
        .order_by("date", "pk")
    )


def coaching_sessions_for_idp(*, idp: Idp) -> list[CoachingSession]:
    return list(
        CoachingSession.objects.filter(employee_id=idp.employee_id, date__year=idp.year)
        .select_related("employee", "coach", "training_record", "activity")
        .order_by("-date", "-pk")
    )


def coaching_for_coach(*, coach: Employee) -> tuple[list[IdpActivity], list[CoachingSession]]:
    """The coaching and mentoring activities `coach` is named in (of plans not older than
    last year) and the sessions of those, with their notes: the coach is one of the two."""
    activities = list(
        IdpActivity.objects.filter(
            coach=coach,
            kind__in=[IdpActivity.Kind.COACHING, IdpActivity.Kind.MENTORING],
            goal__idp__year__gte=timezone.localdate().year - 1,
        )
        .select_related("goal__idp__employee")
        .order_by("target_date", "pk")
    )
    sessions = list(
        CoachingSession.objects.filter(coach=coach)
        .select_related("employee", "training_record")
        .order_by("-date", "-pk")[:100]
    )
    return activities, sessions
