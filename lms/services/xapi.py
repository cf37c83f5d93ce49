"""xAPI statements out (docs/xapi.md).

Recording: each service that writes a learning event calls one `xapi_record_*` function
inside its own transaction. When xAPI is on (settings.XAPI_LRS_ENDPOINT), the function
builds the statement (lms.xapi.statements) and writes it to the outbox
(`XapiStatement`, one row per event, keyed by the statement's deterministic id, so
recording an event twice writes one row), and after commit queues the delivery task.
When xAPI is off it returns at once: no query, nothing written.

Delivery: `xapi_statements_deliver` sends the due rows in batches to the LRS, marks
them sent, and on a failure backs the rows off (15 s, 30 s, 1 min… up to an hour) and
raises, so that the Celery task retries; the task also runs every minute as a sweep.
Sending a statement twice is harmless: the LRS keeps a statement id once."""

from __future__ import annotations

import datetime
import hashlib
import logging
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from config.links import portal_base_url, portal_url
from lms.models import XapiStatement
from lms.xapi import profile
from lms.xapi.client import LrsError, statements_post
from lms.xapi.statements import (
    Activity,
    agent_account,
    agent_mbox,
    duration,
    pseudonym,
    registration_id,
    score,
    statement_build,
)

if TYPE_CHECKING:
    from wagtail.models import Page

    from lms.models import (
        Attendance,
        Certificate,
        CoursePage,
        Enrolment,
        LessonPage,
        LessonProgress,
        QuizAttempt,
    )

logger = logging.getLogger(__name__)

LANGUAGE = "id-ID"
MAX_BACKOFF_SECONDS = 3600


def xapi_enabled() -> bool:
    return bool(settings.XAPI_LRS_ENDPOINT)


# --- actor and activities ------------------------------------------------------------


def _actor_secret() -> str:
    secret = settings.XAPI_ACTOR_SECRET
    if secret:
        return secret
    # Derived, so that the pseudonyms do not reveal SECRET_KEY and differ from any other
    # HMAC of it; set XAPI_ACTOR_SECRET to keep them across a SECRET_KEY rotation.
    return hashlib.sha256(f"xapi-actor:{settings.SECRET_KEY}".encode()).hexdigest()


def xapi_actor(*, user_id: int) -> dict[str, Any]:
    """The learner as an xAPI Agent: by default an account on the portal
    (homePage = the portal's address) named by a pseudonym, never the NIP or e-mail
    unless XAPI_ACTOR_IDENTIFIER says so ("email", "nip")."""
    from accounts.models import User

    home = portal_base_url()
    mode = settings.XAPI_ACTOR_IDENTIFIER
    if mode in {"email", "nip"}:
        email, nip = User.objects.values_list("email", "nip").get(pk=user_id)
        if mode == "email" and email:
            return agent_mbox(email=email)
        if mode == "nip" and nip:
            return agent_account(home_page=home, name=nip)
    return agent_account(home_page=home, name=pseudonym(secret=_actor_secret(), user_id=user_id))


def _page_activity(page: Page, kind: str) -> Activity:
    url = page.get_url()
    return Activity(
        id=portal_url(url) if url else f"{portal_base_url()}/xapi/pages/{page.pk}",
        type=kind,
        name=page.title,
    )


def _course_activity(course: CoursePage) -> Activity:
    return _page_activity(course, "course")


def _quiz_activity_parent(attempt: QuizAttempt) -> tuple[Activity, Activity | None]:
    quiz = attempt.quiz
    activity = _page_activity(quiz, "assessment")
    course = attempt.enrolment.course
    return activity, (_course_activity(course) if course is not None else None)


# --- recording -----------------------------------------------------------------------


def _enqueue_delivery() -> None:
    from lms.tasks import xapi_statements_deliver_enqueue

    xapi_statements_deliver_enqueue()


