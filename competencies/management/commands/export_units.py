"""`manage.py export_units [--format csv|xlsx] [--output FILE]`."""

from competencies.imports import columns
from competencies.management.commands._import_export import ExportCommand
from competencies.models import OrgUnit


class Command(ExportCommand):
    help = "Exports every organisation unit in the import format."
    kind = columns.UNITS

    def queryset(self):
        return OrgUnit.objects.all()
