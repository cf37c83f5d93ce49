"""An upgraded database gets its summary tables filled by the `migrate` that creates them
(they start empty and the HR reports read them)."""

from __future__ import annotations

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate

import pytest

from competencies.apps import GAP_COUNTS_MIGRATION, SUMMARIES_MIGRATION
from competencies.models import CurrentLevel, EmployeeJpYear, GapCount
from tests.factories.competencies import TrainingRecordFactory

pytestmark = pytest.mark.django_db


def _migrate_signal(plan):
    post_migrate.send(
        sender=apps.get_app_config("competencies"),
        app_config=apps.get_app_config("competencies"),
        verbosity=0,
        interactive=False,
        using="default",
        plan=plan,
        apps=apps,
    )


def test_the_migrate_that_creates_the_tables_fills_them(org):
    employee = org.employee()
    TrainingRecordFactory(employee=employee)  # approved, 24 JP
    EmployeeJpYear.objects.all().delete()
    CurrentLevel.objects.all().delete()
    migration = MigrationLoader(None, ignore_no_migrations=True).graph.nodes[SUMMARIES_MIGRATION]

    _migrate_signal([])  # a migrate that applied nothing leaves them alone
    assert not EmployeeJpYear.objects.exists()

    _migrate_signal([(migration, False)])
    assert EmployeeJpYear.objects.get(employee=employee).jp == 24


def test_the_migrate_that_creates_the_gap_counts_fills_them(org):
    org.employee(unit=org.unit_b)  # a staff member, below standard without any level
    counted = set(GapCount.objects.values_list("unit_id", "competency_id", "below"))
    assert (org.unit_b.pk, org.t01.pk, 1) in counted
    GapCount.objects.all().delete()
    migration = MigrationLoader(None, ignore_no_migrations=True).graph.nodes[GAP_COUNTS_MIGRATION]

    _migrate_signal([(migration, True)])  # unapplied: nothing to fill
    assert not GapCount.objects.exists()

    _migrate_signal([(migration, False)])
    assert set(GapCount.objects.values_list("unit_id", "competency_id", "below")) == counted


def test_the_migrate_that_adds_who_is_below_fills_the_lists(org):
    from competencies.apps import GAP_IDS_MIGRATION

    staff = org.employee(unit=org.unit_b)  # below standard without any level
    GapCount.objects.update(below_ids=[])  # as the added column starts
    migration = MigrationLoader(None, ignore_no_migrations=True).graph.nodes[GAP_IDS_MIGRATION]

    _migrate_signal([(migration, False)])

    assert GapCount.objects.get(unit=org.unit_b, competency=org.t01).below_ids == [staff.pk]
