"""One yearly JP figure everywhere. One person with a completed course (certificate valid),
a course whose certificate was revoked, approved, submitted and rejected external training,
and an approved record of last year: the dashboard, the training history, the transcript,
the supervisor's team page, the HR compliance report, the compliance API, the SIASN export
and the public figures all say the same JP, the one `jp_total_for_employee` computes
(docs/competencies.md, "Yearly JP")."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from competencies.models import TrainingRecord
from competencies.selectors.jp import jp_by_employee, jp_total_for_employee
from competencies.services.summaries import summaries_refresh_for_employees
from lms.models import Certificate
from lms.services.certificates import certificate_issue, certificate_revoke
from tests.api.conftest import token_client
from tests.factories.accounts import UserFactory
from tests.factories.lms import CoursePageFactory
from tests.lms.certificates.conftest import complete

pytestmark = pytest.mark.django_db

EXPECTED = Decimal("14")  # 4 (valid certificate) + 10 (approved external)
FIGURE = re.compile(r"([\d.,]+)\s+(?:of|dari)\s+20\s+JP")


@pytest.fixture(autouse=True)
def _settings(settings):
    settings.API_THROTTLE_RATE = "10000/minute"
    settings.API_WEBHOOK_URL = ""
    settings.LANGUAGE_CODE = "id"


def _external(employee, *, jp, status, finished_on, title):
    record = TrainingRecord.objects.create(
        employee=employee,
        source=TrainingRecord.Source.EXTERNAL,
        title=title,
        organiser="BPSDM Kaltim",
        development_type=9,
        started_on=finished_on,
        finished_on=finished_on,
        jp=Decimal(jp),
        status=status,
    )
    summaries_refresh_for_employees(employee_ids=[employee.pk])  # as the services do
    return record


@pytest.fixture
def person(holder, course, course_index, hr_manager):
    """The holder's year: 4 JP from a course with a valid certificate, 6 JP from a course
    whose certificate is revoked, 10 approved external, 7 waiting, 5 rejected, and 9
    approved last year."""
    employee = holder.employee
    certificate_issue(enrolment_id=complete(holder, course, jp_earned=Decimal("4")).pk)
    other = CoursePageFactory(parent=course_index, title="Etika Birokrasi")
    revoked = certificate_issue(enrolment_id=complete(holder, other, jp_earned=Decimal("6")).pk)
    certificate_revoke(certificate=revoked, actor=hr_manager, reason="Data hadir tidak sah")
    today = timezone.localdate()
    _external(employee, jp=10, status="approved", finished_on=today, title="Seminar SPBE")
    _external(employee, jp=7, status="submitted", finished_on=today, title="Workshop SAKIP")
    _external(employee, jp=5, status="rejected", finished_on=today, title="Bimtek Arsip")
    _external(
        employee,
        jp=9,
        status="approved",
        finished_on=datetime.date(today.year - 1, 12, 31),
        title="Diklat tahun lalu",
    )
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).count() == 1
    return employee


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _figures(html: str) -> list[Decimal]:
    return [_number(m) for m in FIGURE.findall(html)]


def test_the_selector_applies_the_rule(person):
    year = timezone.localdate().year
    assert jp_total_for_employee(employee=person, year=year) == EXPECTED
    assert jp_by_employee(year=year, employee_ids=[person.pk]) == {person.pk: EXPECTED}
    assert jp_total_for_employee(employee=person, year=year - 1) == Decimal(9)


def test_every_page_and_export_says_the_same_jp(
    person, holder, supervisor, hr_manager, client, monkeypatch
):
    year = timezone.localdate().year
    seen: dict[str, Decimal] = {}

    client.force_login(holder)
    seen["dashboard"] = _figures(client.get(reverse("lms:dashboard")).content.decode())[0]
    seen["history"] = _figures(client.get(reverse("competencies:records")).content.decode())[0]
    transcript = _figures(client.get(reverse("competencies:transcript")).content.decode())
    assert transcript == [EXPECTED, Decimal(9)]  # this year first, then last year
    seen["transcript"] = transcript[0]

    client.force_login(supervisor.user)
    team = client.get(reverse("lms:team")).content.decode()
    seen["team page"] = _figures(team)[0]

    client.force_login(hr_manager)
    report = client.get(reverse("competencies_compliance_report"), {"year": year}).content.decode()
    row = re.search(
        r"Rina Lestari.*?</tr>", report, flags=re.S
    )  # the employee's row; its last cell is the JP
    assert row is not None, report
    seen["compliance report"] = _number(re.findall(r"<td>([^<]*)</td>", row.group(0))[-1])

    api = token_client(UserFactory(roles=[Role.LAYANAN_API]))
    rows = api.get("/api/v1/compliance/", {"year": year}).json()["results"]
    seen["compliance API"] = next(
        Decimal(r["jp"]) for r in rows if r["employee"]["id"] == person.pk
    )
    kursus = api.get("/api/v1/siasn/kursus/").json()["results"]
    seen["SIASN export"] = sum(
        (
            Decimal(str(r["jumlahJam"]))
            for r in kursus
            if r["nipBaru"] == holder.nip and r["tahunKursus"] == year
        ),
        Decimal(0),
    )

    # The public figures hide small counts; with the threshold off, the city's average
    # JP times its employees (this person and their supervisor, who has none) is this
    # person's JP.
    monkeypatch.setattr("lms.selectors.public.SMALL_CELL", 1)
    total = client.get(reverse("public:data_json"), {"tahun": year}).json()["total"]
    assert total["employees"] == 2
    seen["public figures"] = Decimal(str(total["jp_average"])) * total["employees"]

    assert seen == dict.fromkeys(seen, EXPECTED)