def _record(items: list[tuple[str, dict[str, Any]]]) -> None:
    if not items:
        return
    now = timezone.now()
    XapiStatement.objects.bulk_create(
        [
            XapiStatement(
                id=statement["id"], verb=verb, statement=statement, created_at=now, next_try_at=now
            )
            for verb, statement in items
        ],
        ignore_conflicts=True,
    )
    # One task per recording transaction would do; a few more find nothing to send.
    transaction.on_commit(_enqueue_delivery)


def _build(
    *,
    key: str,
    user_id: int,
    verb: str,
    activity: Activity,
    when: datetime.datetime,
    parent: Activity | None = None,
    enrolment_id: int | None = None,
    result: dict[str, Any] | None = None,
) -> tuple[str, dict[str, Any]]:
    base = portal_base_url()
    return verb, statement_build(
        base_url=base,
        key=key,
        actor=xapi_actor(user_id=user_id),
        verb=verb,
        activity=activity,
        when=when,
        language=LANGUAGE,
        platform=settings.XAPI_PLATFORM,
        parent=parent,
        registration=(
            registration_id(base_url=base, enrolment_id=enrolment_id) if enrolment_id else None
        ),
        result=result,
    )


def xapi_record_enrolled(*, enrolments: list[Enrolment], course: CoursePage) -> None:
    """`registered` in the course, for active enrolments (a request is not one yet)."""
    if not xapi_enabled():
        return
    activity = _course_activity(course)
    _record(
        [
            _build(
                key=f"enrolment:{e.pk}:registered",
                user_id=e.user_id,
                verb="registered",
                activity=activity,
                when=e.enrolled_at or timezone.now(),
                enrolment_id=e.pk,
            )
            for e in enrolments
            if e.status in {"active", "completed"}
        ]
    )


def xapi_record_enrolled_ids(*, course: CoursePage, user_ids: list[int]) -> None:
    """The same for enrolments inserted in bulk (not read back by the caller)."""
    if not xapi_enabled() or not user_ids:
        return
    from lms.models import Enrolment

    xapi_record_enrolled(
        enrolments=list(
            Enrolment.objects.filter(course=course, user_id__in=user_ids, is_current=True).only(
                "pk", "user_id", "status", "enrolled_at"
            )
        ),
        course=course,
    )


def xapi_record_lesson_opened(
    *, progress: LessonProgress, lesson: LessonPage, enrolment: Enrolment
) -> None:
    """`experienced` the lesson, once per opening recorded by the portal."""
    if not xapi_enabled() or enrolment.course is None:
        return
    when = progress.last_opened_at
    _record(
        [
            _build(
                key=f"lesson-progress:{enrolment.pk}:{lesson.pk}:opened:{when.timestamp():.6f}",
                user_id=enrolment.user_id,
                verb="experienced",
                activity=_page_activity(lesson, "lesson"),
                parent=_course_activity(enrolment.course),
                when=when,
                enrolment_id=enrolment.pk,
            )
        ]
    )


def xapi_record_lesson_completed(
    *, progress: LessonProgress, lesson: LessonPage, enrolment: Enrolment
) -> None:
    if not xapi_enabled() or enrolment.course is None or progress.completed_at is None:
        return
    _record(
        [
            _build(
                key=f"lesson-progress:{enrolment.pk}:{lesson.pk}:completed",
                user_id=enrolment.user_id,
                verb="completed",
                activity=_page_activity(lesson, "lesson"),
                parent=_course_activity(enrolment.course),
                when=progress.completed_at,
                enrolment_id=enrolment.pk,
                result={"completion": True, "duration": duration(progress.seconds_spent)},
            )
        ]
    )


def xapi_record_quiz_attempted(*, attempt: QuizAttempt) -> None:
    if not xapi_enabled():
        return
    activity, parent = _quiz_activity_parent(attempt)
    _record(
        [
            _build(
                key=f"quiz-attempt:{attempt.pk}:attempted",
                user_id=attempt.user_id,
                verb="attempted",
                activity=activity,
                parent=parent,
                when=attempt.started_at,
                enrolment_id=attempt.enrolment_id,
            )
        ]
    )


