"""A double submission of the evaluation racing on PostgreSQL (two tabs, a double tap):
one set of answers, one receipt."""

from __future__ import annotations

import pytest

from lms.models import (
    Attendance,
    Batch,
    BatchEvaluation,
    BatchEvaluationReceipt,
    Nomination,
    TrainerEvaluation,
)
from lms.models.classroom_evaluation import EVENT_ITEMS, TRAINER_ITEMS
from lms.services.classroom_evaluations import batch_evaluation_submit
from lms.services.classroom_nominations import nomination_create, nomination_decide
from tests.factories.lms import SessionFactory, TrainerFactory
from tests.lms.classroom.test_concurrency_pg import _race

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.usefixtures("_database_as_migrated"),
    pytest.mark.postgresql(reason="row locks need PostgreSQL; SQLite serialises writers"),
]


def test_a_double_submission_leaves_one_set_of_answers(batch, supervisor, staff, hr):
    nomination = nomination_create(batch=batch, employee=staff[0], actor=supervisor.user)
    nomination_decide(nomination=nomination, actor=hr, status=Nomination.Status.SELECTED)
    Batch.objects.filter(pk=batch.pk).update(status=Batch.Status.FINISHED)
    batch.refresh_from_db()
    trainer = TrainerFactory()
    session = SessionFactory(batch=batch)
    session.trainers.set([trainer])
    Attendance.objects.create(session=session, nomination=nomination, status="hadir", method="qr")
    user = staff[0].user

    def submit():
        return batch_evaluation_submit(
            user=user,
            batch=batch,
            event=dict.fromkeys(EVENT_ITEMS, 4),
            trainers={trainer.pk: dict.fromkeys(TRAINER_ITEMS, 5)},
        )

    errors = _race([submit for _ in range(4)])

    assert errors == []
    assert BatchEvaluationReceipt.objects.count() == 1
    assert BatchEvaluation.objects.count() == 1
    assert TrainerEvaluation.objects.count() == 1
