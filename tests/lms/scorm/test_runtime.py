"""The runtime's commits (lms.views.scorm.scorm_commit, lms.services.scorm): stored per
attempt, resumed at the next launch, mapped into the completion engine, owner only."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from lms.models import Certificate, Enrolment, LessonProgress, ScormAttempt
from lms.services.enrolments import enrolments_retake
from lms.services.scorm import duration_seconds
from tests.factories.accounts import UserFactory
from tests.lms.scorm.conftest import scorm_lesson

pytestmark = pytest.mark.django_db


def _player(response) -> dict:
    html = response.content.decode()
    match = re.search(
        r'<script id="scorm-player-config" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no player config"
    return json.loads(match.group(1))


def _launch(client, lesson, item: str = "") -> dict:
    response = client.get(lesson.url + (f"?item={item}" if item else ""))
    assert response.status_code == 200
    return _player(response)


def _commit(client, url: str, cmi: dict, *, session: str = "s1", terminate: bool = False):
    return client.post(
        url,
        data=json.dumps({"session": session, "terminate": terminate, "cmi": {"cmi": cmi}}),
        content_type="application/json",
    )


def _core(**core) -> dict:
    return {"core": core}


def test_durations():
    assert duration_seconds("0001:02:03.50") == 3723
    assert duration_seconds("PT1H2M3.5S") == 3723
    assert duration_seconds("P1DT1S") == 86401
    assert duration_seconds("nonsense") == 0


def test_scorm12_suspend_and_resume_accumulates_time(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    player = _launch(client, lesson12)
    url = player["commitUrl"]
    cmi = {
        "core": {
            "lesson_location": "halaman-3",
            "lesson_status": "incomplete",
            "exit": "suspend",
            "session_time": "00:01:00",
        },
        "suspend_data": "dilihat=1,2,3",
        "interactions": {"childArray": [{"id": "soal-1", "result": "correct"}]},
    }
    assert _commit(client, url, cmi).json()["result"] is True
    cmi["core"]["session_time"] = "00:02:05"  # the same session, reported again
    response = _commit(client, url, cmi, terminate=True)
    assert response.json() == {
        "result": True,
        "errorCode": 0,
        "lessonCompleted": False,
        "courseCompleted": False,
    }
    attempt = ScormAttempt.objects.get()
    assert (attempt.location, attempt.suspend_data, attempt.exit) == (
        "halaman-3",
        "dilihat=1,2,3",
        "suspend",
    )
    assert attempt.total_seconds == 125
    assert attempt.interactions == [{"id": "soal-1", "result": "correct"}]
    assert not attempt.terminated  # suspended, not ended

    resumed = _launch(client, lesson12)["cmi"]
    assert resumed["core"]["entry"] == "resume"
    assert resumed["core"]["lesson_location"] == "halaman-3"
    assert resumed["core"]["lesson_status"] == "incomplete"
    assert resumed["core"]["total_time"] == "0000:02:05"
    assert resumed["suspend_data"] == "dilihat=1,2,3"

    # A second session adds its own time to the total.
    cmi["core"]["session_time"] = "00:00:30"
    _commit(client, url, cmi, session="s2")
    assert ScormAttempt.objects.get().total_seconds == 155


def test_scorm12_passed_completes_lesson_course_and_certificate(
    client, lesson12, enrolled, django_capture_on_commit_callbacks
):
    client.force_login(enrolled.user)
    url = _launch(client, lesson12)["commitUrl"]
    with django_capture_on_commit_callbacks(execute=True):
        result = _commit(
            client,
            url,
            _core(lesson_status="passed", score={"raw": "90"}, session_time="00:05:00"),
            terminate=True,
        ).json()
    assert result["lessonCompleted"] and result["courseCompleted"]
    enrolled.refresh_from_db()
    assert enrolled.status == Enrolment.Status.COMPLETED
    assert enrolled.jp_earned == enrolled.course.jp_hours
    assert LessonProgress.objects.get(enrolment=enrolled).completed_at is not None
    assert Certificate.objects.filter(enrolment=enrolled).exists()
    attempt = ScormAttempt.objects.get()
    assert attempt.score_raw == 90 and attempt.completed_at is not None


def test_scorm12_incomplete_does_not_complete(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    url = _launch(client, lesson12)["commitUrl"]
    _commit(client, url, _core(lesson_status="incomplete"), terminate=True)
    assert LessonProgress.objects.get(enrolment=enrolled).completed_at is None


def test_scorm12_failed_then_a_new_attempt_keeps_history(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    url = _launch(client, lesson12)["commitUrl"]
    _commit(client, url, _core(lesson_status="failed", score={"raw": "40"}), terminate=True)
    second = _launch(client, lesson12)
    assert second["commitUrl"] != url
    assert second["cmi"]["core"]["entry"] == "ab-initio"
    assert list(ScormAttempt.objects.values_list("number", "success_status")) == [
        (1, "failed"),
        (2, ""),
    ]
    _commit(client, second["commitUrl"], _core(lesson_status="passed"), terminate=True)
    enrolled.refresh_from_db()
    assert enrolled.status == Enrolment.Status.COMPLETED


def test_scorm2004_needs_both_items(client, lesson2004, enrolled):
    client.force_login(enrolled.user)
    first = _launch(client, lesson2004)["commitUrl"]
    done = {"completion_status": "completed", "success_status": "passed", "exit": "normal"}
    assert not _commit(client, first, done, terminate=True).json()["lessonCompleted"]
    assert LessonProgress.objects.get(enrolment=enrolled).completed_at is None
    second = _launch(client, lesson2004, "bagian-2")["commitUrl"]
    result = _commit(client, second, {**done, "session_time": "PT3M"}, terminate=True).json()
    assert result["lessonCompleted"] and result["courseCompleted"]


@pytest.mark.parametrize(
    ("cmi", "complete"),
    [
        ({"completion_status": "completed", "success_status": "unknown"}, True),
        ({"completion_status": "completed", "success_status": "failed"}, False),
        ({"completion_status": "incomplete", "success_status": "passed"}, True),
        ({"completion_status": "incomplete", "score": {"scaled": "0.85"}}, True),  # mastery 80
        ({"completion_status": "incomplete", "score": {"scaled": "0.5"}}, False),
    ],
)
def test_scorm2004_status_mapping(client, course, enrolled, cmi, complete):
    from tests.lms.scorm.packages import zip_of

    files = {
        "imsmanifest.xml": (
            '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
            'xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"><organizations default="o">'
            '<organization identifier="o"><title>T</title><item identifier="i" '
            'identifierref="r"><title>I</title></item></organization></organizations>'
            '<resources><resource identifier="r" adlcp:scormType="sco" href="a.html" '
            'type="webcontent"/></resources></manifest>'
        ),
        "a.html": "<p>a</p>",
    }
    lesson = scorm_lesson(course=course, data=zip_of(files), title="Satu", mastery_score=80)
    client.force_login(enrolled.user)
    player = _launch(client, lesson)
    assert player["cmi"]["scaled_passing_score"] == "0.8"
    _commit(client, player["commitUrl"], cmi)
    assert (LessonProgress.objects.get(enrolment=enrolled).completed_at is not None) is complete


def test_another_users_attempt_is_404(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    url = _launch(client, lesson12)["commitUrl"]
    other = UserFactory()
    client.force_login(other)
    assert _commit(client, url, _core(lesson_status="passed")).status_code == 404
    client.logout()
    assert _commit(client, url, _core(lesson_status="passed")).status_code == 404
    assert ScormAttempt.objects.get().completion_status == ""


def test_commit_needs_the_csrf_token(lesson12, enrolled):
    client = Client(enforce_csrf_checks=True)
    client.force_login(enrolled.user)
    response = client.get(lesson12.url)
    url = _player(response)["commitUrl"]
    token = re.search(r'id="scorm-csrf" value="([^"]+)"', response.content.decode()).group(1)
    body = json.dumps({"session": "s", "cmi": {"cmi": _core(lesson_status="incomplete")}})
    assert client.post(url, body, content_type="application/json").status_code == 403
    ok = client.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert ok.status_code == 200


def test_retake_starts_new_attempts_and_the_old_cycle_is_closed(client, course, lesson12, enrolled):
    client.force_login(enrolled.user)
    old_url = _launch(client, lesson12)["commitUrl"]
    _commit(client, old_url, _core(lesson_status="passed"), terminate=True)
    [new] = enrolments_retake(
        user_ids=[enrolled.user_id],
        course=course,
        completed_before=timezone.now() + timedelta(seconds=1),
        due_on=None,
    )
    player = _launch(client, lesson12)
    assert player["commitUrl"] != old_url
    assert player["cmi"]["core"]["entry"] == "ab-initio"
    assert ScormAttempt.objects.filter(enrolment=enrolled).count() == 1  # history kept
    assert ScormAttempt.objects.filter(enrolment=new).count() == 1
    assert _commit(client, old_url, _core(lesson_status="failed")).status_code == 404


def test_malformed_body_is_400(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    url = _launch(client, lesson12)["commitUrl"]
    assert client.post(url, "nope", content_type="application/json").status_code == 400
    assert client.post(url, "[1]", content_type="application/json").status_code == 400


def test_the_mark_as_completed_endpoint_cannot_complete_a_scorm_lesson(client, lesson12, enrolled):
    client.force_login(enrolled.user)
    _launch(client, lesson12)
    response = client.post(reverse("lms:lesson_complete", args=[lesson12.pk]))
    assert response.status_code == 404
    assert LessonProgress.objects.get(enrolment=enrolled).completed_at is None
