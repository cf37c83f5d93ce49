"""The importer of each kind of file, for the admin screens, the import commands and the
background check."""

from __future__ import annotations

from collections.abc import Callable

from competencies.imports.columns import EMPLOYEES, POSITIONS, UNITS
from competencies.imports.employees import employees_import
from competencies.imports.positions import positions_import
from competencies.imports.report import ImportReport
from competencies.imports.units import units_import

IMPORTERS: dict[str, Callable[..., ImportReport]] = {
    UNITS: units_import,
    POSITIONS: positions_import,
    EMPLOYEES: employees_import,
}
