"""H5P lessons: who gets the files and the player frame, the player's xAPI statements
recorded on the learner's own lesson and into the completion engine."""

from __future__ import annotations

import json
import re

from django.test import Client
from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import Enrolment, H5pResult, LessonProgress
from tests.factories.accounts import UserFactory
from tests.lms.h5p.conftest import h5p_lesson
from tests.lms.h5p.packages import h5p_zip

pytestmark = pytest.mark.django_db

VERB = "http://adlnet.gov/expapi/verbs/"


def _file_url(lesson, path="h5p.json"):
    return reverse("h5p:file", kwargs={"token": lesson.package.token, "path": path})


def _player_url(lesson):
    return reverse("h5p:player", kwargs={"token": lesson.package.token}) + f"?lesson={lesson.pk}"


def _xapi_url(lesson):
    return reverse("h5p:xapi", kwargs={"lesson_id": lesson.pk})


def _statement(verb: str, raw=1, maximum=1, *, sub=False, success=None) -> dict:
    extensions = {"http://h5p.org/x-api/h5p-local-content-id": "1"}
    if sub:
        extensions["http://h5p.org/x-api/h5p-subContentId"] = "abc"
    result = {"score": {"min": 0, "raw": raw, "max": maximum, "scaled": raw / maximum}}
    result["completion"] = verb in ("answered", "completed")
    if success is not None:
        result["success"] = success
    return {
        "verb": {"id": VERB + verb},
        "object": {"definition": {"extensions": extensions}},
        "result": result,
    }


def _post(client, lesson, statement):
    return client.post(
        _xapi_url(lesson),
        data=json.dumps({"statement": statement}),
        content_type="application/json",
    )


def _config(response) -> dict:
    match = re.search(
        r'<script id="h5p-player-config" type="application/json">(.*?)</script>',
        response.content.decode(),
        re.S,
    )
    assert match
    return json.loads(match.group(1))


def test_enrolled_learner_gets_files_and_the_player(client, h5p, enrolled):
    client.force_login(enrolled.user)
    page = client.get(h5p.url)
    assert page.status_code == 200
    assert _player_url(h5p) in page.content.decode().replace("&amp;", "&")
    response = client.get(_file_url(h5p))
    assert response.status_code == 200
    assert json.loads(b"".join(response.streaming_content))["mainLibrary"] == "H5P.PortalQuestion"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    player = client.get(_player_url(h5p))
    assert player.status_code == 200
    assert "frame-ancestors 'self'" in player["Content-Security-Policy"]
    config = _config(player)
    assert config["xapiUrl"] == _xapi_url(h5p)
    assert config["h5pJsonPath"] == _file_url(h5p).rsplit("/", 1)[0]
    assert config["frameJs"].endswith("vendor/h5p-standalone/frame.bundle.js")


def test_not_enrolled_user_gets_404_for_content_player_and_progress(client, h5p, enrolled):
    anonymous = Client()
    assert anonymous.get(_file_url(h5p)).status_code == 404
    assert anonymous.get(_player_url(h5p)).status_code == 404
    outsider = UserFactory(roles=[Role.PESERTA])
    client.force_login(outsider)
    assert client.get(_file_url(h5p)).status_code == 404
    assert client.get(_player_url(h5p)).status_code == 404
    assert _post(client, h5p, _statement("completed")).status_code == 404
    assert not H5pResult.objects.exists()


def test_traversal_and_missing_files_are_404(client, h5p, enrolled):
    client.force_login(enrolled.user)
    token = h5p.package.token
    for path in ("../x", "content/../../../settings.py", "nope.json"):
        assert client.get(f"/learning/h5p/p/{token}/{path}").status_code == 404, path


def test_trainer_sees_the_player_without_recording(client, h5p, trainer):
    client.force_login(trainer)
    assert client.get(_file_url(h5p)).status_code == 200
    assert _config(client.get(_player_url(h5p)))["xapiUrl"] is None
    assert _post(client, h5p, _statement("completed")).status_code == 404


