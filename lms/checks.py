"""System checks of the learning app (`manage.py check`, run on every deploy)."""

from __future__ import annotations

from django.core import checks
from django.db import DatabaseError


@checks.register(checks.Tags.database)
def check_courses_without_siasn_type(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Warns about published courses other than plain e-learning with no SIASN type
    (DOMAIN.md §7): their training records cannot be exported to SIASN as they are. HR
    sees the same list on the SIASN export screen. Runs with `check --database default`
    (the database tag), so that a build without a database still passes."""
    from lms.selectors.courses import courses_without_siasn_type

    try:
        missing = courses_without_siasn_type()
        count = missing.count()
        courses = list(missing.values_list("title", flat=True)[:20])
    except DatabaseError:  # not migrated yet
        return []
    if not count:
        return []
    return [
        checks.Warning(
            f"{count} published course(s) have no SIASN development type: " + ", ".join(courses),
            hint="Pick the SIASN type (jenisDiklat) on each course; blended or classroom "
            "delivery does not say which kind of training it is.",
            id="lms.W001",
        )
    ]
