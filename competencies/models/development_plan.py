"""The agency's yearly competency development plan (rencana pengembangan kompetensi, PP
11/2017 arts. 203–207; docs/development-plan.md): a plan per year in revisions, its items
with their budget, and the money actually spent on each item.

A plan is prepared by BKPSDM (draft → submitted), approved by the head of agency (the
`approve_developmentplan` permission) and then locked; a change after approval is a new
revision that starts as a copy of the approved one. Items keep a `key` across revisions,
so that the batches and courses linked to an item (lms, docs/development-plan.md) and the
spending entered on it follow it into the next revision."""

from __future__ import annotations

import uuid
from decimal import Decimal
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import (
    FileExtensionValidator,
    MaxValueValidator,
    MinValueValidator,
)
from django.db import models
from django.utils.translation import gettext_lazy as _

from competencies.models.employees import Employee
from competencies.models.framework import Competency
from competencies.models.organisation import OrgUnit, Position

# Rupiah. An item above a hundred billion or a unit cost above a billion is a typing
# error (an extra zero block), not a training budget of a city.
MAX_AMOUNT = Decimal("100000000000")
MAX_UNIT_COST = Decimal("1000000000")
MAX_PARTICIPANTS = 100_000
MAX_JP = Decimal("2000")
FIRST_PLAN_YEAR = 2020
# Names the public figures of the plan (lms.selectors.development_plan.plan_public_figures):
# bumped when an approval, a realisation link or a spending entry commits
# (competencies.services.development_plan.plan_public_figures_changed).
PUBLIC_FIGURES_VERSION_KEY = "competencies:plan-public-version"


def spend_upload_to(instance: DevelopmentPlanSpend, filename: str) -> str:
    # A random name: the documents are HR's, their URL must not be guessable.
    return f"development-plan/{uuid.uuid4().hex}{PurePath(filename).suffix.lower()}"


