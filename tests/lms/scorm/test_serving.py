"""Who gets a SCORM package's files (lms.views.scorm.scorm_file), and the launch page."""

from __future__ import annotations

import json

from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import Enrolment, ScormAttempt
from lms.services.enrolments import enrolment_create
from tests.factories.accounts import UserFactory
from tests.perf.queries import LEARNER_PAGE_LIMIT, assert_constant_queries, page_get

pytestmark = pytest.mark.django_db


def _file_url(lesson, path="index.html"):
    return reverse("scorm:file", kwargs={"token": lesson.package.token, "path": path})


def test_enrolled_learner_gets_the_files_with_the_package_csp(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    response = client.get(_file_url(lesson12))
    assert response.status_code == 200
    assert b"Standar pelayanan" in b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/html")
    csp = response["Content-Security-Policy"]
    assert "frame-ancestors 'self'" in csp and "connect-src 'self'" in csp
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "private" in response["Cache-Control"]


def test_not_enrolled_anonymous_and_unknown_get_404(client, lesson12, course):
    assert client.get(_file_url(lesson12)).status_code == 404  # anonymous
    outsider = UserFactory(roles=[Role.PESERTA])
    client.force_login(outsider)
    assert client.get(_file_url(lesson12)).status_code == 404
    # A request awaiting approval is not an enrolment that learns.
    Enrolment.objects.create(
        user=outsider, course=course, course_title=course.title, status="requested", source="self"
    )
    assert client.get(_file_url(lesson12)).status_code == 404
    bad = reverse("scorm:file", kwargs={"token": "x" * 43, "path": "index.html"})
    assert client.get(bad).status_code == 404


def test_trainer_and_editor_get_the_files(client, lesson12, trainer):
    client.force_login(trainer)
    assert client.get(_file_url(lesson12)).status_code == 200
    admin = UserFactory(is_superuser=True)
    client.force_login(admin)
    assert client.get(_file_url(lesson12)).status_code == 200


def test_traversal_and_missing_files_are_404(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    assert client.get(_file_url(lesson12, "nope.html")).status_code == 404
    token = lesson12.package.token
    for path in ("../x", "sco.js/../../../settings.py", "%2e%2e/x"):
        url = f"/learning/scorm/p/{token}/{path}"
        assert client.get(url).status_code == 404, path


def _player(response) -> dict:
    html = response.content.decode()
    start = html.index('<script id="scorm-player-config" type="application/json">')
    start = html.index(">", start) + 1
    return json.loads(html[start : html.index("</script>", start)])


def test_launch_starts_an_attempt_and_loads_the_runtime(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    response = client.get(lesson12.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "vendor/scorm-again/scorm12.min.js" in html
    directives = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert "'self'" in directives["frame-src"].split()
    player = _player(response)
    attempt = ScormAttempt.objects.get(enrolment=enrolled)
    assert player["version"] == "1.2"
    assert player["launchUrl"] == _file_url(lesson12)
    assert player["commitUrl"] == reverse("scorm:commit", kwargs={"uuid": attempt.uuid})
    assert player["commitSeconds"] >= 10
    assert player["cmi"]["core"]["entry"] == "ab-initio"
    assert player["cmi"]["student_data"] == {"mastery_score": "80"}
    # Opening the lesson is recorded like any lesson's.
    assert enrolled.lesson_progress.get().lesson_id == lesson12.pk


def test_multi_sco_table_of_contents_and_item_choice(client, lesson2004, enrolled):
    client.force_login(enrolled.user)
    html = client.get(lesson2004.url).content.decode()
    assert "Bagian 1: Nilai dasar" in html and "Bagian 2: Kode etik" in html
    response = client.get(lesson2004.url + "?item=bagian-2")
    player = _player(response)
    assert player["launchUrl"].endswith("/sco2/index.html?bagian=2")
    assert player["cmi"]["entry"] == "ab-initio"
    assert set(
        ScormAttempt.objects.filter(enrolment=enrolled).values_list("sco_identifier", flat=True)
    ) == {"bagian-1", "bagian-2"}


def test_trainer_sees_the_package_without_a_runtime_that_records(client, lesson12, trainer):
    client.force_login(trainer)
    player = _player(client.get(lesson12.url))
    assert player["commitUrl"] is None
    assert not ScormAttempt.objects.exists()


def test_launch_query_count(client, course, lesson2004, learner):
    enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
    client.force_login(learner)

    def grow():
        for _ in range(4):
            other = UserFactory()
            enrolment_create(user=other, course=course, source=Enrolment.Source.ADMIN)
            client.force_login(other)
            client.get(lesson2004.url)
            client.get(lesson2004.url + "?item=bagian-2")
        client.force_login(learner)

    assert_constant_queries(page_get(client, lesson2004.url), grow=grow, limit=LEARNER_PAGE_LIMIT)
