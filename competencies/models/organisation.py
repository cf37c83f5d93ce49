from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from treebeard.mp_tree import MP_Node

code_validator = RegexValidator(
    r"^[A-Za-z0-9._\-]+$",
    _("Use only letters, digits, dots, dashes and underscores."),
)


class OrgUnit(MP_Node):
    """A unit of the organisation: perangkat daerah → bidang → seksi/UPT (a tree)."""

    class Kind(models.TextChoices):
        PERANGKAT_DAERAH = "perangkat_daerah", _("Regional agency (perangkat daerah)")
        BIDANG = "bidang", _("Division (bidang/bagian)")
        SEKSI = "seksi", _("Section (seksi/subbagian)")
        UPT = "upt", _("Technical unit (UPT)")
        KECAMATAN = "kecamatan", _("District (kecamatan)")
        KELURAHAN = "kelurahan", _("Village (kelurahan)")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("organisation unit")
        verbose_name_plural = _("organisation units")

    def __str__(self) -> str:
        return self.name

    @property
    def indented_name(self) -> str:
        return "\u2003" * (self.depth - 1) + self.name


class Position(ClusterableModel):
    """A jabatan, with its competency standard (required level per competency)."""

    class Kind(models.TextChoices):
        JPT_UTAMA = "jpt_utama", _("JPT Utama")
        JPT_MADYA = "jpt_madya", _("JPT Madya")
        JPT_PRATAMA = "jpt_pratama", _("JPT Pratama")
        ADMINISTRATOR = "administrator", _("Administrator")
        PENGAWAS = "pengawas", _("Pengawas")
        PELAKSANA = "pelaksana", _("Pelaksana")
        FUNGSIONAL = "fungsional", _("Functional (fungsional)")

    class Jenjang(models.TextChoices):
        """Functional grades as coded in SIASN jabatanFungsional.jenjang."""

        AHLI_PERTAMA = "PT", _("Ahli Pertama")
        AHLI_MUDA = "MU", _("Ahli Muda")
        AHLI_MADYA = "MA", _("Ahli Madya")
        AHLI_UTAMA = "UT", _("Ahli Utama")
        PEMULA = "PM", _("Pemula")
        TERAMPIL = "TR", _("Terampil")
        MAHIR = "MH", _("Mahir")
        PENYELIA = "PY", _("Penyelia")

    code = models.CharField(_("code"), max_length=40, unique=True, validators=[code_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    jenjang = models.CharField(
        _("functional grade (jenjang)"), max_length=2, choices=Jenjang.choices, blank=True
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="positions",
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        ordering = ["name"]

    def __str__(self) -> str:
        if self.jenjang:
            return f"{self.name} ({self.get_jenjang_display()})"
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.kind == self.Kind.FUNGSIONAL and not self.jenjang:
            raise ValidationError(
                {"jenjang": _("A functional position needs its grade (jenjang).")}
            )
        if self.kind != self.Kind.FUNGSIONAL and self.jenjang:
            raise ValidationError(
                {"jenjang": _("Only functional positions have a grade (jenjang).")}
            )


class PositionRequirement(models.Model):
    """One line of a position's competency standard."""

    position = ParentalKey(
        Position, on_delete=models.CASCADE, related_name="requirements", db_index=False
    )
    competency = models.ForeignKey(
        "competencies.Competency",
        verbose_name=_("competency"),
        on_delete=models.PROTECT,
        related_name="position_requirements",
    )
    required_level = models.PositiveSmallIntegerField(
        _("required level"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        verbose_name = _("required competency")
        verbose_name_plural = _("required competencies")
        constraints = [
            models.UniqueConstraint(
                fields=["position", "competency"], name="competencies_requirement_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(required_level__gte=1, required_level__lte=5),
                name="competencies_requirement_level_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position} · {self.competency} ≥ {self.required_level}"
