"""Reads of the batch evaluations (docs/classroom.md, "Evaluation"): whether a participant
may evaluate and whom, the results of one batch, a trainer's ratings across batches.

Every average is withheld below EVALUATION_MIN_ANSWERS answers, for every viewer (HR, the
committee, the trainer): with fewer, a reader who knows who attended could read one
person's answers off the average. Comments are never shown to trainers."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Avg, Count, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.rules import require_hr
from lms.models import (
    Attendance,
    Batch,
    BatchEvaluation,
    BatchEvaluationReceipt,
    Nomination,
    Trainer,
    TrainerEvaluation,
)
from lms.models.classroom_evaluation import EVENT_ITEMS, TRAINER_ITEMS
from lms.selectors.classroom import LedgerRow, batch_list_for_hr, trainer_jp_ledger
from lms.selectors.public import SMALL_CELL

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from accounts.models import User

# The portal's small-cell rule (lms.selectors.public): fewer answers and no average shows.
EVALUATION_MIN_ANSWERS = SMALL_CELL


def _average(values: dict[str, float | None], items: tuple[str, ...]) -> Decimal | None:
    present = [Decimal(str(values[i])) for i in items if values.get(i) is not None]
    if not present:
        return None
    return (sum(present, Decimal("0")) / len(present)).quantize(Decimal("0.01"))


def _averages(row: dict, items: tuple[str, ...]) -> dict[str, Decimal | None]:
    return {
        i: Decimal(str(row[i])).quantize(Decimal("0.01")) if row.get(i) is not None else None
        for i in items
    }


# --- the participant ----------------------------------------------------------------------


def batch_evaluation_is_open(*, batch: Batch, now: datetime.datetime | None = None) -> bool:
    """Open once the batch has finished, or while it runs from the start of its last
    session (participants often fill it in at the closing)."""
    if batch.status == Batch.Status.FINISHED:
        return True
    if batch.status != Batch.Status.RUNNING:
        return False
    last = batch.sessions.order_by("-date", "-start_time").first()
    return last is not None and (now or timezone.now()) >= last.starts_at


def nomination_trainers_to_evaluate(*, nomination: Nomination) -> list[Trainer]:
    """The trainers of the sessions the participant attended (present or late)."""
    return list(
        Trainer.objects.filter(
            sessions__attendance__nomination=nomination,
            sessions__attendance__status__in=Attendance.PRESENT,
        )
        .distinct()
        .order_by("name")
    )


def nomination_has_attended(*, nomination: Nomination) -> bool:
    return nomination.attendance.filter(status__in=Attendance.PRESENT).exists()


def nomination_get_for_evaluation(*, user: User | AnonymousUser, batch_id: int) -> Nomination:
    """The signed-in person's selected place in the batch; 404 for everyone else, so the
    form of a batch one was not in does not even say it exists."""
    if not user.is_authenticated:
        raise Http404
    nomination = (
        Nomination.objects.filter(
            batch_id=batch_id, employee__user_id=user.pk, status=Nomination.Status.SELECTED
        )
        .select_related("batch__course", "enrolment")
        .first()
    )
    if nomination is None:
        raise Http404
    return nomination


def nomination_has_evaluated(*, nomination: Nomination) -> bool:
    return BatchEvaluationReceipt.objects.filter(nomination=nomination).exists()


# --- results -----------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainerResult:
    trainer_id: int
    name: str
    answers: int
    shown: bool
    items: dict[str, Decimal | None]
    average: Decimal | None


@dataclass(frozen=True)
class BatchResults:
    participants: int  # selected participants who attended at least one session
    answers: int
    shown: bool
    items: dict[str, Decimal | None]
    average: Decimal | None
    trainers: list[TrainerResult]
    comments: list[str] = field(default_factory=list)
    min_answers: int = EVALUATION_MIN_ANSWERS


def _trainer_results(qs) -> list[TrainerResult]:
    rows = (
        qs.values("trainer_id", "trainer__name")
        .annotate(answers=Count("pk"), **{i: Avg(i) for i in TRAINER_ITEMS})
        .order_by("trainer__name")
    )
    results = []
    for row in rows:
        shown = row["answers"] >= EVALUATION_MIN_ANSWERS
        items = _averages(row, TRAINER_ITEMS) if shown else dict.fromkeys(TRAINER_ITEMS)
        results.append(
            TrainerResult(
                trainer_id=row["trainer_id"],
                name=row["trainer__name"],
                answers=row["answers"],
                shown=shown,
                items=items,
                average=_average(row, TRAINER_ITEMS) if shown else None,
            )
        )
    return results


def batch_evaluation_results(*, batch: Batch, with_comments: bool = True) -> BatchResults:
    """The batch's answers in aggregate (four queries); comments, newest first and without
    names, only for HR and the committee and only when the averages show."""
    event = BatchEvaluation.objects.filter(batch=batch).aggregate(
        answers=Count("pk"), **{i: Avg(i) for i in EVENT_ITEMS}
    )
    shown = event["answers"] >= EVALUATION_MIN_ANSWERS
    participants = (
        Nomination.objects.filter(batch=batch, status=Nomination.Status.SELECTED)
        .filter(attendance__status__in=Attendance.PRESENT)
        .distinct()
        .count()
    )
    comments: list[str] = []
    if with_comments and shown:
        comments = list(
            BatchEvaluation.objects.filter(batch=batch)
            .exclude(comments="")
            .order_by("-pk")
            .values_list("comments", flat=True)[:200]
        )
    return BatchResults(
        participants=participants,
        answers=event["answers"],
        shown=shown,
        items=_averages(event, EVENT_ITEMS) if shown else dict.fromkeys(EVENT_ITEMS),
        average=_average(event, EVENT_ITEMS) if shown else None,
        trainers=_trainer_results(TrainerEvaluation.objects.filter(evaluation__batch=batch)),
        comments=comments,
    )


# --- trainers -------------------------------------------------------------------------------


@dataclass(frozen=True)
class TrainerBatchRow:
    batch: Batch
    result: TrainerResult | None  # None: no answers yet


def _combine(trainer_id: int, name: str, rows: list[dict]) -> TrainerResult | None:
    """One rating across batches from per-batch rows, using only the batches whose own
    ratings show: an average over a withheld batch could be subtracted back out of it."""
    shown = [r for r in rows if r["answers"] >= EVALUATION_MIN_ANSWERS]
    answers = sum(r["answers"] for r in shown)
    if not answers:
        return None
    items: dict[str, Decimal | None] = {
        i: Decimal(str(sum(r[i] * r["answers"] for r in shown) / answers)).quantize(Decimal("0.01"))
        for i in TRAINER_ITEMS
    }
    return TrainerResult(
        trainer_id=trainer_id,
        name=name,
        answers=answers,
        shown=True,
        items=items,
        average=_average({i: float(v) for i, v in items.items() if v is not None}, TRAINER_ITEMS),
    )


def _per_batch(answers: QuerySet[TrainerEvaluation], *by: str) -> list[dict]:
    return list(
        answers.values(*by, "evaluation__batch_id")
        .annotate(answers=Count("pk"), **{i: Avg(i) for i in TRAINER_ITEMS})
        .order_by()
    )


def trainer_ratings_by_batch(
    *, trainer: Trainer, batches: QuerySet[Batch] | None = None
) -> tuple[list[TrainerBatchRow], TrainerResult | None]:
    """The trainer's ratings per batch taught (each withheld below the threshold) and
    across the batches whose ratings show (`batches` limits to an HR manager's scope).
    Two queries."""
    taught = Batch.objects.filter(sessions__trainers=trainer).exclude(status=Batch.Status.CANCELLED)
    answers = TrainerEvaluation.objects.filter(trainer=trainer)
    if batches is not None:
        taught = taught.filter(pk__in=batches.values("pk"))
        answers = answers.filter(evaluation__batch__in=batches.values("pk"))
    taught = taught.distinct().select_related("course").order_by("-starts_on", "number")
    rows = _per_batch(answers)
    per_batch = {}
    for row in rows:
        shown = row["answers"] >= EVALUATION_MIN_ANSWERS
        per_batch[row["evaluation__batch_id"]] = TrainerResult(
            trainer_id=trainer.pk,
            name=trainer.name,
            answers=row["answers"],
            shown=shown,
            items=_averages(row, TRAINER_ITEMS) if shown else dict.fromkeys(TRAINER_ITEMS),
            average=_average(row, TRAINER_ITEMS) if shown else None,
        )
    overall = _combine(trainer.pk, trainer.name, rows)
    return [TrainerBatchRow(b, per_batch.get(b.pk)) for b in taught], overall


def batch_is_taught_by(*, batch: Batch, user: User | AnonymousUser) -> bool:
    """Whether the person is a trainer of one of the batch's sessions (a committee member
    may be): they then see the batch's results as a trainer does, without comments."""
    if not user.is_authenticated:
        return False
    return batch.sessions.filter(trainers__employee__user_id=user.pk).exists()


