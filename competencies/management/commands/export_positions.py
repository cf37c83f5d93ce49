"""`manage.py export_positions [--format csv|xlsx] [--output FILE]`."""

from competencies.imports import columns
from competencies.management.commands._import_export import ExportCommand
from competencies.models import Position


class Command(ExportCommand):
    help = "Exports every position and its competency standard in the import format."
    kind = columns.POSITIONS

    def queryset(self):
        return Position.objects.all()
