"""What the three imports share: the check-then-write run, bulk lookups and audit
entries, and the HR manager's scope.

Every import checks the whole file first and writes only when no row has an error, in
one transaction, so a file is imported completely or not at all. Writes and audit entries
(Wagtail's ModelLogEntry, as competencies.services.audit writes them) use bulk operations,
so the number of queries does not grow with the number of rows (apart from the database's
own batch limits)."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from wagtail.models import ModelLogEntry

from accounts.models import User
from competencies.imports.columns import COLUMNS, Kind
from competencies.imports.reading import Progress, read_table
from competencies.imports.report import ImportReport, RowError
from competencies.models import OrgUnit
from competencies.selectors.hr_scope import hr_scope_unit

# Keeps `__in` lookups under every database's parameter limit.
LOOKUP_CHUNK = 500


def chunks(values: Iterable[Any]) -> Iterator[list[Any]]:
    values = sorted(set(values), key=str)
    for start in range(0, len(values), LOOKUP_CHUNK):
        yield values[start : start + LOOKUP_CHUNK]


def in_bulk(*, queryset: QuerySet, field_name: str, values: Iterable[Any]) -> dict[Any, Any]:
    found = {}
    for chunk in chunks(v for v in values if v):
        for obj in queryset.filter(**{f"{field_name}__in": chunk}):
            found[getattr(obj, field_name)] = obj
    return found


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def log_entries(
    *,
    model: type[models.Model],
    items: Iterable[tuple[models.Model, str, dict[str, list[Any]]]],
    actor: User | None,
    note: str,
    now: datetime.datetime,
    batch: uuid.UUID,
) -> None:
    """Bulk version of audit.audit_log: one ModelLogEntry per (instance, action, changes)."""
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    entries = []
    for instance, action, changes in items:
        data: dict[str, Any] = {"note": note}
        if changes:
            data["changes"] = {name: [_plain(a), _plain(b)] for name, (a, b) in changes.items()}
        entries.append(
            ModelLogEntry(
                content_type=content_type,
                label=str(instance)[:255],
                action=action,
                data=data,
                timestamp=now,
                uuid=batch,
                user=actor,
                content_changed=True,
                object_id=str(instance.pk),
            )
        )
    ModelLogEntry.objects.bulk_create(entries)


def run_import(
    *,
    kind: Kind,
    data: bytes,
    filename: str,
    actor: User | None,
    dry_run: bool,
    plan: Callable[..., Any],
    apply: Callable[..., None],
    progress: Progress | None = None,
) -> ImportReport:
    """Reads the file, lets `plan` check every row (reads only), and, unless this is a
    dry run or a row has an error, lets `apply` write the plan in one transaction."""
    report = ImportReport(kind=kind, dry_run=dry_run)
    table = read_table(
        data=data, filename=filename, columns=COLUMNS[kind], report=report, progress=progress
    )
    if table is None:
        return report
    if progress is not None:
        progress(70)

    def check() -> Any:
        planned = plan(table=table, actor=actor, report=report)
        for row in table.rows:
            report.errors.extend(row.errors)
            report.warnings.extend(row.warnings)
        report.errors.sort(key=lambda e: e.row)
        return planned

    if dry_run:
        # Reads only: no transaction, so a long check never holds a write lock.
        check()
        return report
    try:
        with transaction.atomic():
            planned = check()
            if report.errors:
                return report
            apply(planned=planned, actor=actor, note=f"import: {filename}")
    except IntegrityError:
        report.errors.append(
            RowError(
                0,
                "",
                _(
                    "The data changed while the file was being imported; nothing was "
                    "written. Try again."
                ),
            )
        )
    return report


def actor_scope(*, actor: User | None) -> OrgUnit | None:
    return hr_scope_unit(user=actor) if actor is not None else None


def outside_scope_message() -> str:
    return _("This unit is outside the part of the organisation you manage.")


def unit_in_scope(*, unit: OrgUnit | None, scope: OrgUnit | None) -> bool:
    return scope is None or (unit is not None and unit.path.startswith(scope.path))
