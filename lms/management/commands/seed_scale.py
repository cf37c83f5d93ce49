import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from competencies.services.scale import scale_seed_hr


class Command(BaseCommand):
    help = (
        "Builds the benchmark data set: at factor 1, ~60 units, 40 positions with standards, "
        "10,000 employees with accounts and 100,000 assessments. Deterministic for a seed; "
        "a second run on the same database does nothing. Use PostgreSQL."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--factor", type=float, default=1.0, help="0.1 is a tenth, 2 is double")
        parser.add_argument("--force", action="store_true", help="run with production settings")

    def handle(self, *args, **options):
        if settings.SETTINGS_PROFILE == "production" and not options["force"]:
            raise CommandError(
                "Refusing to add benchmark data with production settings; use --force."
            )
        started = time.perf_counter()
        steps = ("units", "positions", "users", "employees", "assessments")

        def progress(step: str, count: int) -> None:
            done = steps.index(step) + 1 if step in steps else 0
            bar = "#" * (done * 4) + "." * ((len(steps) - done) * 4)
            self.stdout.write(f"[{bar}] {step}: {count:,} ({time.perf_counter() - started:.1f} s)")

        result = scale_seed_hr(seed=options["seed"], factor=options["factor"], progress=progress)
        if not result.created:
            self.stdout.write("The scale data is already there; nothing to do.")
            return
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready: {len(result.employee_ids):,} employees in "
                f"{len(result.units)} units, in {time.perf_counter() - started:.1f} s."
            )
        )
