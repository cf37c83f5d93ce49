from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from competencies.models.organisation import code_validator

LEVELS = range(1, 6)


class Competency(ClusterableModel):
    """An entry of the competency dictionary (PermenPANRB 38/2017 for managerial and
    socio-cultural ones; technical ones defined by the agency; kompetensi pemerintahan
    optional for regional governments). docs/competencies.md."""

    class Kind(models.TextChoices):
        TEKNIS = "teknis", _("Technical (teknis)")
        MANAJERIAL = "manajerial", _("Managerial (manajerial)")
        SOSIAL_KULTURAL = "sosial_kultural", _("Socio-cultural (sosial kultural)")
        # Optional, for regional governments (UU 23/2014 art. 233(4); Permendagri 11/2018):
        # only offered when AgencySettings.government_competencies_enabled is on.
        PEMERINTAHAN = "pemerintahan", _("Government affairs (pemerintahan)")

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[code_validator])
    name_id = models.CharField(_("name (Indonesian)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_id = models.TextField(_("description (Indonesian)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("competency")
        verbose_name_plural = _("competencies")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.PEMERINTAHAN and not self._pemerintahan_allowed():
            raise ValidationError(
                {
                    "kind": _(
                        "Kompetensi pemerintahan is off for this agency. An administrator "
                        "can turn it on in the agency settings."
                    )
                }
            )

    def _pemerintahan_allowed(self) -> bool:
        """On in the agency settings, or this competency already has that kind (turning the
        setting off again keeps existing ones editable)."""
        from competencies.models.settings import AgencySettings

        if self.pk and type(self).objects.filter(pk=self.pk, kind=self.Kind.PEMERINTAHAN).exists():
            return True
        return AgencySettings.for_default_site().government_competencies_enabled

    @property
    def name(self) -> str:
        """The name in the active language, falling back to Indonesian."""
        if (get_language() or "id").startswith("en") and self.name_en:
            return self.name_en
        return self.name_id

    @property
    def description(self) -> str:
        if (get_language() or "id").startswith("en") and self.description_en:
            return self.description_en
        return self.description_id


class ProficiencyLevel(models.Model):
    """One of a competency's five levels, with its behavioural indicators."""

    competency = ParentalKey(
        Competency, on_delete=models.CASCADE, related_name="levels", db_index=False
    )
    level = models.PositiveSmallIntegerField(
        _("level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    description_id = models.TextField(_("description (Indonesian)"))
    description_en = models.TextField(_("description (English)"), blank=True)
    indicators_id = models.TextField(
        _("behavioural indicators (Indonesian)"), blank=True, help_text=_("One per line.")
    )
    indicators_en = models.TextField(
        _("behavioural indicators (English)"), blank=True, help_text=_("One per line.")
    )

    class Meta:
        verbose_name = _("proficiency level")
        verbose_name_plural = _("proficiency levels")
        ordering = ["competency", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["competency", "level"], name="competencies_level_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="competencies_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.competency.code} — {self.level}"

    @property
    def description(self) -> str:
        if (get_language() or "id").startswith("en") and self.description_en:
            return self.description_en
        return self.description_id

    @property
    def indicators(self) -> list[str]:
        text = self.indicators_id
        if (get_language() or "id").startswith("en") and self.indicators_en:
            text = self.indicators_en
        return [line.strip() for line in text.splitlines() if line.strip()]