def trainer_profile_for_user(*, user: User | AnonymousUser) -> Trainer | None:
    """The signed-in person's trainer profile (internal trainers), if any."""
    if not user.is_authenticated:
        return None
    return Trainer.objects.filter(employee__user_id=user.pk).first()


def trainer_get_for_hr(*, user: User | AnonymousUser, pk: int) -> Trainer:
    """A trainer, for HR (trainers are one shared list, as in the trainer viewset)."""
    require_hr(user)
    try:
        return Trainer.objects.get(pk=pk)
    except Trainer.DoesNotExist as exc:
        raise Http404 from exc


@dataclass(frozen=True)
class RatedLedgerRow:
    row: LedgerRow
    answers: int  # the answers behind the average (batches whose ratings show)
    average: Decimal | None  # None: no batch with enough answers


def trainer_jp_ledger_with_ratings(
    *, user: User | AnonymousUser, year: int
) -> list[RatedLedgerRow]:
    """The JP-taught ledger with each trainer's average rating over the year's batches
    (by start date) in the HR manager's scope whose ratings show. One query more."""
    rows = trainer_jp_ledger(user=user, year=year)
    batches = batch_list_for_hr(user=user).filter(starts_on__year=year)
    by_trainer: dict[int, list[dict]] = {}
    for r in _per_batch(
        TrainerEvaluation.objects.filter(
            trainer_id__in=[r.trainer_id for r in rows],
            evaluation__batch__in=batches.values("pk"),
        ),
        "trainer_id",
    ):
        by_trainer.setdefault(r["trainer_id"], []).append(r)
    rated = []
    for row in rows:
        result = _combine(row.trainer_id, row.trainer, by_trainer.get(row.trainer_id, []))
        rated.append(
            RatedLedgerRow(row, result.answers if result else 0, result.average if result else None)
        )
    return rated
