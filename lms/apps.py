from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LmsConfig(AppConfig):
    name = "lms"
    verbose_name = _("Learning")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from lms import cache, checks  # noqa: F401 - checks registers the system checks

        cache.connect_signals()
        post_migrate.connect(_analyze_after_migrations, sender=self)


def _analyze_after_migrations(sender, *, plan=None, using="default", **kwargs) -> None:
    """Migrations that create or fill tables leave PostgreSQL without statistics until
    autovacuum comes by; refresh them once per `migrate` that applied something."""
    if not plan:
        return
    from lms.services.database import database_analyze

    database_analyze(using=using)
