"""`manage.py export_employees [--format csv|xlsx] [--output FILE]`."""

from competencies.imports import columns
from competencies.management.commands._import_export import ExportCommand
from competencies.models import Employee


class Command(ExportCommand):
    help = "Exports every employee in the import format."
    kind = columns.EMPLOYEES

    def queryset(self):
        return Employee.objects.all()
