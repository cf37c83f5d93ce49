"""Numbers and dates in the page language's style (docs/translations.md)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.utils import translation

import pytest

from accounts.models import Notification
from accounts.notifications import notice_render
from tests.factories.accounts import UserFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
NAMED = {"DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATE_FORMAT", "SHORT_DATETIME_FORMAT"}
# Not dates for people to read: month-and-year headings and the HTML `datetime` value; a
# month grid's day cells ("6", or "30 Nov" for a day of the month before, beside a
# <time datetime> with the whole date).
LITERAL_OK = {"F Y", "c", "Y-m-d", "j", "j M"}


def test_templates_use_the_locale_date_formats():
    """A literal format ("j M Y") beside the locale's DATE_FORMAT gives "6 Des. 2026" next
    to "14 Agu 2026" on one page: human-readable dates use the named formats only."""
    bad = []
    for path in TEMPLATES.rglob("*.html"):
        for fmt in re.findall(r'\|date:"([^"]*)"', path.read_text()):
            if fmt not in NAMED | LITERAL_OK:
                bad.append(f"{path.relative_to(TEMPLATES)}: {fmt}")
    assert not bad


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "expected"), [("id", "20 Des 2026"), ("en", "Dec. 20, 2026")])
def test_notice_dates_in_the_reader_language(language, expected):
    notice = Notification.objects.create(
        user=UserFactory(),
        kind="assignment_new",
        params={"course": "Etika ASN", "due": "2026-12-20"},
    )

    body = notice_render(notice, language=language).body

    assert expected in body
    assert "2026-12-20" not in body


@pytest.mark.parametrize(
    ("language", "value", "expected"),
    [("id", Decimal("8.0"), "8"), ("id", Decimal("3.1"), "3,1"), ("en", Decimal("3.1"), "3.1")],
)
def test_jp_display(language, value, expected):
    from competencies.formats import jp_display

    with translation.override(language):
        assert jp_display(value) == expected


@pytest.mark.django_db
def test_record_review_shows_local_dates_and_jp():
    from competencies.admin_views.records import TrainingRecordDecideView
    from competencies.models import TrainingRecord
    from tests.factories.competencies import EmployeeFactory

    record = TrainingRecord(
        employee=EmployeeFactory(),
        title="Diklat",
        started_on=datetime.date(2026, 8, 14),
        finished_on=datetime.date(2026, 12, 6),
        jp=Decimal("8.0"),
    )
    view = TrainingRecordDecideView()
    view.object = record
    with translation.override("id"):
        rows = {str(k): str(v) for k, v in view.details()}

    assert rows["Tanggal"] == "14 Agu 2026 – 6 Des 2026"
    assert rows["Jumlah jam pelajaran (JP)"] == "8"
