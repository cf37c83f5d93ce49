"""Lets a test keep only some of the tasks an enrolment completion queues
(lms.services.enrolments calls lms.tasks.*_hook after commit)."""

from __future__ import annotations

from typing import Any

HOOKS = (
    "assignment_enrolment_completed_hook",
    "certificate_issue_hook",
    "enrolment_competency_evidence_hook",
)


def _nothing(*, enrolment_id: int) -> None:
    return None


def completion_hooks_only(monkeypatch: Any, *keep: str) -> None:
    """The hooks not named in `keep` do nothing."""
    from lms import tasks

    for name in HOOKS:
        if name not in keep:
            monkeypatch.setattr(tasks, name, _nothing)
