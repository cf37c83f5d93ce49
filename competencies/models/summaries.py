"""Summary tables for HR's reports: what the rules in `competencies.selectors.levels`
(current levels) and `competencies.selectors.jp` (yearly JP) give, stored per employee so
the gap heat-map, the training needs and the JP compliance report read instead of
compute; and the heat-map's gap sums per unit and competency.

They hold the rules' OUTPUT, never a second copy of a rule: the services that change an
input (an assessment decided, a training record approved or withdrawn) call
`competencies.services.summaries` in the same transaction, which runs the rule for the
employees concerned and stores the answer. `hr_summaries_rebuild` rebuilds both tables
from scratch; the daily sweep refreshes current levels that change with the date alone
(an assessment's validity ending or starting). docs/performance.md, "Summary tables".

The two per-employee tables know no unit: HR scope is applied by the employee queryset a
report reads them through, so an employee moving unit changes nothing there and no scope
can see another's rows. The third, `GapCount`, sums the gaps per unit for the heat-map:
a report reads the rows of the unit subtree it may show, and the services that move an
employee or change a standard refresh it (`competencies.services.summaries`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models.employees import Employee
from competencies.models.framework import Competency


class CurrentLevel(models.Model):
    """An employee's current level in a competency (`current_assessments`: the latest
    approved assessment valid today), or none yet, with the first day it may change."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.CASCADE, related_name="+"
    )
    # None: no current level (only an approved assessment dated in the future).
    level = models.PositiveSmallIntegerField(_("level"), null=True, blank=True)
    # The first day the answer may change by the date alone: an approved assessment's
    # validity ends (valid_until + 1) or starts (assessed_on). None: never. A row whose
    # day has come is stale: readers compute it afresh and the daily sweep refreshes it.
    refresh_on = models.DateField(_("refresh on"), null=True, blank=True)
    computed_on = models.DateField(_("computed on"))

    class Meta:
        verbose_name = _("current competency level")
        verbose_name_plural = _("current competency levels")
        constraints = [
            models.UniqueConstraint(
                fields=["employee", "competency"], name="current_level_employee_competency"
            )
        ]
        indexes = [models.Index(fields=["refresh_on"], name="current_level_refresh_on")]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.competency_id}: {self.level}"


class EmployeeJpYear(models.Model):
    """An employee's JP for one calendar year, as `jp_years_for_employee` (the one JP
    rule) gives it. A year without counted records has no row (JP 0)."""

    employee = models.ForeignKey(
        Employee,
        verbose_name=_("employee"),
        on_delete=models.CASCADE,
        # Named so a report can LEFT JOIN the year's row (a FilteredRelation) instead of
        # a correlated subquery per employee (`employees_with_jp_summary`).
        related_name="jp_years",
        db_index=False,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    jp = models.DecimalField(_("JP"), max_digits=7, decimal_places=1)

    class Meta:
        verbose_name = _("yearly JP")
        verbose_name_plural = _("yearly JP")
        constraints = [
            models.UniqueConstraint(fields=["employee", "year"], name="employee_jp_year_unique")
        ]
        indexes = [models.Index(fields=["year", "employee"], name="employee_jp_year_year")]

    def __str__(self) -> str:
        return f"{self.employee_id} · {self.year}: {self.jp}"


class GapCount(models.Model):
    """The gap heat-map's sums for one (unit, competency): among the unit's active
    employees whose position's standard requires the competency, how many there are, how
    many are below the required level by their current-level row (`CurrentLevel`, 0
    without one), who they are (`below_ids`) and by how many levels in all. The employees of the unit itself, not its
    sub-units: a report sums the rows of a subtree by unit path.

    Unlike the two tables above, this one knows units: a row is a unit's own figure, and
    a report reads only the rows of the subtree it may show (HR scope). It is the output
    of the same comparison the gap selectors make (`competencies.selectors.gaps`), over
    the current-level table as it stands: where a level row is stale (its `refresh_on`
    day has come), the reports compute the subtree afresh instead of reading here."""

    unit = models.ForeignKey(
        "competencies.OrgUnit",
        verbose_name=_("unit"),
        on_delete=models.CASCADE,
        related_name="+",
        db_index=False,
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.CASCADE, related_name="+"
    )
    required = models.PositiveIntegerField(_("employees required to hold it"))
    below = models.PositiveIntegerField(_("employees below the required level"))
    gap_total = models.PositiveIntegerField(_("sum of the gaps"))
    # Who the `below` are, in id order: the plan report reads the employees below standard
    # per competency from here (a few thousand rows of ids) instead of comparing 110,000
    # requirement pairs per request (competencies.selectors.gaps.employees_below_standard).
    below_ids = models.JSONField(_("employees below the required level"), default=list)

    class Meta:
        verbose_name = _("competency gap count")
        verbose_name_plural = _("competency gap counts")
        constraints = [
            models.UniqueConstraint(fields=["unit", "competency"], name="gap_count_unit_competency")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.competency_id}: {self.below}/{self.required}"
