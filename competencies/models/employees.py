from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.nip import nip_birth_date, validate_nip
from competencies.models.organisation import OrgUnit, Position


class Golongan(models.IntegerChoices):
    """PNS golongan/ruang with their SIASN ids (DOMAIN.md §3)."""

    I_A = 11, "I/a"
    I_B = 12, "I/b"
    I_C = 13, "I/c"
    I_D = 14, "I/d"
    II_A = 21, "II/a"
    II_B = 22, "II/b"
    II_C = 23, "II/c"
    II_D = 24, "II/d"
    III_A = 31, "III/a"
    III_B = 32, "III/b"
    III_C = 33, "III/c"
    III_D = 34, "III/d"
    IV_A = 41, "IV/a"
    IV_B = 42, "IV/b"
    IV_C = 43, "IV/c"
    IV_D = 44, "IV/d"
    IV_E = 45, "IV/e"


class PppkGolongan(models.IntegerChoices):
    """PPPK golongan I–XVII (Perpres 98/2020 on PPPK pay; primary text not retrieved,
    DOMAIN.md §7). A scale of its own, never a PNS golongan/ruang; the value is the
    golongan's number."""

    I = 1, "I"  # noqa: E741  # the golongan is called I
    II = 2, "II"
    III = 3, "III"
    IV = 4, "IV"
    V = 5, "V"
    VI = 6, "VI"
    VII = 7, "VII"
    VIII = 8, "VIII"
    IX = 9, "IX"
    X = 10, "X"
    XI = 11, "XI"
    XII = 12, "XII"
    XIII = 13, "XIII"
    XIV = 14, "XIV"
    XV = 15, "XV"
    XVI = 16, "XVI"
    XVII = 17, "XVII"


PANGKAT = {
    11: "Juru Muda",
    12: "Juru Muda Tingkat I",
    13: "Juru",
    14: "Juru Tingkat I",
    21: "Pengatur Muda",
    22: "Pengatur Muda Tingkat I",
    23: "Pengatur",
    24: "Pengatur Tingkat I",
    31: "Penata Muda",
    32: "Penata Muda Tingkat I",
    33: "Penata",
    34: "Penata Tingkat I",
    41: "Pembina",
    42: "Pembina Tingkat I",
    43: "Pembina Utama Muda",
    44: "Pembina Utama Madya",
    45: "Pembina Utama",
}


