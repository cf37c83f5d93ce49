"""Reads of an employee's training history (riwayat diklat)."""

from __future__ import annotations

from django.db.models import QuerySet

from competencies.models import Employee, TrainingRecord


def training_records_for_employee(*, employee: Employee) -> QuerySet[TrainingRecord]:
    """All of the employee's records, whatever their status, newest first."""
    return TrainingRecord.objects.filter(employee=employee).order_by("-finished_on", "-id")
