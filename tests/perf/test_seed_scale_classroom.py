"""The classroom part of `seed_scale` (bulk_create path on SQLite; COPY on PostgreSQL)
and the two pages the benchmark measures on it: the check-in and the committee's live
attendance screen, whose query counts do not grow with the session."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command
from django.urls import reverse

import pytest

from lms.demo.scale_classroom import BOARD_BATCH, CHECK_IN_BATCH
from lms.models import Attendance, Batch, Nomination, Session
from lms.services.classroom_attendance import checkin_token_make
from tests.perf.queries import assert_constant_queries, captured

pytestmark = pytest.mark.django_db

# ../shared/PRODUCT.md and issue 17: the committee's live screen of a 100-person session.
BOARD_LIMIT = 10


@pytest.fixture
def scale(home_page):
    from tests.factories.lms import CourseIndexPageFactory

    CourseIndexPageFactory(parent=home_page)
    out = StringIO()
    call_command("seed_scale", "--factor", "0.01", "--seed", "5", stdout=out)
    return out.getvalue()


def test_seed_scale_adds_batches_sessions_participants_and_attendance_once(scale):
    finished = Batch.objects.filter(status=Batch.Status.FINISHED, number__startswith="Skala ")
    assert finished.count() == 4  # 400 × 0.01
    assert Session.objects.filter(batch__in=finished).count() == 4 * 5
    # 100 scale employees: 30 per batch; every participant at every session.
    assert Nomination.objects.filter(batch__in=finished).count() == 4 * 30
    assert Attendance.objects.filter(session__batch__in=finished).count() == 4 * 30 * 5
    running = Batch.objects.get(number=CHECK_IN_BATCH)
    assert running.status == Batch.Status.RUNNING and running.committee.exists()
    assert not Attendance.objects.filter(session__batch=running).exists()
    assert "classroom batches" in scale
    out = StringIO()
    call_command("seed_scale", "--factor", "0.01", "--seed", "5", stdout=out)
    assert "nothing to do" in out.getvalue()
    assert Batch.objects.filter(number__startswith="Skala ").count() == 6


def test_live_attendance_screen_and_check_in_keep_their_query_counts(client, scale):
    board = Session.objects.get(batch__number=BOARD_BATCH)
    committee = board.batch.committee.get()
    client.force_login(committee)
    board_url = reverse("classroom:session_board", args=[board.pk])

    def board_get():
        assert client.get(board_url).status_code == 200

    def more_participants():
        # The other scale employees join the session, half of them recorded.
        taken = set(board.batch.nominations.values_list("employee_id", flat=True))
        from competencies.models import Employee

        for i, employee in enumerate(Employee.objects.exclude(pk__in=taken)[:40]):
            nomination = Nomination.objects.create(
                batch=board.batch,
                employee=employee,
                unit_id=employee.unit_id,
                status=Nomination.Status.SELECTED,
            )
            if i % 2:
                Attendance.objects.create(
                    session=board, nomination=nomination, status="hadir", method="qr"
                )

    assert_constant_queries(board_get, grow=more_participants, limit=BOARD_LIMIT, warm_up=2)

    session = Session.objects.get(batch__number=CHECK_IN_BATCH)
    from django.utils import timezone

    Session.objects.filter(pk__in=[session.pk, board.pk]).update(date=timezone.localdate())
    participants = list(
        Nomination.objects.filter(batch=session.batch).select_related("employee__user")[:3]
    )
    url = reverse("classroom:check_in", args=[session.pk])
    counts = []
    for nomination in participants:
        client.force_login(nomination.employee.user)

        def post(user_client=client):
            response = user_client.post(url, {"t": checkin_token_make(session=session)})
            assert response.status_code == 200, response.content

        counts.append(captured(post)[0])
    assert len(set(counts[1:])) == 1, counts
    assert Attendance.objects.filter(session=session).count() == 3
