"""Public lists show only what is public: news and course publications behind a view
restriction stay out; the accountability log's pagers keep each other's page."""

from __future__ import annotations

import datetime

from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from wagtail.models import PageViewRestriction

import pytest

from lms.models import NewsIndexPage, NewsPage
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


def _restrict(page):
    return PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)


@pytest.fixture
def news(home_page):
    index = NewsIndexPage(title="Berita", slug="berita")
    home_page.add_child(instance=index)
    pages = {}
    for n, title in enumerate(("Kabar Umum", "Kabar Internal")):
        page = NewsPage(title=title, slug=f"kabar-{n}", date=datetime.date(2026, 1, 1 + n))
        index.add_child(instance=page)
        pages[title] = page
    _restrict(pages["Kabar Internal"])
    return index, pages


def test_home_page_leaves_out_restricted_news(client, news):
    response = client.get("/")

    assert [p.title for p in response.context["latest_news"]] == ["Kabar Umum"]
    assert "Kabar Internal" not in response.content.decode()


def test_news_index_leaves_out_restricted_news(client, news):
    index, _pages = news

    response = client.get(index.url)

    assert [p.title for p in response.context["news_page"]] == ["Kabar Umum"]
    assert "Kabar Internal" not in response.content.decode()


def test_accountability_log_leaves_out_restricted_courses(client, home_page, course_index):
    open_course = CoursePageFactory(parent=course_index, title="Kursus Terbuka")
    closed_course = CoursePageFactory(parent=course_index, title="Kursus Tertutup Rahasia")
    for page in (open_course, closed_course):
        page.save_revision().publish()
    _restrict(closed_course)

    html = client.get(reverse("public:accountability")).content.decode()

    assert "Kursus Terbuka" in html
    assert "Kursus Tertutup Rahasia" not in html


def test_accountability_log_leaves_out_courses_under_a_restricted_section(
    client, home_page, course_index
):
    course = CoursePageFactory(parent=course_index, title="Kursus Di Bawah Katalog Tertutup")
    course.save_revision().publish()
    _restrict(course_index)

    html = client.get(reverse("public:accountability")).content.decode()

    assert "Kursus Di Bawah Katalog Tertutup" not in html


def test_pager_keeps_the_other_tables_pages():
    page = Paginator(range(100), 10).get_page(3)
    request = RequestFactory().get("/akuntabilitas/", {"m": "2", "p": "3", "r": "4"})

    html = render_to_string(
        "lms/public/pager.html", {"page": page, "param": "p", "request": request}
    )

    assert 'href="?m=2&amp;r=4&amp;p=2"' in html
    assert 'href="?m=2&amp;r=4&amp;p=4"' in html


def test_pager_escapes_other_parameters():
    page = Paginator(range(100), 10).get_page(1)
    request = RequestFactory().get("/", {"q": 'a&b="c"'})

    html = render_to_string(
        "lms/public/pager.html", {"page": page, "param": "p", "request": request}
    )

    assert "?q=a%26b%3D%22c%22&amp;p=2" in html
