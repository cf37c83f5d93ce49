"""`manage.py export_units [--format csv|xlsx] [--output FILE]`."""

from competencies.management.commands._import_export import ExportCommand
from competencies.models import OrgUnit
from competencies.services import imports


class Command(ExportCommand):
    help = "Exports every organisation unit in the import format."
    kind = imports.UNITS

    def queryset(self):
        return OrgUnit.objects.all()
