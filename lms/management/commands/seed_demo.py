import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from lms.demo.seed import demo_seed
from lms.services.database import database_analyze


class Command(BaseCommand):
    help = "Loads the demo data (idempotent) and prints the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--json",
            action="store_true",
            help='Print only the logins, as a JSON list of {"role", "email", "nip", "password"}.',
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even with production settings (creates demo accounts with known passwords).",
        )

    def handle(self, *args, **options):
        if settings.SETTINGS_PROFILE == "production" and not options["force"]:
            raise CommandError(
                "Refusing to load demo data with production settings: it creates accounts "
                "with published passwords. Use --force if you really mean it."
            )
        logins = demo_seed()
        database_analyze()  # fresh tables: give the planner real row counts
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    [
                        {"role": d.role, "email": d.email, "nip": d.nip, "password": d.password}
                        for d in logins
                    ],
                    indent=2,
                )
            )
            return
        self.stdout.write(self.style.SUCCESS("Demo data ready. Demo logins (demo only!):"))
        width = max(len(d.role) for d in logins)
        for d in logins:
            self.stdout.write(
                f"  {d.role:<{width}}  {d.email:<32} NIP {d.nip}  password {d.password}"
            )
