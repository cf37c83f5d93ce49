from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competencies and HR")

    def ready(self) -> None:
        from competencies.models import settings

        settings.connect_signals()
