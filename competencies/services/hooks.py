"""Tells other apps that employees changed, without importing them (competencies may not
import lms). settings.COMPETENCIES_EMPLOYEES_CHANGED_HOOKS lists dotted paths; each is
called after the transaction commits as `hook(employee_ids=[...])` (lms re-applies its
assignment rules to those employees)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string


def employees_changed(employee_ids: Iterable[int]) -> None:
    ids = sorted(set(employee_ids))
    paths = list(getattr(settings, "COMPETENCIES_EMPLOYEES_CHANGED_HOOKS", []))
    if not ids or not paths:
        return

    def run() -> None:
        for path in paths:
            import_string(path)(employee_ids=ids)

    transaction.on_commit(run)


def standards_changed() -> None:
    """Position standards changed in bulk (an import, which sends no model signals):
    settings.COMPETENCIES_STANDARDS_CHANGED_HOOKS are called after commit, without
    arguments (lms recomputes the dashboard's recommendations)."""
    paths = list(getattr(settings, "COMPETENCIES_STANDARDS_CHANGED_HOOKS", []))

    def run() -> None:
        for path in paths:
            import_string(path)()

    if paths:
        transaction.on_commit(run)
