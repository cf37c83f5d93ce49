from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The migrations that create the HR summary tables (docs/performance.md): they start
# empty, and reports read them, so the `migrate` that applies one also fills them.
SUMMARIES_MIGRATION = ("competencies", "0016_perf_hr_summaries")
GAP_COUNTS_MIGRATION = ("competencies", "0025_s12_gap_counts")
# Adds who is below to each gap count (empty lists until filled).
GAP_IDS_MIGRATION = ("competencies", "0027_s15_gap_count_below_ids")


class CompetenciesConfig(AppConfig):
    name = "competencies"
    verbose_name = _("Competencies and HR")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from competencies.models import settings

        settings.connect_signals()
        post_migrate.connect(_fill_summaries_after_migrations, sender=self)


def _fill_summaries_after_migrations(sender, *, plan=None, **kwargs) -> None:
    """Fills the summary tables when this `migrate` created (or widened) them, so an upgraded
    database never shows reports from empty tables (the rebuild is idempotent)."""
    created = any(
        (migration.app_label, migration.name)
        in (SUMMARIES_MIGRATION, GAP_COUNTS_MIGRATION, GAP_IDS_MIGRATION)
        and not backwards
        for migration, backwards in plan or ()
    )
    if not created:
        return
    from competencies.services.summaries import summaries_rebuild

    summaries_rebuild()
