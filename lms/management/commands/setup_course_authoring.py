from django.core.management.base import BaseCommand, CommandError

from lms.models import CourseIndexPage
from lms.services.authoring import course_authoring_setup


class Command(BaseCommand):
    help = (
        "Gives trainers (Pelatih) the 'add' permission on the course catalogue, creates the "
        "Kepala Pelatihan group and the course publication workflow (idempotent)."
    )

    def handle(self, *args, **options):
        index = CourseIndexPage.objects.first()
        if index is None:
            raise CommandError("Create the course catalogue page (CourseIndexPage) first.")
        workflow = course_authoring_setup(index=index)
        self.stdout.write(
            self.style.SUCCESS(f"Workflow '{workflow.name}' attached to '{index.title}'.")
        )
