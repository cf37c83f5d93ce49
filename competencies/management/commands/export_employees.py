"""`manage.py export_employees [--format csv|xlsx] [--output FILE]`."""

from competencies.management.commands._import_export import ExportCommand
from competencies.models import Employee
from competencies.services import imports


class Command(ExportCommand):
    help = "Exports every employee in the import format."
    kind = imports.EMPLOYEES

    def queryset(self):
        return Employee.objects.all()