class Employee(models.Model):
    """A civil servant's HR record. Never hard-deleted: deactivation keeps every record
    that points here (assessments, enrolments, certificates). The NIP and e-mail live on
    the linked User, which is what the person signs in with."""

    class EmploymentType(models.TextChoices):
        PNS = "PNS", _("Civil servant (PNS)")
        PPPK = "PPPK", _("Contract civil servant (PPPK)")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="employee",
    )
    full_name = models.CharField(_("full name (without titles)"), max_length=200)
    title_prefix = models.CharField(_("academic title before the name"), max_length=40, blank=True)
    title_suffix = models.CharField(_("academic title after the name"), max_length=60, blank=True)
    # Place and date of birth (tempat, tanggal lahir) for the STTP. A PNS's birth date is
    # read from the NIP (`birth_date`); `date_of_birth` is kept for those whose number
    # carries none (PPPK, no NIP) and, for a PNS, must agree with the NIP (clean()).
    birth_place = models.CharField(_("place of birth"), max_length=100, blank=True)
    date_of_birth = models.DateField(
        _("date of birth"),
        null=True,
        blank=True,
        help_text=_(
            "For PPPK employees and others whose NIP does not hold the birth date; "
            "a PNS's birth date is read from the NIP."
        ),
    )
    employment_type = models.CharField(
        _("employment type"),
        max_length=4,
        choices=EmploymentType.choices,
        default=EmploymentType.PNS,
    )
    golongan = models.PositiveSmallIntegerField(
        _("golongan/ruang"), choices=Golongan.choices, null=True, blank=True
    )
    pppk_golongan = models.PositiveSmallIntegerField(
        _("PPPK golongan"),
        choices=PppkGolongan.choices,
        null=True,
        blank=True,
        help_text=_("PPPK only: golongan I–XVII (Perpres 98/2020)."),
    )
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="employees",
        null=True,
        blank=True,
        db_index=False,
    )
    position = models.ForeignKey(
        Position,
        verbose_name=_("position"),
        on_delete=models.PROTECT,
        related_name="employees",
        null=True,
        blank=True,
    )
    supervisor = models.ForeignKey(
        "self",
        verbose_name=_("direct supervisor (atasan langsung)"),
        on_delete=models.SET_NULL,
        related_name="direct_reports",
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)
    joined_on = models.DateField(_("joined on"), null=True, blank=True)
    deactivated_at = models.DateTimeField(_("deactivated at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ["full_name"]
        indexes = [models.Index(fields=["unit", "is_active"], name="competencies_emp_unit_idx")]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        """The name as written on documents: "Dr. Rina Lestari, S.Sos., M.Si."."""
        name = f"{self.title_prefix} {self.full_name}".strip()
        return f"{name}, {self.title_suffix}" if self.title_suffix else name

    @property
    def nip(self) -> str:
        return self.user.nip or ""

    @property
    def birth_date(self) -> datetime.date | None:
        """From digits 1–8 of a PNS NIP; else the recorded `date_of_birth` (PPPK, whose
        NI PPPK layout is unverified, and employees without a NIP), or None."""
        return self.nip_birth_date or self.date_of_birth

    @property
    def nip_birth_date(self) -> datetime.date | None:
        return nip_birth_date(self.nip, pppk=self.employment_type == self.EmploymentType.PPPK)

    @property
    def pangkat(self) -> str:
        return PANGKAT.get(self.golongan or 0, "")

    def clean(self) -> None:
        super().clean()
        errors: dict[str, list] = {}
        if self.user_id and self.user.nip:
            try:
                validate_nip(self.user.nip, pppk=self.employment_type == self.EmploymentType.PPPK)
            except ValidationError as exc:
                errors["user"] = exc.messages
        if self.employment_type == self.EmploymentType.PPPK and self.golongan:
            errors["golongan"] = [_("PNS golongan does not apply to PPPK employees.")]
        if self.employment_type != self.EmploymentType.PPPK and self.pppk_golongan:
            errors["pppk_golongan"] = [_("PPPK golongan does not apply to PNS employees.")]
        message = date_of_birth_problem(
            self.date_of_birth,
            nip=self.user.nip or "" if self.user_id else "",
            employment_type=self.employment_type,
        )
        if message:
            errors["date_of_birth"] = [message]
        if self.supervisor_id and self.supervisor_id == self.pk:
            errors["supervisor"] = [_("An employee cannot be their own supervisor.")]
        if errors:
            raise ValidationError(errors)


def date_of_birth_problem(value: datetime.date | None, *, nip: str, employment_type: str) -> str:
    """Why a recorded date of birth is refused ("" when it is not): a date that
    contradicts the one a PNS NIP encodes (digits 1–8), or one in the future. The
    employee form, the service and the employee import share it."""
    if value is None:
        return ""
    if value > timezone.localdate():
        return str(_("The date of birth cannot be in the future."))
    from_nip = nip_birth_date(nip, pppk=employment_type == Employee.EmploymentType.PPPK)
    if from_nip is not None and from_nip != value:
        return str(
            _(
                "The date of birth %(date)s contradicts the NIP, whose digits 1–8 give "
                "%(nip_date)s. Correct the NIP or the date (or leave the date empty: it is "
                "read from the NIP)."
            )
            % {"date": value.isoformat(), "nip_date": from_nip.isoformat()}
        )
    return ""


class HRScope(models.Model):
    """Limits an HR manager to one unit subtree. An HR manager without a scope sees the
    whole organisation."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("HR manager"),
        on_delete=models.CASCADE,
        related_name="hr_scope",
    )
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit subtree"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("HR manager scope")
        verbose_name_plural = _("HR manager scopes")

    def __str__(self) -> str:
        return f"{self.user} → {self.unit}"
