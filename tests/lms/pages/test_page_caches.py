"""The learner pages' one-query routing and cross-request caches (lms/cache.py,
AgencySettings.for_request): same pages, same access rules, and every cached value
replaced as soon as the data behind it changes."""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import Page, PageViewRestriction, Site

import pytest

from competencies.models import AgencySettings
from lms.models import CourseCompetency, LessonPage
from lms.services.enrolments import enrolment_create
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory
from tests.factories.lms import CoursePageFactory, LessonPageFactory

pytestmark = pytest.mark.django_db


def _generic_route(path: str, rf) -> Page:
    """What Wagtail's own Page.route finds: child by slug and `.specific`, level by level."""
    page = Site.objects.get(is_default_site=True).root_page.specific
    for slug in [part for part in path.split("/") if part]:
        page = page.get_children().get(slug=slug).specific
    return page


def test_routing_finds_the_same_specific_pages_as_wagtail(client, course, lessons, quiz, rf):
    for page in (course.get_parent(), course, lessons[0], lessons[1], quiz):
        url = page.url
        response = client.get(url)

        assert response.status_code == 200
        served = response.context["page"]
        assert type(served) is type(_generic_route(url, rf))
        assert served.pk == page.pk
        assert served.get_parent().pk == page.get_parent().pk


def test_routing_answers_404_for_missing_or_unpublished_pages(client, course, lessons):
    lessons[0].unpublish()

    assert client.get(course.url + "tidak-ada/").status_code == 404
    assert client.get(course.url + "tidak-ada/lagi/").status_code == 404
    assert client.get(lessons[1].url + "lebih-dalam/").status_code == 404
    assert client.get(f"{course.get_parent().url}{lessons[0].slug}/").status_code == 404
    assert client.get(lessons[0].url).status_code == 404
    assert client.get(lessons[1].url).status_code == 200


@pytest.mark.parametrize("restricted_level", ["catalogue", "course"])
def test_view_restrictions_still_apply_to_learner_pages(client, course, lessons, restricted_level):
    page = course.get_parent() if restricted_level == "catalogue" else course
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.GROUPS
    )
    restriction.groups.add(Group.objects.create(name="Pilot"))

    for url in (course.url, lessons[0].url):
        client.force_login(UserFactory())
        response = client.get(url)
        assert response.status_code in (302, 403), url

        client.logout()
        assert client.get(url).status_code == 302

    member = UserFactory()
    member.groups.add(Group.objects.get(name="Pilot"))
    client.force_login(member)
    assert client.get(lessons[0].url).status_code == 200


def test_restriction_on_an_alias_source_applies_to_the_alias(client, course, lessons):
    index = course.get_parent()
    alias = index.copy(
        to=index.get_parent(), update_attrs={"slug": "katalog-alias"}, recursive=False
    )
    alias.alias_of = index
    alias.save()
    PageViewRestriction.objects.create(page=index, restriction_type=PageViewRestriction.LOGIN)

    assert client.get(alias.url).status_code == 302


def test_restricted_courses_stay_out_of_the_catalogue(client, course):
    hidden = CoursePageFactory(parent=course.get_parent(), title="Rahasia")
    PageViewRestriction.objects.create(page=hidden, restriction_type=PageViewRestriction.LOGIN)

    response = client.get(course.get_parent().url)

    titles = [c.title for c in response.context["courses_page"]]
    assert course.title in titles
    assert "Rahasia" not in titles


def test_publishing_a_lesson_changes_the_course_outline_on_the_next_request(
    client, course, lessons
):
    client.get(course.url)  # fills the cache
    new = LessonPageFactory(parent=course, title="Pelajaran baru", live=False)
    assert "Pelajaran baru" not in client.get(course.url).content.decode()

    new.save_revision().publish()

    assert "Pelajaran baru" in client.get(course.url).content.decode()
    LessonPage.objects.get(pk=new.pk).unpublish()
    assert "Pelajaran baru" not in client.get(course.url).content.decode()


def test_publishing_the_course_changes_its_competencies_prerequisites_and_trainers(
    client, course, lessons
):
    client.get(course.url)
    competency = CompetencyFactory(name_id="Analisis Kebijakan")
    other = CoursePageFactory(parent=course.get_parent(), title="Dasar Pelayanan")
    trainer = UserFactory(first_name="Budi", last_name="Santoso")
    course.course_competencies.add(CourseCompetency(competency=competency, target_level=3))
    course.prerequisites.add(other)
    course.trainers.add(trainer)
    course.save_revision().publish()

    html = client.get(course.url).content.decode()

    assert "Analisis Kebijakan" in html
    assert "Dasar Pelayanan" in html
    assert "Budi Santoso" in html


def test_renaming_a_competency_or_trainer_shows_on_the_course_page(client, course, trainer):
    competency = CompetencyFactory(name_id="Nama lama")
    course.course_competencies.add(CourseCompetency(competency=competency, target_level=2))
    course.save_revision().publish()
    assert "Nama lama" in client.get(course.url).content.decode()

    competency.name_id = "Nama baru"
    competency.save()
    trainer.first_name, trainer.last_name = "Siti", "Rahma"
    trainer.save()

    html = client.get(course.url).content.decode()
    assert "Nama baru" in html
    assert "Siti Rahma" in html


def test_the_outline_marks_each_learners_own_progress(client, course, lessons, learner):
    enrolment_create(user=learner, course=course)
    other = UserFactory()
    enrolment_create(user=other, course=course)
    client.force_login(learner)
    client.get(lessons[0].url)  # opened by the learner only

    opened = [item.opened for item in client.get(course.url).context["outline"]]
    client.force_login(other)
    others = [item.opened for item in client.get(course.url).context["outline"]]

    assert opened[0] is True
    assert others[0] is False


def test_agency_settings_edit_shows_on_the_next_page(client, home_page):
    site = Site.objects.get(is_default_site=True)
    assert "Pemerintah Kota Bontang" in client.get("/").content.decode()

    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries if "competencies_agencysettings" in q["sql"]]

    agency = AgencySettings.for_site(site)
    agency.government_name = "Pemerintah Kabupaten Kutai Timur"
    agency.save()

    assert "Pemerintah Kabupaten Kutai Timur" in client.get("/").content.decode()


def test_site_is_read_once_per_host_and_follows_site_changes(client, home_page, course_index):
    client.get(course_index.url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(course_index.url).status_code == 200
    assert not [q for q in queries if "wagtailcore_site" in q["sql"]]

    other_root = Page.get_first_root_node().add_child(
        instance=type(home_page)(title="Portal lain", slug="lain")
    )
    site = Site.objects.get(is_default_site=True)
    site.root_page = other_root
    site.save()

    assert client.get(course_index.url).status_code == 404


def test_a_host_outside_allowed_hosts_gets_no_cache_entry(client, home_page):
    from lms.cache import site_key

    request = client.get("/").wsgi_request
    assert site_key(request) is not None
    request.META["HTTP_HOST"] = "attacker.example"

    assert site_key(request) is None


def test_the_home_page_is_served_fresh_and_keeps_its_restrictions(client, home_page):
    client.get("/")  # caches the site and its root page
    home_page.title = "Beranda baru"
    type(home_page).objects.filter(pk=home_page.pk).update(title="Beranda baru")

    assert client.get("/").context["page"].title == "Beranda baru"

    PageViewRestriction.objects.create(page=home_page, restriction_type=PageViewRestriction.LOGIN)
    assert client.get("/").status_code == 302
