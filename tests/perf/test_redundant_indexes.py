"""No index that another one already serves (issue 23, "bulk assignment of 10,000 in
≤ 1 s"): every index is one more B-tree to write on each INSERT, and the bulk paths
(assignment: recipients, enrolments, notices) insert tens of thousands of rows at once.

A foreign key's own index on `x_id` is redundant when a composite index or unique
constraint of the same table begins with `x_id` and has no condition: PostgreSQL serves
every look-up by `x_id` (the joins, the ON DELETE checks) from the composite one. Read
from the database itself, so what a migration really built is what is checked."""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models

import pytest

pytestmark = pytest.mark.django_db

OUR_APPS = ("accounts", "lms", "competencies")


def _unconditional_composites(model: type[models.Model]) -> set[tuple[str, ...]]:
    """Column tuples of the model's composite indexes and unique constraints that hold
    for every row (a partial index does not serve every look-up)."""
    meta = model._meta
    column = {f.name: f.column for f in meta.concrete_fields}
    composite = set()
    declared = [*meta.indexes, *meta.constraints]
    for item in declared:
        fields = getattr(item, "fields", ())
        if len(fields) < 2 or getattr(item, "condition", None) is not None:
            continue
        composite.add(tuple(column[f] for f in fields))
    for fields in meta.unique_together:
        composite.add(tuple(column[f] for f in fields))
    return composite


def _redundant_indexes() -> list[str]:
    found = []
    with connection.cursor() as cursor:
        for label in OUR_APPS:
            for model in apps.get_app_config(label).get_models():
                if model._meta.proxy or not model._meta.managed:
                    continue
                composites = _unconditional_composites(model)
                table = model._meta.db_table
                built = connection.introspection.get_constraints(cursor, table)
                for name, info in built.items():
                    columns = tuple(info["columns"] or ())
                    if info["primary_key"] or info["unique"] or len(columns) != 1:
                        continue
                    if not info["index"]:
                        continue
                    if any(c[:1] == columns for c in composites):
                        found.append(f"{table}.{name} {columns}")
    return sorted(found)


def test_no_single_column_index_that_a_composite_one_already_serves():
    assert _redundant_indexes() == []


def test_the_notice_dedupe_key_has_one_index():
    """Its uniqueness is the only use (ON CONFLICT DO NOTHING, equality look-ups):
    PostgreSQL's extra `varchar_pattern_ops` copy for LIKE queries is never read."""
    from accounts.models import Notification

    with connection.cursor() as cursor:
        built = connection.introspection.get_constraints(cursor, Notification._meta.db_table)
    on_key = [
        name
        for name, info in built.items()
        if list(info["columns"] or ()) == ["dedupe_key"] and (info["index"] or info["unique"])
    ]
    assert len(on_key) == 1, on_key
