from __future__ import annotations

import csv
import io
import re
from io import StringIO

from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

import pytest

from competencies.models import AgencySettings, OrgUnit
from lms.models import Certificate, NewsPage
from lms.selectors.public import COURSE_FIELDS, UNIT_FIELDS
from tests.factories.competencies import EmployeeFactory
from tests.lms.public.conftest import YEAR, add_jp
from tests.perf.queries import assert_constant_queries, page_get

pytestmark = pytest.mark.django_db

NIP = re.compile(r"\b\d{18}\b")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")


def test_open_data_csv_has_the_documented_columns(client, city, home_page):
    response = client.get(reverse("public:data_csv"), {"tahun": YEAR})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Access-Control-Allow-Origin"] == "*"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["year", *(f.name for f in UNIT_FIELDS)]
    assert [r[1] for r in rows[1:]] == ["DINKES", "DISDIK", "KEC", "TOTAL"]
    tiny = dict(zip(rows[0], rows[3], strict=True))
    assert tiny["employees"] == "x"  # suppressed
    assert tiny["year"] == str(YEAR)


def test_open_data_course_csv_has_the_documented_columns(client, city, home_page):
    response = client.get(reverse("public:data_csv"), {"tahun": YEAR, "tabel": "kursus"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["year", *COURSE_FIELDS]


def test_open_data_json_has_the_documented_keys(client, city, home_page):
    response = client.get(reverse("public:data_json"), {"tahun": YEAR})

    assert response.status_code == 200
    data = response.json()
    assert {
        "year",
        "jp_target",
        "small_cell_threshold",
        "generated_at",
        "units",
        "total",
        "courses",
        "data_dictionary",
        "licence",
    } <= set(data)
    assert data["year"] == YEAR and data["small_cell_threshold"] == 5
    unit = data["units"][0]
    assert set(unit) == {f.name for f in UNIT_FIELDS} | {"suppressed"}
    tiny = data["units"][2]
    assert tiny["employees"] is None and "employees" in tiny["suppressed"]


def test_an_unknown_year_falls_back_to_the_current_year(client, db):
    response = client.get(reverse("public:data_json"), {"tahun": "1900"})

    assert response.json()["units"] == []
    assert response.json()["year"] >= 2026


def test_dashboard_shows_the_table_and_an_accessible_chart(client, city, home_page):
    response = client.get(reverse("public:dashboard"), {"tahun": YEAR})

    html = response.content.decode()
    assert response.status_code == 200
    assert "<table" in html and '<th scope="col">' in html
    assert 'role="img"' in html and "<desc" in html
    assert 'class="suppressed"' in html
    assert "<script" not in html
    assert "Dinas Kesehatan" in html


def test_dashboard_uses_the_cache_and_a_fixed_number_of_queries(client, city, home_page):
    dashboard = page_get(client, f"{reverse('public:dashboard')}?tahun={YEAR}")

    def ten_more_employees_with_jp():
        for _ in range(10):
            add_jp(EmployeeFactory(unit=city["middle"]), 3)

    def with_nothing_cached():
        cache.clear()
        dashboard()

    # The warm-up fills what the process keeps outside the cache.
    # 12, two for the classroom figures (batches; attended sessions), and one for the
    # approved development plan of the year (none here; docs/development-plan.md).
    assert_constant_queries(with_nothing_cached, grow=ten_more_employees_with_jp, limit=15)
    # The figures come from the cache.
    assert_constant_queries(dashboard, grow=ten_more_employees_with_jp, limit=1)


def test_data_dictionary_describes_every_field(client, db):
    html = client.get(reverse("public:data_dictionary")).content.decode()

    for f in UNIT_FIELDS:
        assert f"<code>{f.name}</code>" in html


def test_public_pages_show_no_personal_data(client, city, settings):
    """Every public page, with the demo data (which has a revoked certificate, news and
    courses) plus the compliance data set: no NIP and no e-mail address other than the
    agency's own published contact."""
    settings.WAGTAILADMIN_BASE_URL = "http://testserver"
    call_command("seed_demo", stdout=StringIO())
    assert Certificate.objects.filter(status=Certificate.Status.REVOKED).exists()
    agency_email = AgencySettings.objects.get().contact_email
    news = NewsPage.objects.live().first()
    urls = [
        "/",
        reverse("lms:catalogue"),
        news.get_parent().url,
        news.url,
        reverse("public:dashboard"),
        reverse("public:dashboard") + f"?tahun={YEAR}",
        reverse("public:data_csv") + f"?tahun={YEAR}",
        reverse("public:data_csv") + "?tabel=kursus",
        reverse("public:data_csv") + "?tabel=klasikal",
        reverse("public:data_json") + f"?tahun={YEAR}",
        reverse("public:data_dictionary"),
        reverse("public:accountability"),
    ]
    for url in urls:
        response = client.get(url, follow=True)
        assert response.status_code == 200, url
        text = response.content.decode("utf-8-sig")
        assert not NIP.search(text), url
        emails = {m.group(0) for m in EMAIL.finditer(text)} - {agency_email}
        assert not emails, (url, emails)
    accountability = client.get(reverse("public:accountability")).content.decode()
    revoked = Certificate.objects.filter(status=Certificate.Status.REVOKED).first()
    # Counts and categories, not people (UU PDP): with a name and a number the /verify/
    # search would find the certificate.
    assert revoked.number not in accountability
    assert revoked.holder_name not in accountability
    with translation.override("id"):
        assert str(revoked.get_revocation_category_display()) in accountability
    assert revoked.revocation_reason not in accountability  # HR's free text stays internal
    assert OrgUnit.objects.exists()


def test_open_data_hides_the_average_jp_of_a_suppressed_count(client, home_page):
    """Every published form (CSV, JSON, the dashboard) hides a figure derived from a
    suppressed count: 1.2 average JP × 5 employees would reveal the one trained person's
    6 JP."""
    from tests.factories.competencies import EmployeeFactory, OrgUnitFactory
    from tests.lms.public.conftest import add_jp

    unit = OrgUnitFactory(code="KECIL", name="Unit Lima")
    employees = [EmployeeFactory(unit=unit) for _ in range(5)]
    add_jp(employees[0], 6)

    data = client.get(reverse("public:data_json"), {"tahun": YEAR}).json()
    response = client.get(reverse("public:data_csv"), {"tahun": YEAR})
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    html = client.get(reverse("public:dashboard"), {"tahun": YEAR}).content.decode()

    unit_json = next(u for u in data["units"] if u["unit_code"] == "KECIL")
    assert unit_json["jp_average"] is None
    assert {r["unit_code"]: r["jp_average"] for r in rows} == {"KECIL": "x", "TOTAL": "x"}
    # In no cell of the dashboard's tables (the page's "updated at 01.25" is a time).
    cells = re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)
    assert cells
    assert not [c for c in cells if "1,2" in c or "1.2" in c]
