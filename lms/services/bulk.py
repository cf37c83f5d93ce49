"""Set-based writes for the bulk paths (one course assigned to 10,000 employees).

Django's `bulk_create` and `__in=[…]` cost more in Python than in the database at that
size: a model instance and a prepared value per field and row, and one placeholder per id
that both Django and psycopg walk through. On PostgreSQL these helpers send one array per
column instead; elsewhere (SQLite in tests) they fall back to the ORM."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from django.db.models import F, Lookup, Q
from django.utils import timezone

from config.sql import execute_binary


class _AnyOf(Lookup):
    """`<column> = ANY(<array>)`: one parameter for any number of ids, and PostgreSQL
    (14+) hashes the array, so the plan never depends on row estimates (`IN (SELECT
    unnest(…))` can become a 10,000 × 10,000 nested loop with stale statistics)."""

    lookup_name = "any_of"
    prepare_rhs = False

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        # One `{1,2,…}` text literal rather than the list: Django's cursors bind on the
        # client, and psycopg quotes a list element by element (a regular expression per
        # id: ~0.2 s of a 10,000-recipient assignment). int() admits ids only.
        literal = "{" + ",".join(str(int(pk)) for pk in self.rhs) + "}"
        return f"{lhs} = ANY(%s::bigint[])", (*lhs_params, literal)


def ids_q(field: str, ids: Sequence[int]) -> Any:
    """A `filter()`/`exclude()` argument for "`field` is one of these ids": one array
    parameter on PostgreSQL instead of a placeholder per id, `__in` elsewhere."""
    if connection.vendor == "postgresql":
        return _AnyOf(F(field), list(ids))
    return Q(**{f"{field}__in": list(ids)})


def _all_equal(values: Sequence[Any]) -> bool:
    first = values[0]
    return all(value == first for value in values)


def rows_insert_new(
    model: type[models.Model], *, same: dict[str, Any], each: dict[str, Sequence[Any]]
) -> None:
    """Inserts one row per position of the `each` lists (field attnames, lists of equal
    length), with the `same` values on every row and the model's defaults elsewhere
    (auto_now fields get the current time). A row that would break a unique constraint,
    because it is already there or a concurrent transaction just inserted it, is skipped:
    calling it twice inserts nothing twice.

    PostgreSQL: one `INSERT … SELECT … FROM unnest(…) ON CONFLICT DO NOTHING` whatever the
    number of rows (COPY cannot skip conflicting rows). Elsewhere: `bulk_create` with
    `ignore_conflicts`. No signals, no keys returned. Values in `each` go to psycopg as
    they are: ints, strings, dates, aware datetimes or None (no JSON); on PostgreSQL they
    go in PostgreSQL's binary format (`config.sql.execute_binary`)."""
    lengths = {len(values) for values in each.values()}
    if len(lengths) != 1:
        raise ValueError("`each` needs at least one list, all of the same length")
    if not lengths.pop():
        return
    if connection.vendor != "postgresql":
        count = len(next(iter(each.values())))
        model._default_manager.bulk_create(
            [
                model(**same, **{name: values[i] for name, values in each.items()})
                for i in range(count)
            ],
            batch_size=2000,
            ignore_conflicts=True,
        )
        return
    # A column with one value on every row is sent once (quoting arrays is Python work);
    # one array is kept, as it gives the number of rows.
    count = len(next(iter(each.values())))
    constant = {name: values[0] for name, values in each.items() if _all_equal(values)}
    varying = {name: values for name, values in each.items() if name not in constant}
    if not varying:
        name = next(iter(constant))
        varying = {name: [constant.pop(name)] * count}
    same, each = {**same, **constant}, varying
    now = timezone.now()
    quote = connection.ops.quote_name
    columns: list[str] = []
    selects: list[str] = []
    params: list[Any] = []
    arrays: list[str] = []
    array_params: list[list[Any]] = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(quote(str(field.column)))
        db_type = field.db_type(connection)
        if field.attname in each:
            selects.append(f"v.c{len(arrays)}")
            arrays.append(f"%s::{db_type}[]")
            array_params.append(list(each[field.attname]))
            continue
        if field.attname in same:
            value = same[field.attname]
        elif getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            value = now
        elif field.has_default() and callable(field.default) and field.default not in (dict, list):
            # A per-row default (a token, a UUID) would be the same on every row.
            raise ValueError(f"give {field.attname} per row")
        else:
            value = field.get_default()
        selects.append(f"%s::{db_type}")
        params.append(field.get_db_prep_save(value, connection))
    names = ", ".join(f"c{i}" for i in range(len(arrays)))
    # Identifiers and types come from the model's metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(columns)}) "  # noqa: S608  # nosec B608
        f"SELECT {', '.join(selects)} FROM unnest({', '.join(arrays)}) AS v({names}) "
        "ON CONFLICT DO NOTHING"
    )
    # Binary parameters: the arrays are not quoted into text in Python (config/sql.py).
    execute_binary(sql, [*params, *array_params])
