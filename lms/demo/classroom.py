"""Classroom demo (part of seed_demo; docs/classroom.md): funding patterns, two trainers,
and three batches made through the services as HR and supervisors would:

- a finished blended batch with attendance, whose participants did the e-learning part
  (lessons, quiz, evaluation) and completed through the completion engine when HR finished
  the batch (JP from the sessions attended, certificates);
- a running batch with a session today from 07:30 to 16:00, so the QR screen and the
  check-in can be tried (the demo trainer and HR manager are its committee, Rina Lestari a
  participant);
- an open batch taking nominations, with per-OPD quotas.

All three are batches of the demo's classroom course (SAKIP).

Idempotent: a batch found by course and number is left as it is."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from competencies.models import Employee, OrgUnit
from lms.models import (
    Attendance,
    Batch,
    BatchUnitQuota,
    CoursePage,
    FundingPattern,
    Nomination,
    Session,
    Trainer,
)

FUNDING = ("APBD", "Kontribusi peserta", "Kerja sama")
# The demo's classroom course (lms/demo/courses_data/06-…): lessons, a quiz and the
# evaluation are its e-learning part; the batches add the sessions.
COURSE_SLUG = "sakip-akuntabilitas-kinerja"


def _unit(code: str) -> OrgUnit | None:
    return OrgUnit.objects.filter(code=code).first()


def _batch(
    *, course: CoursePage, number: str, unit: OrgUnit, start: datetime.date, **fields
) -> tuple[Batch, bool]:
    existing = Batch.objects.filter(course=course, number=number).first()
    if existing is not None:
        return existing, False
    today = timezone.localdate()
    batch = Batch(
        course=course,
        number=number,
        unit=unit,
        starts_on=start,
        ends_on=start + datetime.timedelta(days=1),
        # Open for nominations while the seed nominates; moved on below.
        registration_opens_on=today - datetime.timedelta(days=14),
        registration_closes_on=today + datetime.timedelta(days=7),
        mode=fields.pop("mode", Batch.Mode.KLASIKAL),
        venue="Aula BKPSDM Kota Bontang (contoh)",
        quota_total=fields.pop("quota_total", 20),
        status=Batch.Status.OPEN,
        funding=FundingPattern.objects.get(name="APBD"),
        **fields,
    )
    batch.full_clean()
    batch.save()
    return batch, True


def _sessions(batch: Batch, day: datetime.date, trainers: list[Trainer]) -> list[Session]:
    rows = [
        (day, datetime.time(7, 30), datetime.time(12, 0), "Standar pelayanan dan maklumat"),
        (day, datetime.time(13, 0), datetime.time(16, 0), "Mengelola pengaduan"),
        (
            day + datetime.timedelta(days=1),
            datetime.time(7, 30),
            datetime.time(12, 0),
            "Survei kepuasan masyarakat",
        ),
    ]
    sessions = []
    for i, (date, start, end, topic) in enumerate(rows):
        session = Session(
            batch=batch,
            date=date,
            start_time=start,
            end_time=end,
            topic=topic,
            room="Ruang Kelas 1",
            jp=Decimal(3 - i),  # 3 + 2 + 1 = the course's 6 JP
        )
        session.full_clean()
        session.save()
        session.trainers.set(trainers[i % len(trainers) : i % len(trainers) + 1])
        sessions.append(session)
    return sessions


def _select(batch: Batch, employees: list[Employee], hr: User) -> list[Nomination]:
    from lms.services.classroom_nominations import nomination_create, nomination_decide

    selected = []
    for employee in employees:
        actor = employee.supervisor.user if employee.supervisor else hr
        nomination = nomination_create(batch=batch, employee=employee, actor=actor)
        selected.append(
            nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
        )
    return selected


# The demo participants' answers about the finished batch (event items, then the items for
# each trainer of the sessions they attended), one set per participant.
DEMO_ANSWERS = (
    ((4, 4, 5, 5), (5, 4, 5), "Praktik menyusun indikator kinerja sangat membantu (contoh)."),
    ((5, 3, 4, 4), (4, 4, 4), "Ruang kelas agak panas siang hari (contoh)."),
)


def _evaluate(batch: Batch) -> None:
    """The finished batch's participants evaluate it through the service (once each: a
    participant who has answered is skipped, so seeding again adds nothing)."""
    from lms.models import BatchEvaluationReceipt
    from lms.models.classroom_evaluation import EVENT_ITEMS, TRAINER_ITEMS
    from lms.selectors.classroom_evaluations import nomination_trainers_to_evaluate
    from lms.services.classroom_evaluations import batch_evaluation_submit

    batch.refresh_from_db(fields=["status"])  # moved on through the service above
    if batch.status != Batch.Status.FINISHED:
        return
    participants = batch.nominations.filter(status=Nomination.Status.SELECTED).select_related(
        "employee__user"
    )
    for answers, participant in zip(DEMO_ANSWERS, participants.order_by("pk"), strict=False):
        if BatchEvaluationReceipt.objects.filter(nomination=participant).exists():
            continue
        event, trainer, comment = answers
        trainers = nomination_trainers_to_evaluate(nomination=participant)
        batch_evaluation_submit(
            user=participant.employee.user,
            batch=batch,
            event=dict(zip(EVENT_ITEMS, event, strict=True)),
            trainers={t.pk: dict(zip(TRAINER_ITEMS, trainer, strict=True)) for t in trainers},
            comments=comment,
        )


def classroom_demo_seed(*, users: dict[str, User]) -> None:
    from lms.demo.courses import _finish
    from lms.services.classroom import batch_status_change

    course = CoursePage.objects.filter(slug=COURSE_SLUG).first()
    organiser = _unit("BKPSDM")
    pel = _unit("DPMPTSP.PEL")
    if course is None or organiser is None or pel is None:
        return
    hr = users["sdm"]
    for name in FUNDING:
        FundingPattern.objects.get_or_create(name=name)
    trainer_employee = Employee.objects.filter(user=users["pelatih"]).first()
    trainers = [
        Trainer.objects.get_or_create(
            name="Sri Wahyuni, S.Pd., M.Pd.",
            defaults={
                "kind": Trainer.Kind.INTERNAL,
                "employee": trainer_employee,
                "institution": "BKPSDM Kota Bontang",
                "expertise": "Pelayanan publik, SAKIP",
            },
        )[0],
        Trainer.objects.get_or_create(
            name="Dr. Hasan Basri, M.A.P.",
            defaults={
                "kind": Trainer.Kind.EXTERNAL,
                "institution": "Universitas Mulawarman (contoh)",
                "expertise": "Kebijakan publik, survei kepuasan",
            },
        )[0],
    ]
    colleagues = list(
        Employee.objects.filter(unit=pel, supervisor__user=users["atasan"])
        .exclude(user=users["peserta"])
        .order_by("full_name")
    )
    rina = Employee.objects.get(user=users["peserta"])
    today = timezone.localdate()

    # Finished (blended): two weeks ago; both participants did the e-learning part and
    # its evaluation, one attended every session, the other missed the last (5 of 6 JP).
    finished, created = _batch(
        course=course,
        number="Angkatan I",
        unit=organiser,
        start=today - datetime.timedelta(days=14),
        completion_threshold_percent=80,
        mode=Batch.Mode.BLENDED,
    )
    if created and colleagues:
        sessions = _sessions(finished, finished.starts_on, trainers)
        participants = _select(finished, colleagues[:2], hr)
        for participant in participants:
            _finish(
                participant.employee.user,
                course,
                grader=users["pelatih"],
                pre=5,
                post=9,
                rating=(5, 4, 5),
                comment="Praktik menyusun indikator kinerja sangat membantu (contoh).",
            )
        for n, participant in enumerate(participants):
            for i, session in enumerate(sessions):
                present = n == 0 or i < 2  # the second missed the last session
                Attendance.objects.create(
                    session=session,
                    nomination=participant,
                    status=Attendance.Status.HADIR if present else Attendance.Status.IZIN,
                    method=Attendance.Method.COMMITTEE,
                    checked_in_at=session.starts_at if present else None,
                    recorded_by=users["pelatih"],
                )
        Batch.objects.filter(pk=finished.pk).update(
            registration_opens_on=finished.starts_on - datetime.timedelta(days=30),
            registration_closes_on=finished.starts_on - datetime.timedelta(days=7),
        )
        for status in (Batch.Status.SELECTION, Batch.Status.RUNNING, Batch.Status.FINISHED):
            batch_status_change(batch=finished, actor=hr, status=status)

    _evaluate(finished)

    # Running: today's sessions, Rina selected, committee = trainer + HR.
    running, created = _batch(course=course, number="Angkatan II", unit=organiser, start=today)
    if created:
        running.committee.set([users["pelatih"], hr])
        _sessions(running, today, trainers)
        _select(running, [rina], hr)
        Batch.objects.filter(pk=running.pk).update(
            registration_closes_on=today - datetime.timedelta(days=1)
        )
        for status in (Batch.Status.SELECTION, Batch.Status.RUNNING):
            batch_status_change(batch=running, actor=hr, status=status)

    # Open: per-OPD quotas, taking nominations for another week.
    opening, created = _batch(
        course=course,
        number="Angkatan III",
        unit=organiser,
        start=today + datetime.timedelta(days=21),
        quota_total=30,
    )
    if created:
        for code, quota in (("DPMPTSP", 3), ("DUKCAPIL", 2), ("DINKES", 2), ("BKPSDM", 2)):
            unit = _unit(code)
            if unit is not None:
                BatchUnitQuota.objects.create(batch=opening, unit=unit, quota=quota)
