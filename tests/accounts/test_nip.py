from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

import pytest

from accounts.nip import nip_birth_date, nip_format, nip_mask, nip_normalize, validate_nip


@pytest.mark.parametrize(
    "nip",
    [
        "199203152019032001",  # born 15 Mar 1992, CPNS Mar 2019, female, serial 001
        "198507202010011003",
        "197906302003121004",
        "200002292024012001",  # leap day birth date
    ],
)
def test_valid_pns_nips_pass(nip):
    validate_nip(nip)


def _codes(nip: str, **kwargs) -> set[str]:
    with pytest.raises(ValidationError) as info:
        validate_nip(nip, **kwargs)
    return {error.code for error in info.value.error_list}


@pytest.mark.parametrize(
    ("nip", "code"),
    [
        ("19920315201903200", "nip_length"),  # 17 digits
        ("1992031520190320011", "nip_length"),  # 19 digits
        ("19920315201903200A", "nip_length"),  # a letter
        ("199213152019032001", "nip_birth_date"),  # month 13
        ("199302292019032001", "nip_birth_date"),  # 29 Feb in a common year
        ("199203152019132001", "nip_appointment"),  # appointment month 13
        ("199203152019002001", "nip_appointment"),  # appointment month 00
        ("199203151990032001", "nip_appointment_before_birth"),
        ("199203152019033001", "nip_gender"),
        ("199203152019030001", "nip_gender"),
        ("199203152019032000", "nip_serial"),
    ],
)
def test_each_broken_rule_has_its_own_error(nip, code):
    assert code in _codes(nip)


def test_several_broken_rules_are_all_reported():
    assert _codes("199213152019133000") >= {
        "nip_birth_date",
        "nip_appointment",
        "nip_gender",
        "nip_serial",
    }


def test_pppk_numbers_are_not_held_to_the_pns_date_rules():
    validate_nip("199213152019133000", pppk=True)
    assert _codes("12345", pppk=True) == {"nip_length"}


def test_error_messages_are_translated():
    from django.utils import translation

    with translation.override("id"):
        with pytest.raises(ValidationError) as info:
            validate_nip("199203152019032000")
        assert "tidak boleh 000" in " ".join(info.value.messages)


def test_helpers_normalise_format_and_mask():
    assert nip_normalize("19920315 201903 2 001") == "199203152019032001"
    assert nip_format("199203152019032001") == "19920315 201903 2 001"
    assert nip_mask("199203152019032001") == "1992**********2001"


def test_the_birth_date_is_read_from_a_pns_nip_only():
    assert nip_birth_date("19900312 201503 2 001") == datetime.date(1990, 3, 12)
    assert nip_birth_date("199003122015032001", pppk=True) is None  # NI PPPK unverified
    assert nip_birth_date("199013122015032001") is None  # month 13
    assert nip_birth_date("") is None
