"""The demo's individual development plans (docs/idp.md): the demo learner's plan for
this year, agreed with their supervisor, with a catalogue course, coaching by the
supervisor (one session confirmed, so its JP count) and an on-the-job assignment; the
supervisor's own plan, proposed and waiting (he has no supervisor on record).
Idempotent: a plan that exists is left as it is."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone

from competencies.models import Employee, Idp, IdpActivity
from competencies.services.idp import (
    coaching_session_confirm,
    coaching_session_log,
    idp_activity_add,
    idp_agree,
    idp_create,
    idp_goal_add,
    idp_propose,
)
from lms.models import CoursePage

if TYPE_CHECKING:
    from accounts.models import User


def idp_demo_seed(*, users: dict[str, User]) -> None:
    learner = Employee.objects.filter(user=users["peserta"]).first()
    supervisor = Employee.objects.filter(user=users["atasan"]).first()
    if learner is None or supervisor is None:
        return
    today = timezone.localdate()
    year = today.year
    course = CoursePage.objects.live().order_by("title").first()
    if not Idp.objects.filter(employee=learner, year=year).exists():
        _learner_plan(learner=learner, supervisor=supervisor, course=course, today=today)
    if not Idp.objects.filter(employee=supervisor, year=year).exists():
        plan = idp_create(actor=supervisor.user, employee=supervisor, year=year)
        if not plan.goals.exists():
            idp_goal_add(actor=supervisor.user, idp=plan, title="Memimpin tim layanan perizinan")
        for goal in plan.goals.all():
            idp_activity_add(
                actor=supervisor.user, goal=goal, kind=IdpActivity.Kind.SELF_STUDY,
                description="Membaca dan merangkum pedoman kepemimpinan pelayanan",
                target_date=datetime.date(year, 12, 15), expected_jp=Decimal(4),
            )  # fmt: skip
        idp_propose(actor=supervisor.user, idp=plan)


def _learner_plan(
    *, learner: Employee, supervisor: Employee, course: CoursePage | None, today: datetime.date
) -> None:
    year = today.year
    actor = learner.user
    plan = idp_create(actor=actor, employee=learner, year=year)
    goals = list(plan.goals.all())
    if not goals:
        goals = [idp_goal_add(actor=actor, idp=plan, title="Meningkatkan kualitas pelayanan")]
    first = goals[0]
    if course is not None:
        idp_activity_add(
            actor=actor, goal=first, kind=IdpActivity.Kind.COURSE, target_id=course.pk,
            target_date=datetime.date(year, 9, 30), expected_jp=Decimal(10),
        )  # fmt: skip
    coaching = idp_activity_add(
        actor=actor, goal=first, kind=IdpActivity.Kind.COACHING, coach=supervisor,
        description="Coaching bulanan dengan atasan", target_date=datetime.date(year, 12, 15),
        expected_jp=Decimal(8),
    )  # fmt: skip
    for goal in goals[1:]:
        idp_activity_add(
            actor=actor, goal=goal, kind=IdpActivity.Kind.ON_THE_JOB,
            description="Mendampingi rekan di loket pelayanan",
            target_date=datetime.date(year, 11, 30), expected_jp=Decimal(0),
        )  # fmt: skip
    plan = idp_propose(actor=actor, idp=plan)
    idp_agree(actor=supervisor.user, idp=plan)
    session = coaching_session_log(
        actor=actor, activity=coaching, date=max(datetime.date(year, 1, 1), today - datetime.timedelta(days=14)),
        topic="Menangani pemohon yang berkas izinnya belum lengkap",
        notes="Contoh catatan pribadi: hanya pegawai dan coach yang melihatnya.",
    )  # fmt: skip
    coaching_session_confirm(actor=supervisor.user, session=session)
    coaching_session_log(
        actor=actor, activity=coaching, date=today, topic="Menyusun jawaban pengaduan"
    )