class DevelopmentPlan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft (being prepared)")
        SUBMITTED = "submitted", _("Submitted for approval")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded by a later revision")

    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(FIRST_PLAN_YEAR), MaxValueValidator(2100)]
    )
    revision = models.PositiveSmallIntegerField(_("revision"), default=1)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    note = models.TextField(_("note"), max_length=2000, blank=True)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("competency development plan")
        verbose_name_plural = _("competency development plans")
        ordering = ["-year", "-revision"]
        permissions = [("approve_developmentplan", "Can approve the competency development plan")]
        constraints = [
            models.UniqueConstraint(
                fields=["year", "revision"], name="competencies_devplan_one_revision_number"
            ),
            # One plan in force per year, and one revision being worked on.
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status="approved"),
                name="competencies_devplan_one_approved_a_year",
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(status__in=["draft", "submitted"]),
                name="competencies_devplan_one_open_a_year",
            ),
        ]

    def __str__(self) -> str:
        return _("Development plan %(year)s (revision %(revision)s)") % {
            "year": self.year,
            "revision": self.revision,
        }

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class DevelopmentPlanItem(models.Model):
    class TargetKind(models.TextChoices):
        UNIT = "unit", _("A unit (with its sub-units)")
        POSITION = "position", _("Holders of a position")
        PEOPLE = "people", _("Named employees")

    class Route(models.TextChoices):
        CLASSICAL = "classical", _("Classical (training, course, seminar)")
        NON_CLASSICAL = "non_classical", _("Non-classical (coaching, e-learning, internship …)")

    class CostBasis(models.TextChoices):
        PER_PARTICIPANT = "per_participant", _("Unit cost × participants")
        LUMP_SUM = "lump_sum", _("Lump sum")

    class Funding(models.TextChoices):
        APBD = "apbd", _("APBD (regional budget)")
        APBN = "apbn", _("APBN (state budget)")
        GRANT = "grant", _("Grant / partner")
        NONE = "none", _("No cost (own resources)")

    class Source(models.TextChoices):
        GAPS = "gaps", _("Competency gaps")
        TRAINING_NEEDS = "training_needs", _("Training-needs report")
        PROPOSALS = "proposals", _("Employees' proposals")
        IDP = "idp", _("Individual development plans")
        MANUAL = "manual", _("Added by hand")

    plan = models.ForeignKey(
        DevelopmentPlan,
        verbose_name=_("plan"),
        on_delete=models.CASCADE,
        related_name="items",
        db_index=False,
    )
    # The same item in every revision (realisation links and spending follow it).
    key = models.UUIDField(_("item key"), default=uuid.uuid4, editable=False)
    competency = models.ForeignKey(
        Competency, verbose_name=_("competency"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("activity"), max_length=200)
    target_kind = models.CharField(_("target group"), max_length=10, choices=TargetKind.choices)
    target_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("target unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_position = models.ForeignKey(
        Position,
        verbose_name=_("target position"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    target_employees = models.ManyToManyField(
        Employee, verbose_name=_("target employees"), blank=True, related_name="+"
    )
    route = models.CharField(_("route"), max_length=15, choices=Route.choices)
    provider = models.CharField(_("provider"), max_length=200, blank=True)
    planned_batches = models.PositiveSmallIntegerField(
        _("planned batches"), default=1, validators=[MaxValueValidator(500)]
    )
    planned_participants = models.PositiveIntegerField(
        _("planned participants"),
        validators=[MinValueValidator(1), MaxValueValidator(MAX_PARTICIPANTS)],
    )
    planned_jp = models.DecimalField(
        _("planned JP per participant"),
        max_digits=6,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(MAX_JP)],
    )
    cost_basis = models.CharField(
        _("cost basis"),
        max_length=15,
        choices=CostBasis.choices,
        default=CostBasis.PER_PARTICIPANT,
    )
    unit_cost = models.DecimalField(
        _("cost per participant (Rp)"),
        max_digits=15,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_UNIT_COST)],
    )
    lump_sum = models.DecimalField(
        _("lump sum (Rp)"),
        max_digits=15,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(0), MaxValueValidator(MAX_AMOUNT)],
    )
    funding = models.CharField(_("funding source"), max_length=10, choices=Funding.choices)
    source = models.CharField(
        _("drawn from"), max_length=15, choices=Source.choices, default=Source.MANUAL
    )
    # The gap the item closes, fixed when the plan is approved: the employees of the
    # target group below the standard of the competency at that time.
    gap_at_plan = models.PositiveIntegerField(_("below standard at plan time"), default=0)
    gap_employee_ids = models.JSONField(default=list, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["plan", "competency__code", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "key"], name="competencies_devplanitem_key"),
            models.CheckConstraint(
                condition=models.Q(unit_cost__gte=0) & models.Q(lump_sum__gte=0),
                name="competencies_devplanitem_cost_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def planned_cost(self) -> Decimal:
        if self.cost_basis == self.CostBasis.LUMP_SUM:
            return self.lump_sum
        return self.unit_cost * self.planned_participants

    @property
    def planned_jp_total(self) -> Decimal:
        return self.planned_jp * self.planned_participants

    def clean(self) -> None:
        super().clean()
        errors: dict[str, Any] = {}
        if self.target_kind == self.TargetKind.UNIT and not self.target_unit_id:
            errors["target_unit"] = _("Choose the unit the item is for.")
        if self.target_kind == self.TargetKind.POSITION and not self.target_position_id:
            errors["target_position"] = _("Choose the position the item is for.")
        if self.target_kind != self.TargetKind.UNIT and self.target_unit_id:
            errors["target_unit"] = _("A unit is only given when the target group is a unit.")
        if self.target_kind != self.TargetKind.POSITION and self.target_position_id:
            errors["target_position"] = _(
                "A position is only given when the target group is a position."
            )
        if self.funding != self.Funding.NONE:
            if self.cost_basis == self.CostBasis.PER_PARTICIPANT and not self.unit_cost:
                errors["unit_cost"] = _("Give the cost per participant, or choose no cost.")
            if self.cost_basis == self.CostBasis.LUMP_SUM and not self.lump_sum:
                errors["lump_sum"] = _("Give the lump sum, or choose no cost.")
        if (
            self.cost_basis == self.CostBasis.PER_PARTICIPANT
            and self.unit_cost
            and self.planned_participants
            and self.unit_cost * self.planned_participants > MAX_AMOUNT
        ):
            errors["unit_cost"] = _(
                "Cost per participant × participants is above Rp 100 billion: check the amounts."
            )
        if errors:
            raise ValidationError(errors)


class DevelopmentPlanSpend(models.Model):
    """Money actually spent on an item (realisation), entered by HR with its document.
    Never edited: a mistake is corrected by a cancelling entry with a reason."""

    item_key = models.UUIDField(_("plan item"))  # indexed by devplanspend_one_document
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(
        _("amount (Rp)"),
        max_digits=15,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_AMOUNT)],
    )
    spent_on = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=100)
    attachment = models.FileField(
        _("document (PDF or image)"),
        upload_to=spend_upload_to,
        blank=True,
        validators=[FileExtensionValidator(["pdf", "jpg", "jpeg", "png"])],
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan spending")
        verbose_name_plural = _("plan spending")
        ordering = ["spent_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="competencies_devplanspend_amount_positive"
            ),
            models.UniqueConstraint(
                fields=["item_key", "document_number"],
                condition=models.Q(cancelled=False),
                name="competencies_devplanspend_one_document",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.document_number} ({self.spent_on})"

    def clean(self) -> None:
        super().clean()
        if self.spent_on and self.year and self.spent_on.year != self.year:
            raise ValidationError(
                {
                    "spent_on": _("The date must fall in the plan year %(year)s.")
                    % {"year": self.year}
                }
            )
