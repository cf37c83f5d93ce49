"""HR's JP override (with a reason, audited, within the caps) and the re-computation
after the table changed (preview, then confirm; docs/jp-conversion.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError

from wagtail.models import ModelLogEntry

import pytest

from competencies.models import EmployeeJpYear, JpConversionRule, JpRecompute, TrainingRecord
from competencies.selectors.jp import jp_total_for_employee
from competencies.services.jp_conversion import (
    jp_recompute_apply,
    jp_recompute_confirm,
    jp_recompute_request,
    jp_rule_create,
    jp_rule_update,
    training_record_jp_override,
)
from competencies.services.records import training_record_approve, training_record_submit
from competencies.siasn import DevelopmentType as T

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    """Messages are asserted in English here (Indonesian, the default, in one test)."""
    from django.utils import translation

    with translation.override("en"):
        yield


D = datetime.date


MARCH_5 = D(2026, 3, 5)


def _seminar(employee, when=MARCH_5, **kwargs):
    return training_record_submit(
        actor=employee.user, employee=employee, title="Seminar", organiser="X",
        development_type=T.SEMINAR, activity="seminar", started_on=when, finished_on=when,
        **kwargs,
    )  # fmt: skip


def test_hr_overrides_the_jp_with_a_reason_and_it_is_audited(org):
    record = _seminar(org.employee())
    training_record_jp_override(
        actor=org.hr, record=record, jp=Decimal("3"), reason="Half a day only."
    )
    record.refresh_from_db()
    assert (record.jp, record.jp_computed, record.jp_override_reason) == (
        Decimal(3),
        Decimal(4),
        "Half a day only.",
    )
    entry = ModelLogEntry.objects.get(action="competencies.jp_override")
    assert entry.user == org.hr
    assert entry.data["changes"] == {"jp": ["4", "3"]}
    assert entry.data["note"] == "Half a day only."


def test_an_override_needs_a_reason_and_stays_within_the_caps(org):
    employee = org.employee()
    record = training_record_submit(
        actor=employee.user, employee=employee, title="E-learning", organiser="X",
        development_type=T.E_LEARNING, activity="e_learning", started_on=D(2026, 3, 5),
        finished_on=D(2026, 3, 5), units=Decimal(2),
    )  # fmt: skip
    with pytest.raises(ValidationError) as no_reason:
        training_record_jp_override(actor=org.hr, record=record, jp=Decimal(1), reason=" ")
    assert "reason" in no_reason.value.message_dict
    with pytest.raises(ValidationError) as over:
        training_record_jp_override(
            actor=org.hr, record=record, jp=Decimal(5), reason="Certificate says 5."
        )
    assert "at most 3 JP a day" in " ".join(over.value.message_dict["jp"])
    record.refresh_from_db()
    assert record.jp == Decimal("2.7") and not record.jp_override_reason


def test_the_monthly_cap_binds_an_override_too(org):
    employee = org.employee()
    for day in (3, 10):
        training_record_submit(
            actor=employee.user, employee=employee, title="Coaching", organiser="X",
            development_type=T.COACHING, activity="coaching", started_on=D(2026, 3, day),
            finished_on=D(2026, 3, day), units=Decimal(1),
        )  # fmt: skip
    third = training_record_submit(
        actor=employee.user, employee=employee, title="Coaching", organiser="X",
        development_type=T.COACHING, activity="coaching", started_on=D(2026, 3, 17),
        finished_on=D(2026, 3, 17), units=Decimal(1),
    )  # fmt: skip
    with pytest.raises(ValidationError) as over:
        training_record_jp_override(actor=org.hr, record=third, jp=Decimal(2), reason="x")
    assert "a month" in " ".join(over.value.message_dict["jp"])


def test_only_hr_in_scope_overrides_and_not_their_own(org):
    outside = org.employee(unit=org.unit_b)
    record = _seminar(outside)
    with pytest.raises(PermissionDenied):
        training_record_jp_override(actor=org.scoped_hr, record=record, jp=Decimal(1), reason="x")
    with pytest.raises(PermissionDenied):
        training_record_jp_override(actor=outside.user, record=record, jp=Decimal(1), reason="x")


def test_a_version_used_by_records_cannot_be_edited(org):
    record = _seminar(org.employee())
    rule = record.jp_rule
    rule.jp_national = Decimal(3)
    with pytest.raises(ValidationError):
        jp_rule_update(actor=org.hr, rule=rule, changes={})
    unused = JpConversionRule.objects.get(development_type=T.WORKSHOP)
    unused.cap_per_year = Decimal(40)
    jp_rule_update(actor=org.hr, rule=unused, changes={"cap_per_year": [None, "40"]})
    with pytest.raises(PermissionDenied):  # the table is the agency's, not a unit's
        jp_rule_update(actor=org.scoped_hr, rule=unused, changes={})


def _new_seminar_version(org, *, national, effective_from):
    return jp_rule_create(
        actor=org.hr,
        rule=JpConversionRule(
            development_type=T.SEMINAR, activity="seminar", unit="day",
            jp_national=Decimal(national), jp_international=Decimal(8),
            effective_from=effective_from,
        ),
    )  # fmt: skip


def test_recompute_previews_then_applies_only_when_confirmed(
    org, django_capture_on_commit_callbacks
):
    employee = org.employee()
    early = _seminar(employee, D(2026, 2, 5))
    late = _seminar(employee, D(2026, 8, 5))
    training_record_approve(actor=org.hr, record=late)
    overridden = _seminar(employee, D(2026, 9, 5))
    training_record_jp_override(actor=org.hr, record=overridden, jp=Decimal(2), reason="Half day.")
    new = _new_seminar_version(org, national=5, effective_from=D(2026, 7, 1))

    with django_capture_on_commit_callbacks(execute=True):
        run = jp_recompute_request(actor=org.hr)
    run.refresh_from_db()
    assert (run.status, run.progress) == (JpRecompute.Status.PREVIEWED, 100)
    # Only the record after the new version's date, and not the one HR set by hand.
    assert run.changes == [{"record": late.pk, "old": "4.0", "new": "5.0", "rule": new.pk}]
    late.refresh_from_db()
    assert late.jp == 4  # nothing changed before confirming
    seen_at = late.updated_at

    assert _confirm(org, run, django_capture_on_commit_callbacks) == 1
    late.refresh_from_db()
    # The API's ?updated_since= and the HR systems that poll it see the new JP.
    assert late.updated_at > seen_at
    # The JP table follows (the dashboard and reports read it).
    assert EmployeeJpYear.objects.get(employee=employee, year=2026).jp == jp_total_for_employee(
        employee=employee, year=2026
    )
    early.refresh_from_db()
    overridden.refresh_from_db()
    assert (late.jp, late.jp_rule, early.jp, overridden.jp) == (
        Decimal(5),
        new,
        Decimal(4),
        Decimal(2),
    )
    assert ModelLogEntry.objects.filter(action="competencies.jp_recompute").count() == 1
    # Safe to confirm twice (a double click), and the task is safe to run twice.
    assert _confirm(org, run, django_capture_on_commit_callbacks) == 1
    assert jp_recompute_apply(run_id=run.pk) == 0
    assert ModelLogEntry.objects.filter(action="competencies.jp_recompute").count() == 1


def _confirm(org, run, capture) -> int:
    """HR confirms; the task runs on commit (eager Celery). The records it changed."""
    with capture(execute=True):
        jp_recompute_confirm(actor=org.hr, run=run)
    run.refresh_from_db()
    assert (run.status, run.progress, run.applied_by) == (
        JpRecompute.Status.APPLIED,
        100,
        org.hr,
    )
    return run.applied_count


def test_the_confirmed_change_runs_as_a_task_with_its_progress(
    org, client, django_capture_on_commit_callbacks, settings, monkeypatch
):
    """A table change can touch every converted record of the agency: the change is a
    task with a progress bar (issue 18), not the confirming request's work."""
    from django.urls import reverse

    from competencies.services import jp_conversion

    settings.LANGUAGE_CODE = "en"
    employee = org.employee()
    records = [_seminar(employee, D(2026, 8, day)) for day in (4, 5, 6)]
    for record in records:
        training_record_approve(actor=org.hr, record=record)
    _new_seminar_version(org, national=5, effective_from=D(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run = jp_recompute_request(actor=org.hr)
    url = reverse("competencies_jp_recompute_run", args=[run.pk])
    client.force_login(org.hr)

    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(url)
    assert response.status_code == 302 and response["Location"] == url
    run.refresh_from_db()
    assert run.status == JpRecompute.Status.APPLYING
    assert len(queued) == 1  # the task, after commit; nothing changed by the request
    assert {r.jp for r in TrainingRecord.objects.filter(pk__in=[r.pk for r in records])} == {4}
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert b"<progress" in page.content

    seen = []
    original = jp_conversion._apply_chunk

    def chunk_watched(**kwargs):
        seen.append(JpRecompute.objects.get(pk=run.pk).progress)
        return original(**kwargs)

    monkeypatch.setattr(jp_conversion, "APPLY_CHUNK", 2)
    monkeypatch.setattr(jp_conversion, "_apply_chunk", chunk_watched)
    with django_capture_on_commit_callbacks(execute=True):
        queued[0]()
    assert seen == [0, 66]  # stored after each chunk of two
    run.refresh_from_db()
    assert (run.status, run.progress, run.applied_count) == (JpRecompute.Status.APPLIED, 100, 3)
    done = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "3 records took the new JP" in done


def test_recompute_skips_a_record_changed_after_the_preview(
    org, django_capture_on_commit_callbacks
):
    record = _seminar(org.employee(), D(2026, 8, 5))
    _new_seminar_version(org, national=5, effective_from=D(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run = jp_recompute_request(actor=org.hr)
    TrainingRecord.objects.filter(pk=record.pk).update(jp=Decimal(1))
    run.refresh_from_db()
    assert _confirm(org, run, django_capture_on_commit_callbacks) == 0


def test_recompute_sees_only_the_requesters_scope(org, django_capture_on_commit_callbacks):
    mine = _seminar(org.employee(unit=org.unit_a), D(2026, 8, 5))
    _seminar(org.employee(unit=org.unit_b), D(2026, 8, 5))
    _new_seminar_version(org, national=5, effective_from=D(2026, 7, 1))
    with django_capture_on_commit_callbacks(execute=True):
        run = jp_recompute_request(actor=org.scoped_hr)
    run.refresh_from_db()
    assert [row["record"] for row in run.changes] == [mine.pk]


def test_the_preview_reads_in_constant_queries(org, django_assert_max_num_queries):
    """The 10,000-employee re-computation must not query per record: the table and the
    monthly use are read once, whatever the number of records."""
    from competencies.selectors.jp_conversion import jp_recompute_candidates, jp_recompute_changes

    employees = [org.employee() for _ in range(3)]
    for employee in employees:
        for day in (3, 10, 17):
            training_record_submit(
                actor=employee.user, employee=employee, title="Coaching", organiser="X",
                development_type=T.COACHING, activity="coaching", started_on=D(2026, 8, day),
                finished_on=D(2026, 8, day), units=Decimal(1),
            )  # fmt: skip
        _seminar(employee, D(2026, 8, 20))
    _new_seminar_version(org, national=5, effective_from=D(2026, 7, 1))
    with django_assert_max_num_queries(3):
        changes = jp_recompute_changes(records=jp_recompute_candidates())
    assert len(changes) == 3  # the seminars; the coaching sessions are unchanged


def test_a_preview_no_worker_took_is_queued_again(org, django_capture_on_commit_callbacks):
    from django.utils import timezone

    from competencies.services.jp_conversion import jp_recompute_requeue_if_stale

    run = JpRecompute.objects.create(requested_by=org.hr)
    assert not jp_recompute_requeue_if_stale(run=run)  # just queued: leave it
    JpRecompute.objects.filter(pk=run.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    run.refresh_from_db()
    assert jp_recompute_requeue_if_stale(run=run)  # eager in tests: it ran
    run.refresh_from_db()
    assert run.status == JpRecompute.Status.PREVIEWED


def test_a_confirmed_change_no_worker_took_is_queued_again(org):
    from django.utils import timezone

    from competencies.services.jp_conversion import jp_recompute_requeue_if_stale

    run = JpRecompute.objects.create(
        requested_by=org.hr, applied_by=org.hr, status=JpRecompute.Status.APPLYING,
        applied_count=0, confirmed_at=timezone.now(),
    )  # fmt: skip
    assert not jp_recompute_requeue_if_stale(run=run)  # just confirmed: leave it
    JpRecompute.objects.filter(pk=run.pk).update(
        confirmed_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    run.refresh_from_db()
    assert jp_recompute_requeue_if_stale(run=run)  # eager in tests: it ran
    run.refresh_from_db()
    assert run.status == JpRecompute.Status.APPLIED
