from __future__ import annotations

import datetime
from io import StringIO

from django.core.management import call_command

import pytest

from lms.models import (
    CourseIndexPage,
    HomePage,
    HomePageFeaturedCourse,
    NewsIndexPage,
    NewsPage,
)
from tests.factories.lms import CoursePageFactory

pytestmark = pytest.mark.django_db


def _news_index(home_page):
    index = NewsIndexPage(title="Berita", slug="berita")
    home_page.add_child(instance=index)
    return index


def _news(index, n, date):
    page = NewsPage(title=f"Kabar {n}", slug=f"kabar-{n}", date=date)
    index.add_child(instance=page)
    return page


def test_news_pages_go_under_one_news_index_under_the_home_page(home_page):
    assert NewsIndexPage.can_create_at(home_page)
    index = _news_index(home_page)
    assert not NewsIndexPage.can_create_at(home_page)  # max_count = 1
    assert NewsPage.can_create_at(index)
    assert not NewsPage.can_create_at(home_page)
    assert CourseIndexPage in HomePage.allowed_subpage_models()


def test_news_index_lists_newest_first_and_paginates(client, home_page):
    index = _news_index(home_page)
    for n in range(12):
        _news(index, n, datetime.date(2026, 1, 1) + datetime.timedelta(days=n))

    first = client.get(index.url)
    second = client.get(index.url, {"page": 2})

    assert [p.title for p in first.context["news_page"]][:2] == ["Kabar 11", "Kabar 10"]
    assert len(first.context["news_page"]) == NewsIndexPage.PAGE_SIZE
    assert [p.title for p in second.context["news_page"]] == ["Kabar 1", "Kabar 0"]


def test_home_page_shows_chosen_featured_courses_or_the_latest(client, home_page, course_index):
    older = CoursePageFactory(parent=course_index, title="Kursus Lama")
    newer = CoursePageFactory(parent=course_index, title="Kursus Baru")

    latest = client.get("/").context["featured_courses"]
    assert latest[0] == newer

    HomePageFeaturedCourse.objects.create(page=home_page, course=older, sort_order=0)
    response = client.get("/")

    assert response.context["featured_courses"] == [older]
    html = response.content.decode()
    assert "Kursus Lama" in html
    assert "/verify/" in html
    assert "/transparansi/" in html


def test_catalogue_is_readable_without_signing_in(client, course_index):
    CoursePageFactory(parent=course_index, title="Kursus Terbuka")

    response = client.get(course_index.url)

    assert response.status_code == 200
    assert "Kursus Terbuka" in response.content.decode()


def test_seed_demo_creates_the_news_once(db):
    call_command("seed_demo", stdout=StringIO())
    call_command("seed_demo", stdout=StringIO())

    assert NewsIndexPage.objects.count() == 1
    assert NewsPage.objects.live().count() == 2


def test_administrators_edit_the_home_page_blocks(client, home_page):
    from accounts.roles import Role
    from tests.factories.accounts import UserFactory

    admin = UserFactory(roles=[Role.ADMINISTRATOR], is_superuser=True)
    client.force_login(admin)

    response = client.get(f"/admin/pages/{home_page.pk}/edit/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "featured_courses" in html and "verify_intro" in html


def test_home_page_queries_do_not_grow_with_the_courses(client, home_page, course_index):
    from tests.perf.queries import assert_constant_queries, page_get

    def five_more_courses():
        for _ in range(5):
            CoursePageFactory(parent=course_index)

    CoursePageFactory(parent=course_index)
    assert_constant_queries(page_get(client, "/"), grow=five_more_courses)
