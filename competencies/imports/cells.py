"""Parsing one cell of a row. A parser returns the value, or records an error on the row
and returns None (a required cell) or MISSING (leave the field as it is); MISSING is
also the answer for a column the file does not have."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _

from competencies.imports.reading import Row, match_key
from competencies.models.organisation import code_validator

YES = frozenset({"1", "yes", "y", "true", "ya", "aktif", "active"})
NO = frozenset({"0", "no", "n", "false", "tidak", "nonaktif", "tidakaktif", "inactive"})

MISSING = object()


def required_text(row: Row, key: str, max_length: int) -> str | None:
    value = row.text(key)
    if not value:
        row.error(key, _("This column is required."))
        return None
    if len(value) > max_length:
        row.error(
            key,
            _("At most %(max)d characters (this has %(count)d).")
            % {"max": max_length, "count": len(value)},
        )
        return None
    return value


def optional_text(row: Row, key: str, max_length: int) -> Any:
    if not row.has(key):
        return MISSING
    value = row.text(key)
    if len(value) > max_length:
        row.error(
            key,
            _("At most %(max)d characters (this has %(count)d).")
            % {"max": max_length, "count": len(value)},
        )
        return MISSING
    return value


def code(row: Row, key: str, max_length: int) -> str | None:
    value = required_text(row, key, max_length)
    if value is None:
        return None
    try:
        code_validator(value)
    except ValidationError:
        row.error(key, _("Use only letters, digits, dots, dashes and underscores."))
        return None
    return value


def boolean(row: Row, key: str) -> Any:
    """True/False, or MISSING when the column is absent or the cell empty."""
    value = match_key(row.text(key))
    if not value:
        return MISSING
    if value in YES:
        return True
    if value in NO:
        return False
    row.error(key, _("Write yes or no (ya or tidak)."))
    return MISSING


def date(row: Row, key: str) -> Any:
    if not row.has(key):
        return MISSING
    value = row.text(key)
    if not value:
        return None
    for pattern in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%Y/%m/%d"):
        try:
            return datetime.datetime.strptime(value, pattern).date()  # noqa: DTZ007 - a date
        except ValueError:
            continue
    row.error(key, _("Write the date as YYYY-MM-DD or DD-MM-YYYY."))
    return MISSING


def choice(row: Row, key: str, aliases: dict[str, str], hint: str) -> Any:
    value = row.text(key)
    if not value:
        return MISSING
    choice = aliases.get(match_key(value))
    if choice is None:
        row.error(
            key,
            _("Unknown value “%(value)s”. Use one of: %(hint)s.") % {"value": value, "hint": hint},
        )
        return MISSING
    return choice


def choice_aliases(
    choices: type[models.Choices], extra: dict[str, str] | None = None
) -> dict[str, str]:
    """Accepts a choice's value, its English and Indonesian labels, and each name inside
    the label's parentheses ("Division (bidang/bagian)" → bidang, bagian)."""
    aliases: dict[str, str] = {}
    for value, label in choices.choices:
        names = {str(value)}
        for language in ("en", "id"):
            with translation.override(language):
                text = str(label)
            names.add(text)
            inside = re.search(r"\(([^)]*)\)", text)
            if inside:
                names.add(inside.group(1))
                names.update(inside.group(1).split("/"))
        for name in names:
            aliases.setdefault(match_key(name), str(value))
    for name, value in (extra or {}).items():
        aliases[match_key(name)] = str(value)
    return aliases
