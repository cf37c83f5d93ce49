"""Issue 23, item 2: at most one cache round trip per request for the shared lookups
(site, agency settings, header, routing, course structure). With the production session
engine (cached_db, one more command) no learner page issues more than 2 cache commands
once the caches are warm. Counted with a wrapper around the cache backend: every call a
page makes on `django.core.cache.cache` is one command (one Redis round trip); calls the
backend makes on itself (LocMemCache's get_many loops over get) are not counted."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.cache import caches
from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db

LEARNER_PAGES = {
    "dashboard": lambda s: reverse("lms:dashboard"),
    "catalogue": lambda s: s.index.url,
    "course": lambda s: s.course.url,
    "lesson": lambda s: s.lesson.url,
    "quiz": lambda s: s.quiz.url,
    # The saturation mix of bench/run.py ("HTTP saturation (wrk)").
    "home": lambda s: "/",
    "competency profile": lambda s: reverse("competencies:profile"),
    "training history": lambda s: reverse("competencies:records"),
}

_COMMANDS = (
    "get", "get_many", "set", "set_many", "add", "delete", "delete_many", "has_key",
    "incr", "decr", "touch", "get_or_set",
)  # fmt: skip


class CommandLog:
    def __init__(self) -> None:
        self.calls: list[tuple[str, object]] = []
        self.depth = 0


@contextmanager
def counting_cache(monkeypatch) -> Iterator[CommandLog]:
    backend = caches["default"]
    log = CommandLog()
    for name in _COMMANDS:
        original = getattr(backend, name)

        def wrapper(*args, _name=name, _original=original, **kwargs):
            if log.depth == 0:
                log.calls.append((_name, args[0] if args else None))
            log.depth += 1
            try:
                return _original(*args, **kwargs)
            finally:
                log.depth -= 1

        monkeypatch.setattr(backend, name, wrapper)
    yield log


@pytest.fixture
def cached_sessions(settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.mark.parametrize("page", list(LEARNER_PAGES))
def test_learner_page_makes_at_most_two_cache_commands(
    page, scale, client, cached_sessions, monkeypatch
):
    client.force_login(scale.learner)
    url = LEARNER_PAGES[page](scale)
    for _ in range(2):  # warm: fills the caches
        assert client.get(url).status_code == 200
    with counting_cache(monkeypatch) as log:
        assert client.get(url).status_code == 200
    assert len(log.calls) <= 2, "\n".join(map(str, log.calls))


@pytest.fixture
def gaps_and_news(scale, home_page):
    """What the saturation mix's pages show at scale: the learner's position requires two
    competencies that courses develop (the profile lists the courses that close each
    gap) and the home page has news beside its featured courses."""
    import datetime

    from competencies.models import Employee, PositionRequirement
    from lms.models import CourseCompetency, NewsIndexPage, NewsPage
    from tests.factories.competencies import CompetencyFactory, PositionFactory

    position = PositionFactory()
    for course in scale.courses:
        competency = CompetencyFactory()
        PositionRequirement.objects.create(
            position=position, competency=competency, required_level=3
        )
        CourseCompetency.objects.create(course=course, competency=competency, target_level=3)
    Employee.objects.filter(user=scale.learner).update(position=position)
    index = NewsIndexPage(title="Berita", slug="berita")
    home_page.add_child(instance=index)
    index.add_child(
        instance=NewsPage(title="Kabar Umum", slug="kabar", date=datetime.date(2026, 1, 2))
    )
    return scale


@pytest.mark.parametrize(
    "url", ["/", "/kompetensi/profil/", "/kompetensi/riwayat/"], ids=["home", "profile", "records"]
)
def test_saturation_pages_with_courses_and_news_make_at_most_two_cache_commands(
    url, gaps_and_news, client, cached_sessions, monkeypatch
):
    """Page URLs written without the request (`{{ page.url }}`) read Wagtail's site root
    paths from the cache once per link: the pages link with `{% pageurl %}`."""
    client.force_login(gaps_and_news.learner)
    html = _warm(client, url)
    assert "Kursus" in html  # the featured courses / the courses that close the gaps
    with counting_cache(monkeypatch) as log:
        assert client.get(url).status_code == 200
    assert len(log.calls) <= 2, "\n".join(map(str, log.calls))


# Invalidation: what the one round trip and the per-process copies serve is new at the
# next request after a change.


def _warm(client, url: str) -> str:
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
    return response.content.decode()


def test_a_published_course_change_shows_at_the_next_request(scale, client, cached_sessions):
    client.force_login(scale.learner)
    lesson_url = scale.lesson.url
    assert "Materi baru judulnya" not in _warm(client, lesson_url)
    sibling = scale.course.get_children().specific().order_by("-path").first()
    sibling.title = "Materi baru judulnya"
    sibling.save_revision().publish()

    assert "Materi baru judulnya" in client.get(lesson_url).content.decode()  # the outline


def test_changed_agency_settings_show_at_the_next_request(scale, client, cached_sessions):
    from wagtail.models import Site

    from competencies.models import AgencySettings

    client.force_login(scale.learner)
    url = scale.course.url
    assert "BKD Bontang Baru" not in _warm(client, url)
    agency = AgencySettings.for_site(Site.objects.get(is_default_site=True))
    agency.agency_short_name = "BKD Bontang Baru"
    agency.save()

    assert "BKD Bontang Baru" in client.get(url).content.decode()


def test_a_new_notice_shows_in_the_header_at_the_next_request(scale, client, cached_sessions):
    from accounts.cache import unread_count
    from accounts.models import NotificationKind
    from accounts.services import notify

    client.force_login(scale.learner)
    url = reverse("lms:dashboard")
    _warm(client, url)
    before = unread_count(scale.learner)
    notify(
        user=scale.learner,
        kind=NotificationKind.values[0],
        params={"course": "Pelayanan Prima", "due": "31 Desember 2026", "reason": ""},
    )

    response = client.get(url)
    assert response.context["unread_notifications"] == before + 1


def test_while_the_cache_is_unreachable_no_version_repeats(monkeypatch):
    """An outage answers every read as a miss (config/cache.py): the per-process layer
    must not keep serving what it had, since it cannot learn of a change then."""
    from config import request_cache

    backend = caches["default"]
    monkeypatch.setattr(backend, "get", lambda *a, **k: None)
    monkeypatch.setattr(backend, "add", lambda *a, **k: True)
    assert request_cache.version("lms:site-version") != request_cache.version("lms:site-version")


def test_a_warm_home_page_reads_no_course_or_news_rows(gaps_and_news, client, cached_sessions):
    """The home page's featured courses and latest news are the same for every visitor:
    kept per process under the content version, not read on every view."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(gaps_and_news.learner)
    _warm(client, "/")
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/").content.decode()

    assert "Kabar Umum" in html and gaps_and_news.courses[-1].title in html
    read = [q["sql"] for q in queries if "lms_coursepage" in q["sql"] or "lms_newspage" in q["sql"]]
    assert read == [], read