def xapi_record_quiz_graded(*, attempt: QuizAttempt) -> None:
    """`passed` or `failed`, with the score, once the attempt is graded (at submission,
    or when the trainer grades the last essay)."""
    if not xapi_enabled() or attempt.passed is None or attempt.score is None:
        return
    activity, parent = _quiz_activity_parent(attempt)
    verb = "passed" if attempt.passed else "failed"
    _record(
        [
            _build(
                key=f"quiz-attempt:{attempt.pk}:graded:{attempt.score}",
                user_id=attempt.user_id,
                verb=verb,
                activity=activity,
                parent=parent,
                when=attempt.submitted_at or timezone.now(),
                enrolment_id=attempt.enrolment_id,
                result={
                    "score": score(raw=attempt.score, maximum=attempt.max_score),
                    "success": bool(attempt.passed),
                    "completion": True,
                },
            )
        ]
    )


def xapi_record_course_completed(*, enrolment: Enrolment) -> None:
    if not xapi_enabled() or enrolment.course is None or enrolment.completed_at is None:
        return
    _record(
        [
            _build(
                key=f"enrolment:{enrolment.pk}:completed",
                user_id=enrolment.user_id,
                verb="completed",
                activity=_course_activity(enrolment.course),
                when=enrolment.completed_at,
                enrolment_id=enrolment.pk,
                result={
                    "completion": True,
                    "extensions": {profile.EXTENSION_JP: float(enrolment.jp_earned or 0)},
                },
            )
        ]
    )


def _certificate_activity(certificate: Certificate) -> Activity:
    from lms.selectors.certificates import certificate_verify_url

    return Activity(
        id=certificate_verify_url(code=certificate.code),
        type="certificate",
        name=certificate.course_title,
    )


def xapi_record_certificate_issued(
    *, certificate: Certificate, enrolment: Enrolment, course: CoursePage
) -> None:
    if not xapi_enabled():
        return
    when = timezone.now()
    _record(
        [
            _build(
                key=f"certificate:{certificate.pk}:issued",
                user_id=certificate.user_id,
                verb="earned",
                activity=_certificate_activity(certificate),
                parent=_course_activity(course),
                when=when,
                enrolment_id=enrolment.pk,
                result={
                    "extensions": {
                        profile.EXTENSION_CERTIFICATE_NUMBER: certificate.number,
                        profile.EXTENSION_JP: float(Decimal(certificate.jp)),
                    }
                },
            )
        ]
    )


def xapi_record_certificate_revoked(*, certificate: Certificate) -> None:
    if not xapi_enabled():
        return
    from lms.models import Enrolment

    enrolment = Enrolment.objects.select_related("course").get(pk=certificate.enrolment_id)
    _record(
        [
            _build(
                key=f"certificate:{certificate.pk}:revoked",
                user_id=certificate.user_id,
                verb="revoked",
                activity=_certificate_activity(certificate),
                parent=_course_activity(enrolment.course) if enrolment.course else None,
                when=certificate.revoked_at or timezone.now(),
                enrolment_id=enrolment.pk,
                result={
                    "extensions": {
                        profile.EXTENSION_REVOCATION_CATEGORY: certificate.revocation_category
                    }
                },
            )
        ]
    )


