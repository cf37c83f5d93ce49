"""Issue 23, item 3: the catalogue's filter selects written without Django's per-option
widget templates (same markup), DISTINCT only when the competency filter joins, and the
unfiltered count cached under the content version (a published course counts at the
next request)."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from competencies.models import Competency
from competencies.templatetags.select_options import select_field
from lms.forms import CatalogueFilterForm
from tests.factories.competencies import OrgUnitFactory
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


def _tags(html: str) -> str:
    return re.sub(r">\s+<", "><", str(html)).strip()


@pytest.mark.parametrize(
    "data",
    [None, {"delivery_mode": "e_learning"}, {"competency": "999999", "language": "xx"}],
)
def test_select_field_writes_what_django_renders(data, home_page):
    Competency.objects.create(code="T.A", name_id="Anggaran <dasar>", kind="teknis")
    OrgUnitFactory(name="Dinas & Badan")
    form = CatalogueFilterForm(data)
    if data:
        form.is_valid()
    for name in ("competency", "delivery_mode", "unit", "language"):
        assert _tags(select_field(form[name])) == _tags(str(form[name])), name


def test_non_select_fields_are_left_to_django(home_page):
    form = CatalogueFilterForm()
    assert select_field(form["q"]) == str(form["q"])


def _sql(client, url: str) -> list[str]:
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries]


def test_distinct_only_with_the_competency_filter_and_no_count_when_warm(scale, client):
    client.force_login(scale.learner)
    competency = Competency.objects.create(code="T.X", name_id="Uji", kind="teknis")
    scale.course.course_competencies.create(competency=competency, target_level=2)
    scale.course.save()

    unfiltered = _sql(client, scale.index.url)
    assert not any("DISTINCT" in sql for sql in unfiltered), unfiltered
    assert not any("COUNT(" in sql for sql in unfiltered), unfiltered  # cached

    by_mode = _sql(client, scale.index.url + "?delivery_mode=e_learning")
    assert not any("DISTINCT" in sql for sql in by_mode), by_mode

    response = client.get(scale.index.url + f"?competency={competency.pk}")
    assert [c.pk for c in response.context["courses_page"]] == [scale.course.pk]  # once
    assert any(
        "DISTINCT" in sql for sql in _sql(client, scale.index.url + f"?competency={competency.pk}")
    )


def test_the_cached_count_follows_a_published_course(scale, client):
    client.force_login(scale.learner)
    before = client.get(scale.index.url).context["courses_page"].paginator.count
    assert before == len(scale.courses)
    client.get(scale.index.url)  # from the cache now
    course = CoursePageFactory(parent=scale.index, title="Kursus baru", live=False)
    assert not course.live
    assert client.get(scale.index.url).context["courses_page"].paginator.count == before, "draft"
    course.save_revision().publish()

    assert client.get(scale.index.url).context["courses_page"].paginator.count == before + 1
    course.refresh_from_db()
    course.unpublish()
    assert client.get(scale.index.url).context["courses_page"].paginator.count == before
