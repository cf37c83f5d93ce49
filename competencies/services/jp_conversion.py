"""JP conversion writes (docs/jp-conversion.md): the conversion table's versions, HR's JP
override on one record, and the re-computation of converted records after the table
changed (preview by a task with its progress, then HR confirms)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies import webhooks
from competencies.formats import jp_display
from competencies.models import JpConversionRule, JpRecompute, TrainingRecord
from competencies.selectors.hr_scope import employee_in_hr_scope, training_record_list_for_hr
from competencies.selectors.jp_conversion import (
    jp_recompute_candidates,
    jp_recompute_changes,
    jp_rule_in_force,
    jp_used_in_months,
)
from competencies.services import audit
from competencies.services.summaries import jp_years_refresh

if TYPE_CHECKING:
    from accounts.models import User

JP_OVERRIDE = "competencies.jp_override"
JP_RECOMPUTE = "competencies.jp_recompute"


def _may_edit_table(actor: User) -> bool:
    # The table is the agency's, not a unit's: only those who see the whole organisation.
    from competencies.admin_views.base import sees_whole_organisation

    return actor.has_perm("portal.access_hr") and sees_whole_organisation(actor)


# THE TABLE --------------------------------------------------------------------------------


@transaction.atomic
def jp_rule_create(*, actor: User, rule: JpConversionRule) -> JpConversionRule:
    """Adds a version of a row (or a new row). It applies to records ending on or after
    its `effective_from`; records already decided keep their JP until HR re-computes."""
    if not _may_edit_table(actor):
        raise PermissionDenied
    rule.full_clean()
    rule.save()
    audit.audit_log(instance=rule, action=audit.CREATE, user=actor)
    _jp_table_refresh_on_commit(activity=rule.activity)
    return rule


@transaction.atomic
def jp_rule_update(
    *, actor: User, rule: JpConversionRule, changes: dict, changed: bool = True
) -> JpConversionRule:
    """Edits a version no record uses yet. One that records use is history: HR adds a new
    version from a later date instead (so the old records still say how they were
    computed)."""
    if not _may_edit_table(actor):
        raise PermissionDenied
    if rule.pk and TrainingRecord.objects.filter(jp_rule_id=rule.pk).exists():
        raise ValidationError(
            _(
                "Records already use this version, so it cannot change. Add a new version "
                "with the date the change applies from (Copy), then re-compute if needed."
            )
        )
    rule.full_clean()
    rule.save()
    if changed:
        audit.audit_log(instance=rule, action=audit.EDIT, user=actor, changes=changes)
    _jp_table_refresh_on_commit(activity=rule.activity)
    return rule


def _jp_table_refresh_on_commit(*, activity: str) -> None:
    """A version's yearly cap changes what the one JP rule gives the employees with
    records of its activity, so their rows in the JP table (EmployeeJpYear) are refreshed
    by a task after commit (many employees: not in HR's request)."""
    from competencies.tasks import jp_years_refresh_for_activity

    transaction.on_commit(partial(jp_years_refresh_for_activity.delay, activity))


# HR'S OVERRIDE ----------------------------------------------------------------------------


@transaction.atomic
def training_record_jp_override(
    *, actor: User, record: TrainingRecord, jp: Decimal, reason: str
) -> TrainingRecord:
    """HR sets a record's JP to another value than the table gave, with a reason, within
    the table's caps per day and per month. Audited (old and new JP, the reason)."""
    record = (
        TrainingRecord.objects.select_for_update(of=("self",))
        .select_related("employee__user", "jp_rule")
        .get(pk=record.pk)
    )
    if not actor.has_perm("portal.access_hr") or not employee_in_hr_scope(
        user=actor, employee=record.employee
    ):
        raise PermissionDenied
    if record.employee.user_id == actor.pk:
        raise PermissionDenied(_("You cannot set the JP of your own training record."))
    if record.source != TrainingRecord.Source.EXTERNAL:
        raise ValidationError(_("A portal course's JP come from the course, not from HR."))
    if record.status == TrainingRecord.Status.REJECTED:
        raise ValidationError(_("A rejected record counts no JP; there is nothing to set."))
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for setting the JP by hand.")})
    if jp < 0 or jp > 999:
        raise ValidationError({"jp": _("Enter JP between 0 and 999.")})
    _check_caps(record=record, jp=jp)
    previous = record.jp
    record.jp = jp
    record.jp_override_reason = reason
    record.full_clean()
    record.save(update_fields=["jp", "jp_override_reason", "updated_at"])
    audit.audit_log(
        instance=record,
        action=JP_OVERRIDE,
        user=actor,
        changes={"jp": [jp_display(previous), jp_display(jp)]},
        note=reason,
    )
    jp_years_refresh(employee_ids=[record.employee_id])
    transaction.on_commit(lambda: webhooks.record_changed(record_id=record.pk))
    return record


def _check_caps(*, record: TrainingRecord, jp: Decimal) -> None:
    rule = record.jp_rule
    if rule is None and record.activity:
        rule = jp_rule_in_force(
            development_type=record.development_type,
            activity=record.activity,
            on=record.finished_on,
        )
    if rule is None:
        return
    days = (record.finished_on - record.started_on).days + 1
    if rule.cap_per_day is not None and jp > rule.cap_per_day * days:
        raise ValidationError(
            {
                "jp": _(
                    "%(jp)s JP is over this activity's cap: at most %(cap)s JP a day, "
                    "%(most)s JP for these dates."
                )
                % {
                    "jp": jp_display(jp),
                    "cap": jp_display(rule.cap_per_day),
                    "most": jp_display(rule.cap_per_day * days),
                }
            }
        )
    if rule.cap_per_month is not None:
        used = jp_used_in_months(
            employee=record.employee,
            activity=record.activity or rule.activity,
            started_on=record.started_on,
            finished_on=record.finished_on,
            exclude_record_id=record.pk,
        )
        months = (record.finished_on.year - record.started_on.year) * 12 + (
            record.finished_on.month - record.started_on.month + 1
        )
        most = max(Decimal(0), rule.cap_per_month * months - used)
        if jp > most:
            raise ValidationError(
                {
                    "jp": _(
                        "%(jp)s JP is over this activity's cap: at most %(cap)s JP a month, "
                        "and the employee's other records already count %(used)s JP then."
                    )
                    % {
                        "jp": jp_display(jp),
                        "cap": jp_display(rule.cap_per_month),
                        "used": jp_display(used),
                    }
                }
            )


# RE-COMPUTATION --------------------------------------------------------------------------


@transaction.atomic
def jp_recompute_request(*, actor: User) -> JpRecompute:
    """Starts a re-computation: the preview is computed by a task (with its progress);
    nothing changes until HR confirms it (`jp_recompute_apply`)."""
    if not actor.has_perm("portal.access_hr"):
        raise PermissionDenied
    run = JpRecompute.objects.create(requested_by=actor)
    from competencies.tasks import jp_recompute_preview as jp_recompute_preview_task

    transaction.on_commit(lambda: jp_recompute_preview_task.delay(run.pk))
    return run


def jp_recompute_preview(*, run_id: int) -> None:
    """The task's work: the records in the requester's HR scope whose JP the table now
    gives differently, stored on the run with the progress as it goes. Safe to run
    twice: a run past its preview is left alone."""
    with transaction.atomic():
        run = (
            JpRecompute.objects.select_for_update()
            .select_related("requested_by")
            .filter(pk=run_id)
            .first()
        )
        if run is None or run.status not in (JpRecompute.Status.QUEUED, JpRecompute.Status.RUNNING):
            return
        run.status = JpRecompute.Status.RUNNING
        run.progress = 0
        run.save(update_fields=["status", "progress"])

    def progress(percent: int) -> None:
        JpRecompute.objects.filter(pk=run_id).update(progress=percent)

    scope = training_record_list_for_hr(user=run.requested_by).values("pk")
    records = jp_recompute_candidates(records=scope)
    changes = jp_recompute_changes(records=records, progress=progress)
    JpRecompute.objects.filter(pk=run_id).update(
        status=JpRecompute.Status.PREVIEWED,
        progress=100,
        changes=[
            {"record": c.record_id, "old": str(c.old), "new": str(c.new), "rule": c.rule_id}
            for c in changes
        ],
    )


def jp_recompute_requeue_if_stale(*, run: JpRecompute) -> bool:
    """Queues the preview (or the confirmed change) again when it has waited more than
    two minutes without a worker taking it (a lost message, a restarted broker); both
    tasks are safe to run twice."""
    stale = timezone.now() - datetime.timedelta(minutes=2)
    if (
        run.status == JpRecompute.Status.APPLYING
        and run.progress == 0
        and run.confirmed_at is not None
        and run.confirmed_at < stale
    ):
        from competencies.tasks import jp_recompute_apply as jp_recompute_apply_task

        jp_recompute_apply_task.delay(run.pk)
        return True
    if run.status != JpRecompute.Status.QUEUED:
        return False
    if run.created_at > stale:
        return False
    from competencies.tasks import jp_recompute_preview as jp_recompute_preview_task

    jp_recompute_preview_task.delay(run.pk)
    return True


def jp_recompute_fail(*, run_id: int) -> None:
    """A task gave up (its on_failure): the page says so instead of waiting forever. A
    preview that failed is failed; a change that failed goes back to its preview, so HR
    can confirm again (the chunks already committed are skipped then)."""
    JpRecompute.objects.filter(
        pk=run_id, status__in=[JpRecompute.Status.QUEUED, JpRecompute.Status.RUNNING]
    ).update(status=JpRecompute.Status.FAILED)
    JpRecompute.objects.filter(pk=run_id, status=JpRecompute.Status.APPLYING).update(
        status=JpRecompute.Status.PREVIEWED, progress=100
    )


@transaction.atomic
def jp_recompute_confirm(*, actor: User, run: JpRecompute) -> JpRecompute:
    """HR confirms a previewed re-computation: the change is queued as a task
    (`competencies.tasks.jp_recompute_apply`) whose progress the run page shows, since a
    table change can touch every converted record of the agency. A second confirmation
    (a double click, a resent form) queues nothing more."""
    run = JpRecompute.objects.select_for_update().get(pk=run.pk)
    if run.requested_by_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied
    if run.status in (JpRecompute.Status.APPLYING, JpRecompute.Status.APPLIED):
        return run
    if run.status != JpRecompute.Status.PREVIEWED:
        raise ValidationError(_("The preview is not ready yet."))
    run.status = JpRecompute.Status.APPLYING
    run.progress = 0
    run.applied_by = actor
    run.applied_count = 0
    run.confirmed_at = timezone.now()
    run.save(update_fields=["status", "progress", "applied_by", "applied_count", "confirmed_at"])
    from competencies.tasks import jp_recompute_apply as jp_recompute_apply_task

    transaction.on_commit(lambda: jp_recompute_apply_task.delay(run.pk))
    return run


APPLY_CHUNK = 1000


def jp_recompute_apply(*, run_id: int) -> int:
    """The task's work: the confirmed run's records, a thousand per transaction, each
    listed record still holding the JP the preview saw (and not set by HR since) taking
    the new JP and the version used, each change audited, the JP table following in the
    same transaction; the progress is stored after each chunk. Safe to run twice or to
    resume after a crash: a record already changed no longer holds the old JP and is
    skipped. Returns how many records this call changed."""
    run = JpRecompute.objects.select_related("applied_by").filter(pk=run_id).first()
    if run is None or run.status != JpRecompute.Status.APPLYING or run.applied_by is None:
        return 0
    rows = run.changes
    changed = 0
    for start in range(0, len(rows), APPLY_CHUNK):
        with transaction.atomic():
            count = _apply_chunk(actor=run.applied_by, rows=rows[start : start + APPLY_CHUNK])
            changed += count
            done = min(len(rows), start + APPLY_CHUNK)
            JpRecompute.objects.filter(pk=run_id).update(
                progress=min(99, done * 100 // len(rows)),
                applied_count=F("applied_count") + count,
            )
    JpRecompute.objects.filter(pk=run_id, status=JpRecompute.Status.APPLYING).update(
        status=JpRecompute.Status.APPLIED, progress=100, applied_at=timezone.now()
    )
    return changed


def _apply_chunk(*, actor: User, rows: list[dict]) -> int:
    wanted = {row["record"]: row for row in rows}
    scope = training_record_list_for_hr(user=actor)
    records = scope.select_for_update(of=("self",)).filter(pk__in=wanted).order_by("pk")
    changed: list[TrainingRecord] = []
    by_value: dict[tuple[Decimal, int], list[int]] = defaultdict(list)
    for record in records:
        row = wanted[record.pk]
        if record.jp != Decimal(row["old"]) or record.jp_override_reason:
            continue  # changed since the preview (or by a first run of this task)
        changed.append(record)
        by_value[(Decimal(row["new"]), row["rule"])].append(record.pk)
    # One UPDATE per distinct (new JP, version) of the chunk, usually one or two (a table
    # change gives every record of a kind the same new JP), rather than a save each; the
    # audit entries in one INSERT; a webhook per record, as for any other record change.
    now = timezone.now()
    for (jp, rule_id), pks in by_value.items():
        TrainingRecord.objects.filter(pk__in=pks).update(
            jp=jp, jp_computed=jp, jp_rule_id=rule_id, updated_at=now
        )
    audit.audit_log_many(
        items=[
            (record, {"jp": [wanted[record.pk]["old"], wanted[record.pk]["new"]]})
            for record in changed
        ],
        action=JP_RECOMPUTE,
        user=actor,
    )
    for record in changed:
        transaction.on_commit(partial(webhooks.record_changed, record_id=record.pk))
    jp_years_refresh(employee_ids=sorted({record.employee_id for record in changed}))
    return len(changed)