def xapi_record_attendance(*, attendance: Attendance) -> None:
    """`attended` a classroom session, `success` true when present or late; a new
    statement for each status the session's attendance takes (a correction included)."""
    if not xapi_enabled():
        return
    from django.urls import reverse

    from lms.models import Attendance as AttendanceModel
    from lms.models import Nomination

    nomination = Nomination.objects.select_related("employee", "batch__course").get(
        pk=attendance.nomination_id
    )
    session = attendance.session
    course = nomination.batch.course
    present = attendance.status in AttendanceModel.PRESENT
    _record(
        [
            _build(
                key=f"attendance:{attendance.pk}:{attendance.status}",
                user_id=nomination.employee.user_id,
                verb="attended",
                activity=Activity(
                    id=portal_url(reverse("classroom:check_in", args=[session.pk])),
                    type="meeting",
                    name=session.topic,
                ),
                parent=_course_activity(course) if course is not None else None,
                when=attendance.checked_in_at or timezone.now(),
                enrolment_id=nomination.enrolment_id,
                result={
                    "success": present,
                    "extensions": {profile.EXTENSION_ATTENDANCE_STATUS: attendance.status},
                },
            )
        ]
    )


# --- delivery ------------------------------------------------------------------------


def _backoff(tries: int) -> datetime.timedelta:
    return datetime.timedelta(seconds=min(MAX_BACKOFF_SECONDS, 15 * 2 ** max(0, tries - 1)))


def _post(rows: list[XapiStatement]) -> None:
    statements_post(
        endpoint=settings.XAPI_LRS_ENDPOINT,
        key=settings.XAPI_LRS_KEY,
        secret=settings.XAPI_LRS_SECRET,
        statements=[row.statement for row in rows],
        timeout=settings.XAPI_LRS_TIMEOUT,
    )


def _mark(rows: list[XapiStatement], *, now: datetime.datetime, error: LrsError | None) -> None:
    ids = [row.pk for row in rows]
    if error is None:
        XapiStatement.objects.filter(pk__in=ids).update(
            status=XapiStatement.Status.SENT, sent_at=now, last_error=""
        )
        return
    for row in rows:
        row.tries += 1
        row.last_error = str(error)[:2000]
        row.next_try_at = now + _backoff(row.tries)
        if not error.transient:
            row.status = XapiStatement.Status.REJECTED
    XapiStatement.objects.bulk_update(rows, ["tries", "last_error", "next_try_at", "status"])


def _deliver_batch(*, batch_size: int) -> tuple[int, LrsError | None] | None:
    """Sends one batch under row locks (skip_locked: two workers never send the same
    rows at once). None when nothing is due. A batch the LRS refuses for good is sent
    again one statement at a time, so that only the bad statement is rejected."""
    now = timezone.now()
    with transaction.atomic():
        rows = list(
            XapiStatement.objects.select_for_update(skip_locked=True)
            .filter(status=XapiStatement.Status.PENDING, next_try_at__lte=now)
            .order_by("created_at", "pk")
            .only("pk", "statement", "tries")[:batch_size]
        )
        if not rows:
            return None
        try:
            _post(rows)
        except LrsError as error:
            if error.transient or len(rows) == 1:
                _mark(rows, now=now, error=error)
                return 0, (error if error.transient else None)
        else:
            _mark(rows, now=now, error=None)
            return len(rows), None
        sent = 0
        for index, row in enumerate(rows):
            try:
                _post([row])
            except LrsError as error:
                _mark([row] if not error.transient else rows[index:], now=now, error=error)
                if error.transient:
                    return sent, error
            else:
                _mark([row], now=now, error=None)
                sent += 1
        return sent, None


def xapi_statements_deliver(
    *, batch_size: int | None = None, max_batches: int | None = None
) -> int:
    """Sends the due statements of the outbox; returns how many the LRS accepted.
    Raises `LrsError` (after backing the batch off) when the LRS could not be reached,
    so that the task retries."""
    if not xapi_enabled():
        return 0
    batch_size = batch_size or settings.XAPI_BATCH_SIZE
    sent = 0
    for _ in range(max_batches or settings.XAPI_BATCHES_PER_RUN):
        outcome = _deliver_batch(batch_size=batch_size)
        if outcome is None:
            break
        count, error = outcome
        sent += count
        if error is not None:
            logger.warning("xAPI delivery failed after %s sent: %s", sent, error)
            raise error
    return sent
