import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import polib


class Command(BaseCommand):
    help = (
        "Compiles the project's .po catalogues (LOCALE_PATHS) to .mo with polib, so that "
        "a fresh machine needs no GNU gettext. `makemessages` still needs gettext."
    )

    def handle(self, *args, **options):
        compiled = 0
        for locale_path in settings.LOCALE_PATHS:
            for po_path in sorted(Path(locale_path).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalogue = polib.pofile(str(po_path))
                except (OSError, ValueError) as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                # Written aside and renamed over the old file, so a process reading the
                # catalogue meanwhile (another pytest-xdist worker) never sees half of it.
                mo_path = po_path.with_suffix(".mo")
                partial = mo_path.with_name(f".{mo_path.stem}.{os.getpid()}.mo")  # git-ignored
                catalogue.save_as_mofile(str(partial))
                os.replace(partial, mo_path)
                compiled += 1
                self.stdout.write(f"compiled {po_path.relative_to(settings.BASE_DIR)}")
        if not compiled:
            raise CommandError("No .po files found under LOCALE_PATHS.")