def test_progress_endpoint_needs_csrf_and_the_lesson_opened(client, h5p, enrolled):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(enrolled.user)
    strict.get(h5p.url)
    assert _post(strict, h5p, _statement("completed")).status_code == 403  # no CSRF token
    other = UserFactory(roles=[Role.PESERTA])
    from lms.services.enrolments import enrolment_create

    enrolment_create(user=other, course=h5p.get_parent().specific, source=Enrolment.Source.ADMIN)
    client.force_login(other)
    assert _post(client, h5p, _statement("completed")).status_code == 404  # not opened yet
    assert not H5pResult.objects.exists()


def test_completed_statement_completes_the_lesson_and_the_course(client, h5p, enrolled):
    client.force_login(enrolled.user)
    client.get(h5p.url)
    answered = _post(client, h5p, _statement("answered"))
    assert answered.status_code == 200 and answered.json()["lessonCompleted"] is True
    response = _post(client, h5p, _statement("completed"))
    assert response.json() == {
        "ok": True,
        "lessonCompleted": True,
        "courseCompleted": True,
        "scaled": 1.0,
    }
    enrolled.refresh_from_db()
    assert enrolled.status == Enrolment.Status.COMPLETED
    progress = LessonProgress.objects.get(enrolment=enrolled, lesson_id=h5p.pk)
    assert progress.completed_at is not None
    result = H5pResult.objects.get()
    assert (result.score_raw, result.score_max, result.statements) == (1, 1, 2)
    assert result.last_verb == "completed" and result.success is None


def test_sub_content_and_other_verbs_do_not_complete(client, h5p, enrolled):
    client.force_login(enrolled.user)
    client.get(h5p.url)
    assert _post(client, h5p, _statement("completed", sub=True)).json()["lessonCompleted"] is False
    assert _post(client, h5p, _statement("attempted")).json()["lessonCompleted"] is False
    assert not LessonProgress.objects.filter(completed_at__isnull=False).exists()


def test_a_failure_or_a_score_below_the_passing_score_does_not_complete(client, course, enrolled):
    lesson = h5p_lesson(course=course, data=h5p_zip(), title="Kuis", passing_score=80)
    client.force_login(enrolled.user)
    client.get(lesson.url)
    low = _post(client, lesson, _statement("completed", raw=1, maximum=2))
    assert low.json()["lessonCompleted"] is False
    high = _post(client, lesson, _statement("completed", raw=9, maximum=10))
    assert high.json()["lessonCompleted"] is True
    result = H5pResult.objects.get()
    assert result.best_scaled == 0.9 and result.statements == 2


def test_without_passing_score_a_reported_failure_does_not_complete(client, h5p, enrolled):
    client.force_login(enrolled.user)
    client.get(h5p.url)
    response = _post(client, h5p, _statement("answered", raw=0, success=False))
    assert response.json()["lessonCompleted"] is False


def test_bad_bodies_are_400(client, h5p, enrolled):
    client.force_login(enrolled.user)
    client.get(h5p.url)
    url = _xapi_url(h5p)
    assert client.post(url, data="nope", content_type="application/json").status_code == 400
    assert client.post(url, data="[]", content_type="application/json").status_code == 400
    assert client.get(url).status_code == 405


def test_mark_as_completed_is_404_for_an_h5p_lesson(client, h5p, enrolled):
    client.force_login(enrolled.user)
    client.get(h5p.url)
    url = reverse("lms:lesson_complete", kwargs={"lesson_id": h5p.pk})
    assert client.post(url).status_code == 404


def test_lesson_page_query_count_stays_constant(client, course, h5p, learner):
    from lms.services.enrolments import enrolment_create
    from tests.perf.queries import LEARNER_PAGE_LIMIT, assert_constant_queries, page_get

    enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
    client.force_login(learner)

    def grow():
        for _ in range(3):
            other = UserFactory()
            enrolment_create(user=other, course=course, source=Enrolment.Source.ADMIN)
            client.force_login(other)
            client.get(h5p.url)
            _post(client, h5p, _statement("answered"))
        client.force_login(learner)

    assert_constant_queries(page_get(client, h5p.url), grow=grow, limit=LEARNER_PAGE_LIMIT)
