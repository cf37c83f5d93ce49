"""NIP (Nomor Induk Pegawai) rules, from ../shared/DOMAIN.md §3.

A PNS NIP has 18 digits laid out `YYYYMMDD YYYYMM G NNN`: birth date, year and month of
first appointment as CPNS (TMT), gender (1 male, 2 female) and a serial that is never 000.
There is no check digit. PPPK numbers (NI PPPK) also have 18 digits but their layout is
not confirmed, so only the length and digits are checked for them.
"""

from __future__ import annotations

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

NIP_LENGTH = 18
_SEPARATORS = re.compile(r"[\s.\-]")


def nip_normalize(value: str) -> str:
    """Strips the spaces, dots and dashes people type between the NIP's groups."""
    return _SEPARATORS.sub("", value or "")


def nip_format(value: str) -> str:
    """Shows a NIP split 8-6-1-3, as local HR documents do."""
    if len(value) != NIP_LENGTH:
        return value
    return f"{value[:8]} {value[8:14]} {value[14]} {value[15:]}"


def nip_mask(value: str) -> str:
    """Hides the middle digits (birth date and appointment) for public pages."""
    if len(value) != NIP_LENGTH:
        return value
    return f"{value[:4]}{'*' * 10}{value[14:]}"


def validate_nip_digits(value: str) -> None:
    if not value.isdigit() or len(value) != NIP_LENGTH:
        raise ValidationError(
            _("A NIP has exactly 18 digits (you entered %(count)d characters)."),
            code="nip_length",
            params={"count": len(value)},
        )


def _parse_date(year: str, month: str, day: str) -> datetime.date | None:
    try:
        return datetime.date(int(year), int(month), int(day))
    except ValueError:
        return None


def nip_birth_date(value: str, *, pppk: bool = False) -> datetime.date | None:
    """The birth date in digits 1–8 of a PNS NIP (the only place the portal keeps it);
    None for a NI PPPK (its layout is unverified, DOMAIN.md §3) or a malformed number."""
    value = nip_normalize(value)
    if pppk or not value.isdigit() or len(value) != NIP_LENGTH:
        return None
    return _parse_date(value[0:4], value[4:6], value[6:8])


def validate_nip(value: str, *, pppk: bool = False) -> None:
    """Raises ValidationError with one message per broken rule."""
    validate_nip_digits(value)
    if pppk:
        return
    errors: list[ValidationError] = []
    birth = _parse_date(value[0:4], value[4:6], value[6:8])
    if birth is None:
        errors.append(
            ValidationError(
                _("Digits 1–8 of a NIP must be a real birth date (YYYYMMDD)."),
                code="nip_birth_date",
            )
        )
    appointed = _parse_date(value[8:12], value[12:14], "01")
    if appointed is None:
        errors.append(
            ValidationError(
                _(
                    "Digits 9–14 of a NIP must be the year and month of appointment "
                    "as CPNS (YYYYMM, month 01–12)."
                ),
                code="nip_appointment",
            )
        )
    if birth and appointed and appointed < birth.replace(day=1):
        errors.append(
            ValidationError(
                _("The appointment date in a NIP cannot be before the birth date."),
                code="nip_appointment_before_birth",
            )
        )
    if value[14] not in "12":
        errors.append(
            ValidationError(
                _("Digit 15 of a NIP is the gender: 1 (male) or 2 (female)."),
                code="nip_gender",
            )
        )
    if value[15:] == "000":
        errors.append(
            ValidationError(
                _("The last three digits of a NIP (serial number) cannot be 000."),
                code="nip_serial",
            )
        )
    if errors:
        raise ValidationError(errors)
