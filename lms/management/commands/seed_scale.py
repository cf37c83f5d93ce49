import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from competencies.demo.scale import scale_seed_hr, scale_seed_idps
from competencies.services.summaries import summaries_rebuild
from lms.demo.scale import STEPS as LMS_STEPS
from lms.demo.scale import ScaleLMS, scale_seed_lms
from lms.demo.scale_classroom import STEPS as CLASSROOM_STEPS
from lms.demo.scale_classroom import scale_seed_classroom
from lms.demo.scale_development_plan import STEPS as PLAN_STEPS
from lms.demo.scale_development_plan import scale_seed_plan
from lms.services.database import database_analyze


class Command(BaseCommand):
    help = (
        "Builds the benchmark data set: at factor 1, ~60 units, 40 positions with standards, "
        "10,000 employees with accounts and 100,000 assessments (HR half), then 300 courses "
        "of 8 lessons and a quiz, 200,000 enrolments, 1,000,000 lesson-progress rows, 50,000 "
        "certificates with training records, assignments and notices (LMS half; needs the "
        "catalogue from seed_demo), then 400 classroom batches with 2,000 sessions, 12,000 "
        "participants and 60,000 attendance rows, and two batches running today, then this "
        "year's approved development plan of 300 items with linked batches, courses and "
        "spending. Deterministic for a seed; a second run on the same "
        "database does nothing. Use PostgreSQL (COPY)."
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
        steps = (
            "units",
            "positions",
            "users",
            "employees",
            "assessments",
            *LMS_STEPS,
            *CLASSROOM_STEPS,
            *PLAN_STEPS,
        )

        def progress(step: str, count: int) -> None:
            done = steps.index(step) + 1 if step in steps else 0
            bar = "#" * (done * 4) + "." * ((len(steps) - done) * 4)
            self.stdout.write(f"[{bar}] {step}: {count:,} ({time.perf_counter() - started:.1f} s)")

        result = scale_seed_hr(seed=options["seed"], factor=options["factor"], progress=progress)
        try:
            lms = scale_seed_lms(seed=options["seed"], factor=options["factor"], progress=progress)
        except ValueError as error:  # no catalogue: the HR half stands on its own
            self.stdout.write(self.style.WARNING(f"{error} The LMS half was skipped."))
            lms = ScaleLMS(courses=0, enrolments=0, progress_rows=0, certificates=0, created=False)
        classroom = scale_seed_classroom(
            seed=options["seed"], factor=options["factor"], progress=progress
        )
        created = result.created or lms.created or classroom.created
        if created:
            # The rows above were bulk-written past the services: the HR summary tables
            # are built from them in one pass (what `hr_summaries_rebuild` does).
            changes = summaries_rebuild()
            self.stdout.write(
                f"summaries: {changes.created:,} rows ({time.perf_counter() - started:.1f} s)"
            )
        # IDPs for every employee (part of the HR half; added here to a database seeded
        # before they were) and this year's 300-item development plan with realisation,
        # whose gaps are read from the summary tables, so after them.
        idps = scale_seed_idps(seed=options["seed"], progress=progress)
        plan = scale_seed_plan(seed=options["seed"], factor=options["factor"], progress=progress)
        if not created:
            if idps or plan.created:
                self.stdout.write(self.style.SUCCESS("Development plans added to the scale data."))
            else:
                self.stdout.write("The scale data is already there; nothing to do.")
            return
        database_analyze()  # fresh tables: give the planner real row counts
        self.stdout.write(
            self.style.SUCCESS(
                f"Scale data ready: {len(result.employee_ids):,} employees in "
                f"{len(result.units)} units, {lms.courses:,} courses, {lms.enrolments:,} "
                f"enrolments, {lms.progress_rows:,} lesson-progress rows, {lms.certificates:,} "
                f"certificates, {classroom.batches:,} classroom batches with "
                f"{classroom.attendance:,} attendance rows, a development plan of "
                f"{plan.items:,} items, "
                f"in {time.perf_counter() - started:.1f} s."
            )
        )
