"""`manage.py import_employees FILE [--dry-run]`: the nightly sync from an HR system. Exits
with an error status, printing every row error, when the file is invalid."""

from competencies.imports import columns
from competencies.management.commands._import_export import ImportCommand


class Command(ImportCommand):
    help = (
        "Imports employees from a CSV or XLSX file (nothing is written unless every row is valid)."
    )
    kind = columns.EMPLOYEES
