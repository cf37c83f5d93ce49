"""PPPK (contract civil servants) by their own rules (DOMAIN.md §2, §7):

- PP 49/2018 art. 40(1): PPPK competency development is "paling lama 24 JP" per contract
  year — a CAP, not the PNS floor of 20 JP (PP 11/2017 art. 203(4)). A PPPK with fewer
  than 20 JP is not non-compliant; one over 24 JP is over the cap.
- Perpres 98/2020: PPPK have their own golongan I–XVII, apart from PNS golongan/ruang
  (primary text not retrieved; DOMAIN.md §7)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.urls import reverse

import pytest

from competencies.models import AgencySettings, Employee, PppkGolongan
from competencies.selectors.compliance import (
    ComplianceFilters,
    jp_compliance_list,
    jp_compliance_report,
    jp_unit_summary,
)
from competencies.selectors.jp import JpTarget, jp_target_for_employee
from competencies.services.records import training_record_from_course
from competencies.siasn import DevelopmentType

pytestmark = pytest.mark.django_db
YEAR = 2026
PPPK = Employee.EmploymentType.PPPK


def _jp(employee, jp, *, year=YEAR):
    training_record_from_course(
        employee=employee, source_key=f"p:{employee.pk}:{jp}:{year}", title="Pelatihan",
        organiser="BKPSDM", development_type=DevelopmentType.E_LEARNING,
        started_on=datetime.date(year, 6, 1), finished_on=datetime.date(year, 6, 2), jp=Decimal(jp),
    )  # fmt: skip


@pytest.fixture
def people(org):
    pns_low = org.employee(full_name="Ani PNS", unit=org.unit_a)
    pppk_low = org.employee(full_name="Budi PPPK", unit=org.unit_a, employment_type=PPPK)
    pppk_over = org.employee(full_name="Cici PPPK", unit=org.unit_a, employment_type=PPPK)
    _jp(pns_low, 8)
    _jp(pppk_low, 8)
    _jp(pppk_over, 30)
    return pns_low, pppk_low, pppk_over


def test_the_pppk_jp_cap_is_24_by_default_pp_49_2018_art_40_1():
    # PP 49/2018 art. 40(1): "paling lama 24 JP" per contract year.
    assert AgencySettings._meta.get_field("pppk_jp_cap").get_default() == 24
    # PP 11/2017 art. 203(4): PNS at least 20 JP a year.
    assert AgencySettings._meta.get_field("yearly_jp_target").get_default() == 20


def test_one_rule_says_who_has_a_floor_and_who_has_a_cap(people):
    pns, pppk, _ = people
    agency = AgencySettings(yearly_jp_target=20, pppk_jp_cap=24)

    assert jp_target_for_employee(employee=pns, agency=agency) == JpTarget("floor", 20)
    rule = jp_target_for_employee(employee=pppk, agency=agency)
    assert rule == JpTarget("cap", 24)
    assert rule.is_compliant(Decimal(0)) and rule.is_compliant(Decimal(24))
    assert not rule.is_compliant(Decimal("24.5"))
    assert JpTarget("floor", 20).is_compliant(Decimal(20))
    assert not JpTarget("floor", 20).is_compliant(Decimal("19.5"))


def test_pppk_below_20_jp_are_not_listed_as_non_compliant_but_over_the_cap_are(people):
    pns, pppk_low, pppk_over = people
    listing = jp_compliance_list(
        employees=Employee.objects.all(), filters=ComplianceFilters(year=YEAR), target=20
    )
    assert [e.full_name for e in listing] == ["Ani PNS", "Cici PPPK"]


def test_the_compliance_report_counts_pppk_apart_from_the_pns_floor(org, people):
    filters = ComplianceFilters(year=YEAR)
    report = jp_compliance_report(
        employees=Employee.objects.all(), filters=filters, target=20, units=[org.unit_a],
        page_number=1, page_size=50,
    )  # fmt: skip
    (a,) = report.summary
    # The PNS share is over PNS only; PPPK have their own figures.
    assert (a.employees, a.meeting_target) == (1, 0)
    assert (a.pppk, a.pppk_over_cap) == (2, 1)
    assert [e.full_name for e in report.page.object_list] == ["Ani PNS", "Cici PPPK"]
    assert [e.jp_rule.kind for e in report.page.object_list] == ["floor", "cap"]

    (b,) = jp_unit_summary(
        units=[org.unit_a], employees=Employee.objects.all(), year=YEAR, target=20
    )
    assert (b.employees, b.meeting_target, b.pppk, b.pppk_over_cap) == (1, 0, 2, 1)


def test_the_compliance_api_gives_pppk_their_cap(people, home_page, settings):
    from accounts.roles import Role
    from tests.api.conftest import token_client
    from tests.factories.accounts import UserFactory

    settings.API_THROTTLE_RATE = "10000/minute"
    api = token_client(UserFactory(email="simpeg@uji.example", roles=[Role.LAYANAN_API]))
    rows = api.get("/api/v1/compliance/", {"year": YEAR}).json()["results"]
    by_name = {r["employee"]["name"]: r for r in rows}
    assert by_name["Budi PPPK"]["target"] == 24
    assert by_name["Budi PPPK"]["target_kind"] == "cap"
    assert by_name["Budi PPPK"]["meets_target"] is True  # 8 JP is within the cap
    assert by_name["Cici PPPK"]["meets_target"] is False  # 30 JP is over it
    assert by_name["Ani PNS"]["target_kind"] == "floor"
    assert by_name["Ani PNS"]["meets_target"] is False


def test_the_dashboard_shows_pppk_at_most_24_jp(people, rf):
    from lms.selectors.dashboard import dashboard_for_user

    _, pppk, _ = people
    dashboard = dashboard_for_user(user=pppk.user)
    assert (dashboard.jp_target, dashboard.jp_target_kind) == (24, "cap")
    pns_dashboard = dashboard_for_user(user=people[0].user)
    assert (pns_dashboard.jp_target, pns_dashboard.jp_target_kind) == (20, "floor")


def test_the_team_page_shows_pppk_at_most_24_jp(org, people, client):
    _, pppk, _ = people
    boss = org.employee(full_name="Atasan", unit=org.unit_a)
    pppk.supervisor = boss
    pppk.save()
    client.force_login(boss.user)
    html = client.get(reverse("lms:team")).content.decode()
    assert "8 of at most 24 JP" in html or "8 dari paling banyak 24 JP" in html


# GOLONGAN (Perpres 98/2020) ----------------------------------------------------------------


def test_pppk_golongan_are_i_to_xvii_perpres_98_2020():
    assert [label for _value, label in PppkGolongan.choices] == [
        "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX",
        "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII",
    ]  # fmt: skip
    assert [value for value, _label in PppkGolongan.choices] == list(range(1, 18))


def test_a_pppk_holds_a_pppk_golongan_and_a_pns_does_not(org):
    pppk = org.employee(full_name="Dedi PPPK", employment_type=PPPK, pppk_golongan=9)
    pppk.full_clean()
    assert pppk.get_pppk_golongan_display() == "IX"

    pppk.golongan = 31
    with pytest.raises(ValidationError) as raised:
        pppk.full_clean()
    assert "golongan" in raised.value.message_dict

    pns = org.employee(full_name="Eka PNS")
    pns.pppk_golongan = 9
    with pytest.raises(ValidationError) as raised:
        pns.full_clean()
    assert "pppk_golongan" in raised.value.message_dict


def test_the_compliance_page_and_csv_give_pppk_their_own_status(org, people, client):
    import csv
    import io

    client.force_login(org.hr)
    url = reverse("competencies_compliance_report")
    html = client.get(url, {"year": YEAR}).content.decode()
    assert "Ani PNS" in html and "Cici PPPK" in html
    assert "Budi PPPK" not in html  # 8 JP is within the PPPK cap: not behind
    assert "PP 49/2018" in html

    response = client.get(url, {"year": YEAR, "all_employees": "on", "export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][-2:] == ["employment_type", "target_kind"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Budi PPPK"][5:] == ["8.0", "24", "ya", "PPPK", "cap"]
    assert by_name["Cici PPPK"][5:] == ["30.0", "24", "tidak", "PPPK", "cap"]
    assert by_name["Ani PNS"][5:] == ["8.0", "20", "tidak", "PNS", "floor"]


def test_the_import_reads_the_golongan_column_by_employment_type_perpres_98_2020(org):
    from competencies.imports.employees import employees_import
    from tests.competencies.imports.files import csv_bytes

    data = csv_bytes(
        ["nip", "name", "email", "jenis_pegawai", "golongan"],
        [
            ["123456789012345678", "Fajar", "fajar@bontang.example", "PPPK", "IX"],
            ["199203152019032001", "Gita", "gita@bontang.example", "PNS", "III/a"],
        ],
    )
    report = employees_import(data=data, filename="p.csv", actor=org.hr, dry_run=False)
    assert report.ok, report.errors
    fajar = Employee.objects.get(full_name="Fajar")
    assert (fajar.golongan, fajar.pppk_golongan) == (None, 9)
    gita = Employee.objects.get(full_name="Gita")
    assert (gita.golongan, gita.pppk_golongan) == (31, None)

    # A PNS cannot hold a PPPK golongan (XVII) and a PPPK not a PNS one (III/a).
    wrong = csv_bytes(
        ["nip", "name", "email", "jenis_pegawai", "golongan"],
        [
            ["198507202010011003", "Hadi", "hadi@bontang.example", "PNS", "XVII"],
            ["223456789012345678", "Indah", "indah@bontang.example", "PPPK", "III/a"],
            ["323456789012345678", "Joko", "joko@bontang.example", "PPPK", "XVIII"],
        ],
    )
    report = employees_import(data=wrong, filename="p.csv", actor=org.hr, dry_run=True)
    assert [(e.row, e.column) for e in report.errors] == [
        (2, "golongan"), (3, "golongan"), (4, "golongan"),
    ]  # fmt: skip


def test_the_admin_form_keeps_pppk_golongan_for_pppk(org):
    from competencies.forms import EmployeeAdminForm

    base = {"full_name": "Kiki", "email": "kiki@uji.example"}
    pns = {**base, "nip": "199203152019032001", "employment_type": "PNS"}
    form = EmployeeAdminForm(data={**pns, "pppk_golongan": "9"})
    assert not form.is_valid()
    assert list(form.errors) == ["pppk_golongan"]
    pppk = {**base, "nip": "123456789012345678", "employment_type": "PPPK"}
    form = EmployeeAdminForm(data={**pppk, "golongan": "31"})
    assert list(form.errors) == ["golongan"]
    form = EmployeeAdminForm(data={**pppk, "pppk_golongan": "9"})
    assert form.is_valid(), form.errors
    assert form.save_kwargs()["pppk_golongan"] == 9


def test_own_records_and_transcript_show_pppk_at_most_24_jp(people, client):
    _, pppk, pppk_over = people
    client.force_login(pppk.user)
    html = client.get(reverse("competencies:records")).content.decode()
    assert "8 dari paling banyak 24 JP" in html or "8 of at most 24 JP" in html
    html = client.get(reverse("competencies:transcript")).content.decode()
    assert "8 dari paling banyak 24 JP" in html or "8 of at most 24 JP" in html
    assert "below the target" not in html and "di bawah target" not in html


def test_the_transcript_pdf_shows_pppk_at_most_24_jp(people, client):
    """The PDF says the same as the HTML transcript: a cap for PPPK (PP 49/2018 art. 40(1))."""
    import io

    import pdfplumber

    _, pppk, _ = people
    client.force_login(pppk.user)
    response = client.get(reverse("competencies:transcript_pdf"))
    with pdfplumber.open(io.BytesIO(response.content)) as document:
        text = " ".join(page.extract_text() or "" for page in document.pages)
    assert "8 dari paling banyak 24 JP" in text or "8 of at most 24 JP" in text
