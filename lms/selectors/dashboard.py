"""The learner's dashboard ("Pembelajaran Saya"): enrolments, JP of the year and
recommendations."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db.models import Prefetch
from django.utils import timezone

from config import request_cache
from lms.cache import CONTENT_TIMEOUT, recommendations_key, recommendations_stamp
from lms.models import CoursePage, Enrolment
from lms.selectors.catalogue import course_list_for_gaps
from lms.selectors.certificates import certificate_download_url
from lms.signing import signing_enabled

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import User


@dataclass
class Dashboard:
    assigned: list[Enrolment]
    in_progress: list[Enrolment]
    requested: list[Enrolment]
    completed: list[Enrolment]
    jp_this_year: Decimal
    jp_target: int
    recommendations: list[tuple[Any, list[CoursePage]]]
    today: dt.date
    # "floor" (PNS: at least jp_target) or "cap" (PPPK: at most jp_target, PP 49/2018
    # art. 40(1)); competencies.selectors.jp_target_for_employee decides.
    jp_target_kind: str = "floor"

    @property
    def jp_percent(self) -> int:
        if not self.jp_target:
            return 100
        return min(100, int(self.jp_this_year * 100 / self.jp_target))


def _issued_certificates() -> Prefetch:
    """The current, issued certificate of each enrolment (one query for all)."""
    from lms.models import Certificate

    return Prefetch(
        "certificates",
        queryset=Certificate.objects.filter(is_current=True, status=Certificate.Status.ISSUED),
        to_attr="issued_certificates",
    )


def _set_certificate_url(enrolment: Enrolment) -> None:
    certificates = getattr(enrolment, "issued_certificates", [])
    enrolment.certificate_url = (  # type: ignore[attr-defined]
        certificate_download_url(code=certificates[0].code) if certificates else ""
    )
    # Issued but not yet signed electronically by the signer (lms.signing): the learner
    # sees "menunggu tanda tangan" next to the (unsigned) PDF.
    enrolment.certificate_awaiting_signature = bool(  # type: ignore[attr-defined]
        certificates and certificates[0].signed_at is None and signing_enabled()
    )


def dashboard_for_user(*, user: User, request: HttpRequest | None = None) -> Dashboard:
    """ "Pembelajaran Saya": one query for the enrolments whatever their number, one for
    the agency settings, and a fixed few for the JP, competency gaps and recommendations."""
    from competencies.models import AgencySettings
    from competencies.selectors.jp import jp_target_for_employee
    from competencies.selectors.summaries import jp_for_employee_year

    enrolments = list(
        Enrolment.objects.filter(user=user)
        .exclude(status__in=[Enrolment.Status.REJECTED, Enrolment.Status.WITHDRAWN])
        .select_related("course", "last_lesson")
        .prefetch_related(_issued_certificates())
        .order_by("due_on", "-updated_at")
    )
    today = timezone.localdate()
    assigned, in_progress, requested, completed = [], [], [], []
    for enrolment in enrolments:
        if enrolment.status == Enrolment.Status.COMPLETED:
            _set_certificate_url(enrolment)
            completed.append(enrolment)
        elif enrolment.status == Enrolment.Status.REQUESTED:
            requested.append(enrolment)
        elif enrolment.source == Enrolment.Source.ASSIGNMENT:
            assigned.append(enrolment)
        else:
            in_progress.append(enrolment)
    completed.sort(key=lambda e: e.completed_at or timezone.now(), reverse=True)
    agency = (
        AgencySettings.for_request(request)
        if request is not None
        else AgencySettings.objects.first()
    )
    # The one JP rule (competencies.selectors.jp): approved training records of the year,
    # external ones included, revoked certificates not; read from the JP table that
    # stores its output (competencies.services.summaries keeps it), never computed here.
    employee = getattr(user, "employee", None)  # cached on the user for the gaps below
    jp = (
        jp_for_employee_year(employee=employee, year=today.year)
        if employee is not None
        else Decimal(0)
    )
    rule = jp_target_for_employee(employee=employee, agency=agency)  # PNS floor, PPPK cap
    return Dashboard(
        assigned=assigned,
        in_progress=in_progress,
        requested=requested,
        completed=completed,
        jp_this_year=jp,
        jp_target=rule.value,
        jp_target_kind=rule.kind,
        recommendations=recommendations_for_user(
            user=user, exclude_course_ids={e.course_id for e in enrolments if e.course_id}
        ),
        today=today,
    )


def recommendations_for_user(
    *, user: User, exclude_course_ids: set[int], limit: int = 6
) -> list[tuple[Any, list[CoursePage]]]:
    """(gap, courses) for the employee's competency gaps; users without an employee
    record get none.

    Read, not computed, on a warm dashboard (issue 23): the result is kept per user in
    the cache (read in the request's one prefetch round trip, config/request_cache.py)
    with the stamp it was computed under: the content version (courses, competency
    links), the gaps version (position standards, positions), the day (assessments
    expire) and the courses excluded (the user's enrolments). The employee's own
    assessments and position forget it (lms/cache.py, signals of Assessment and
    Employee)."""
    if not hasattr(user, "employee"):
        return []
    key = recommendations_key(user.pk)
    stamp = recommendations_stamp(
        timezone.localdate().isoformat(), tuple(sorted(exclude_course_ids)), limit
    )
    cached = request_cache.get(key)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    result = _recommendations(user=user, exclude_course_ids=exclude_course_ids, limit=limit)
    request_cache.remember(key, (stamp, result))
    cache.set(key, (stamp, result), CONTENT_TIMEOUT)
    return result


def _recommendations(
    *, user: User, exclude_course_ids: set[int], limit: int
) -> list[tuple[Any, list[CoursePage]]]:
    try:
        from competencies.selectors.gaps import competency_gaps_for_employee
    except ImportError:
        return []
    gaps = [
        g
        for g in competency_gaps_for_employee(employee=user.employee)
        if g.gap > 0 and g.required_level
    ]
    if not gaps:
        return []
    courses = course_list_for_gaps(gaps={g.competency.pk: g.required_level or 0 for g in gaps})
    result = []
    shown = 0
    for gap in gaps:
        matches = [c for c in courses.get(gap.competency.pk, []) if c.pk not in exclude_course_ids]
        if matches and shown < limit:
            result.append((gap, matches[:3]))
            shown += 1
    return result
