"""`audit_log_many`: the audit entries of a change to many records at once (a JP
re-computation touches every converted record of the agency) are the entries
`audit_log` writes one by one, in a constant number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal

from wagtail.log_actions import LogContext
from wagtail.models import ModelLogEntry

import pytest

from competencies.services.audit import audit_log, audit_log_many
from competencies.services.jp_conversion import JP_RECOMPUTE
from competencies.services.records import training_record_submit
from competencies.siasn import DevelopmentType
from tests.perf.queries import assert_constant_queries

pytestmark = pytest.mark.django_db

COMPARED = ("content_type_id", "label", "action", "data", "user_id", "content_changed",
            "deleted", "object_id", "revision_id")  # fmt: skip


def _record(org, n: int):
    employee = org.employee()
    return training_record_submit(
        actor=employee.user, employee=employee, title=f"Seminar {n}", organiser="X",
        development_type=DevelopmentType.SEMINAR, activity="seminar",
        started_on=datetime.date(2026, 8, 5), finished_on=datetime.date(2026, 8, 5),
    )  # fmt: skip


def _entry(record) -> dict:
    entry = ModelLogEntry.objects.filter(object_id=str(record.pk), action=JP_RECOMPUTE).get()
    return {name: getattr(entry, name) for name in COMPARED}


def test_the_entries_are_those_audit_log_writes(org):
    one, many = _record(org, 1), _record(org, 2)
    changes = {"jp": ["4.0", "5.0"]}
    audit_log(instance=one, action=JP_RECOMPUTE, user=org.hr, changes=changes)
    audit_log_many(items=[(many, changes)], action=JP_RECOMPUTE, user=org.hr)

    expected = _entry(one) | {"label": str(many), "object_id": str(many.pk)}
    assert _entry(many) == expected


def test_the_entries_share_the_active_log_context(org):
    records = [_record(org, n) for n in range(3)]
    with LogContext(user=org.hr) as context:
        audit_log_many(
            items=[(r, {"jp": ["4.0", "5.0"]}) for r in records], action=JP_RECOMPUTE, user=None
        )
    entries = ModelLogEntry.objects.filter(action=JP_RECOMPUTE)
    assert {(e.uuid, e.user_id) for e in entries} == {(context.uuid, org.hr.pk)}


def test_an_unregistered_action_is_refused(org):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        audit_log_many(items=[(_record(org, 1), {})], action="lms.no_such_action", user=org.hr)
    assert not ModelLogEntry.objects.filter(action="lms.no_such_action").exists()


def test_constant_queries_whatever_the_number_of_records(org):
    records = [_record(org, n) for n in range(2)]

    def grow() -> None:
        records.extend(_record(org, 10 + n) for n in range(3))

    assert_constant_queries(
        lambda: audit_log_many(
            items=[(r, {"jp": [str(r.jp), str(r.jp + Decimal(1))]}) for r in records],
            action=JP_RECOMPUTE,
            user=org.hr,
        ),
        grow=grow,
    )
