"""Classroom training at city scale, for benchmarks: the third part of `manage.py
seed_scale`, run after the LMS half (it uses the scale courses and employees). At factor
1: 400 finished batches over the past year (5 sessions of 2 JP each, 30 selected
participants, 50 external trainers), so 2,000 sessions, 12,000 participants and 60,000
attendance rows; and two batches running today, one of 500 participants (the check-in
benchmark) and one of 100 whose live attendance screen is measured. Deterministic for a
seed. Rows go in through `bulk_insert` (PostgreSQL `COPY`, `bulk_create` elsewhere).
Running it again on a database that already has the scale batches does nothing.

The participants get no enrolment (the completion engine is not what the benchmark
measures)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from competencies.demo.scale import SCALE_DOMAIN
from competencies.models import Employee
from lms.demo.scale import SLUG_PREFIX, Progress, bulk_insert
from lms.models import Attendance, Batch, CoursePage, Nomination, Session, Trainer

NUMBER_PREFIX = "Skala "
CHECK_IN_BATCH = f"{NUMBER_PREFIX}Presensi Hari Ini"
BOARD_BATCH = f"{NUMBER_PREFIX}Layar Hari Ini"
STEPS = ("batches", "sessions", "participants", "attendance")
SESSION_TIMES = ((8, 0, 9, 30), (10, 0, 11, 30), (13, 0, 14, 30), (8, 0, 9, 30), (10, 0, 11, 30))
# Statuses of the past attendance rows, with their weights.
STATUSES = (
    (Attendance.Status.HADIR, 80),
    (Attendance.Status.TERLAMBAT, 8),
    (Attendance.Status.IZIN, 5),
    (Attendance.Status.SAKIT, 3),
    (Attendance.Status.ALFA, 4),
)


@dataclass(frozen=True)
class ClassroomScaleSize:
    batches: int
    participants_per_batch: int = 30
    check_in_participants: int = 500
    board_participants: int = 100

    @classmethod
    def for_factor(cls, factor: float) -> ClassroomScaleSize:
        return cls(batches=max(2, round(400 * factor)))


@dataclass
class ScaleClassroom:
    batches: int
    sessions: int
    participants: int
    attendance: int
    created: bool


def scale_classroom_exists() -> bool:
    return Batch.objects.filter(number__startswith=NUMBER_PREFIX).exists()


def scale_seed_classroom(
    *, seed: int = 42, factor: float = 1.0, progress: Progress | None = None
) -> ScaleClassroom:
    """Needs the scale courses and employees; created=False without writing when the
    scale batches already exist (or there is nothing to build them on)."""
    if scale_classroom_exists():
        return ScaleClassroom(0, 0, 0, 0, created=False)
    courses = list(
        CoursePage.objects.filter(slug__startswith=SLUG_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)[:40]
    )
    people = list(
        Employee.objects.filter(user__email__endswith=f"@{SCALE_DOMAIN}", unit__isnull=False)
        .order_by("pk")
        .values_list("pk", "user_id", "unit_id")
    )
    if not courses or not people:
        return ScaleClassroom(0, 0, 0, 0, created=False)
    rng = random.Random(seed + 2)  # noqa: S311 - benchmark data, not security
    size = ClassroomScaleSize.for_factor(factor)
    note = progress or (lambda step, n: None)
    now = timezone.now()
    today = timezone.localdate(now)
    CoursePage.objects.filter(pk__in=courses).update(delivery_mode=CoursePage.DeliveryMode.KLASIKAL)
    units = sorted({unit for _e, _u, unit in people})

    trainers = _trainers(size)
    batches = _batches(size, rng, courses, units, today, committee_user_id=people[0][1])
    note("batches", len(batches))
    sessions = _sessions(batches, rng, trainers)
    note("sessions", len(sessions))
    participants = _participants(size, rng, batches, people, now)
    note("participants", sum(len(p) for p in participants.values()))
    rows = _attendance(batches, sessions, participants, rng)
    note("attendance", rows)
    return ScaleClassroom(
        batches=len(batches),
        sessions=len(sessions),
        participants=sum(len(p) for p in participants.values()),
        attendance=rows,
        created=True,
    )


def _trainers(size: ClassroomScaleSize) -> list[int]:
    count = max(5, size.batches // 8)
    bulk_insert(
        Trainer,
        ("kind", "name", "institution", "expertise", "email", "is_active"),
        (
            (Trainer.Kind.EXTERNAL, f"{NUMBER_PREFIX}Narasumber {i + 1}", "Universitas Mulawarman",
             "", "", True)
            for i in range(count)
        ),
    )  # fmt: skip
    return list(
        Trainer.objects.filter(name__startswith=NUMBER_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _batches(
    size: ClassroomScaleSize,
    rng: random.Random,
    courses: list[int],
    units: list[int],
    today: datetime.date,
    committee_user_id: int | None = None,
) -> list[dict]:
    """Finished batches spread over the past year, then the two running today."""
    plans: list[dict[str, Any]] = []
    for i in range(size.batches):
        starts = today - datetime.timedelta(days=2 + (i * 360) // size.batches)
        plans.append(
            {
                "number": f"{NUMBER_PREFIX}{i + 1:04d}",
                "course": courses[i % len(courses)],
                "unit": rng.choice(units),
                "starts": starts,
                "ends": starts + datetime.timedelta(days=1),
                "status": Batch.Status.FINISHED,
                "quota": size.participants_per_batch,
            }
        )
    for number, quota in (
        (CHECK_IN_BATCH, size.check_in_participants),
        (BOARD_BATCH, size.board_participants),
    ):
        plans.append(
            {
                "number": number,
                "course": courses[0],
                "unit": units[0],
                "starts": today,
                "ends": today,
                "status": Batch.Status.RUNNING,
                "quota": quota,
            }
        )
    bulk_insert(
        Batch,
        ("course_id", "number", "unit_id", "starts_on", "ends_on", "registration_opens_on",
         "registration_closes_on", "mode", "venue", "meeting_url", "quota_total", "status",
         "completion_threshold_percent", "eligible_jenjang", "requires_training_need"),
        (
            (p["course"], p["number"], p["unit"], p["starts"], p["ends"],
             p["starts"] - datetime.timedelta(days=30), p["starts"] - datetime.timedelta(days=7),
             Batch.Mode.KLASIKAL, "Aula BPSDM", "", p["quota"], p["status"], 90, "", False)
            for p in plans
        ),
    )  # fmt: skip
    ids = dict(Batch.objects.filter(number__startswith=NUMBER_PREFIX).values_list("number", "pk"))
    for p in plans:
        p["id"] = ids[p["number"]]
    # The running batches' committee: the first scale employee's account.
    committee = committee_user_id or 0
    if committee:
        bulk_insert(
            Batch.committee.through,
            ("batch_id", "user_id"),
            ((p["id"], committee) for p in plans if p["status"] == Batch.Status.RUNNING),
        )
    return plans


def _sessions(batches: list[dict], rng: random.Random, trainers: list[int]) -> dict[int, list]:
    """{batch id: [(session id, starts_at)]}: five sessions of 2 JP over the batch's two
    days; a running batch's one session lasts the whole day (check-in is open whenever the
    benchmark runs)."""
    rows = []
    for b in batches:
        if b["status"] == Batch.Status.RUNNING:
            rows.append(
                (b["id"], b["starts"], datetime.time(0, 0), datetime.time(23, 59), "Sesi hari ini")
            )
            continue
        for n, (h1, m1, h2, m2) in enumerate(SESSION_TIMES):
            day = b["starts"] if n < 3 else b["ends"]
            rows.append(
                (b["id"], day, datetime.time(h1, m1), datetime.time(h2, m2), f"Materi {n + 1}")
            )
    bulk_insert(
        Session,
        ("batch_id", "date", "start_time", "end_time", "topic", "room", "meeting_url", "jp", "sequence"),
        ((b, d, s, e, t, "Ruang 1", "", 2, 0) for b, d, s, e, t in rows),
    )  # fmt: skip
    sessions: dict[int, list] = {}
    for pk, batch_id, day, start in (
        Session.objects.filter(batch_id__in=[b["id"] for b in batches])
        .order_by("pk")
        .values_list("pk", "batch_id", "date", "start_time")
    ):
        starts_at = timezone.make_aware(datetime.datetime.combine(day, start))
        sessions.setdefault(batch_id, []).append((pk, starts_at))
    through = Session.trainers.through
    bulk_insert(
        through,
        ("session_id", "trainer_id"),
        ((pk, rng.choice(trainers)) for rows_ in sessions.values() for pk, _s in rows_),
    )
    return sessions


def _participants(
    size: ClassroomScaleSize,
    rng: random.Random,
    batches: list[dict],
    people: list,
    now: datetime.datetime,
) -> dict[int, list[int]]:
    """{batch id: [nomination ids]}: distinct selected employees per batch."""
    rows = []
    for b in batches:
        chosen = rng.sample(people, min(b["quota"], len(people)))
        decided = min(
            now, timezone.make_aware(datetime.datetime.combine(b["starts"], datetime.time(9)))
        )
        rows += [
            (b["id"], employee, unit, Nomination.Status.SELECTED, user, "", decided)
            for employee, user, unit in chosen
        ]
    bulk_insert(
        Nomination,
        ("batch_id", "employee_id", "unit_id", "status", "nominated_by_id", "reason", "decided_at"),
        rows,
    )  # fmt: skip
    participants: dict[int, list[int]] = {}
    for pk, batch_id in (
        Nomination.objects.filter(batch_id__in=[b["id"] for b in batches])
        .order_by("pk")
        .values_list("pk", "batch_id")
    ):
        participants.setdefault(batch_id, []).append(pk)
    return participants


def _attendance(
    batches: list[dict], sessions: dict[int, list], participants: dict[int, list[int]], rng
) -> int:
    """Every participant of a finished batch at each of its sessions; the board batch's
    session half recorded (the check-in batch's is left for the benchmark)."""
    statuses = [s for s, _w in STATUSES]
    weights = [w for _s, w in STATUSES]

    def rows():
        for b in batches:
            if b["number"] == CHECK_IN_BATCH:
                continue
            board = b["number"] == BOARD_BATCH
            for session_id, starts_at in sessions.get(b["id"], []):
                for i, nomination_id in enumerate(participants.get(b["id"], [])):
                    if board and i % 2:
                        continue
                    status = rng.choices(statuses, weights)[0]
                    present = status in Attendance.PRESENT
                    late = status == Attendance.Status.TERLAMBAT
                    at = starts_at + datetime.timedelta(
                        minutes=rng.randrange(20, 40) if late else rng.randrange(-20, 10)
                    )
                    yield (
                        session_id,
                        nomination_id,
                        status,
                        Attendance.Method.QR if present else Attendance.Method.COMMITTEE,
                        at if present else None,
                        "",
                    )

    return bulk_insert(
        Attendance,
        ("session_id", "nomination_id", "status", "method", "checked_in_at", "note"),
        rows(),
    )  # fmt: skip