def test_published_news_and_course_changes_show_on_the_home_page_at_the_next_request(
    gaps_and_news, client, cached_sessions, home_page
):
    import datetime

    from lms.models import NewsIndexPage, NewsPage

    client.force_login(gaps_and_news.learner)
    assert "Kabar Terbaru" not in _warm(client, "/")
    index = NewsIndexPage.objects.get(slug="berita")
    news = NewsPage(title="Kabar Terbaru", slug="terbaru", date=datetime.date(2026, 2, 1))
    index.add_child(instance=news)
    news.save_revision().publish()
    assert "Kabar Terbaru" in client.get("/").content.decode()

    course = gaps_and_news.courses[-1]
    course.title = "Kursus Judul Baru"
    course.save_revision().publish()
    assert "Kursus Judul Baru" in client.get("/").content.decode()


def test_a_warm_profile_reads_no_course_rows_and_sees_a_course_change(
    gaps_and_news, client, cached_sessions
):
    """The courses that close a gap are the same for everyone with that gap: kept per
    process under the content version, so a course unpublished or retitled shows at the
    next request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("competencies:profile")
    client.force_login(gaps_and_news.learner)
    first, second = gaps_and_news.courses[:2]
    _warm(client, url)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert first.title in html and second.title in html
    read = [q["sql"] for q in queries if "lms_coursecompetency" in q["sql"]]
    assert read == [], read

    first.unpublish()
    second.title = "Kursus Judul Baru"
    second.save_revision().publish()
    html = client.get(url).content.decode()
    assert first.title not in html and "Kursus Judul Baru" in html
