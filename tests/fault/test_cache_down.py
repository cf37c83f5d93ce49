"""Redis, as the cache, stops: a cache outage is a cache miss (config/cache.py), so the
portal serves from the database. /health/ answers JSON "degraded", the public
/verify/ and the learner pages answer, sessions live on in the database (cached_db),
and a learner's lesson completion is saved."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

import pytest

from accounts.roles import Role
from lms.models import Certificate, Enrolment
from lms.services.certificates import certificate_issue
from lms.services.enrolments import enrolment_create
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.services, pytest.mark.django_db]


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_with_the_cache_down_pages_answer_and_completions_are_saved(
    own_redis, certificate_course, settings
):
    settings.CACHES = {
        "default": {
            "BACKEND": django_settings.REDIS_CACHE_BACKEND,
            "LOCATION": own_redis.url,
            "KEY_PREFIX": "asn",
            "OPTIONS": django_settings.REDIS_CACHE_OPTIONS,
        }
    }
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    course, lesson = certificate_course
    first, second = (UserFactory(roles=[Role.PESERTA]) for _ in range(2))
    for learner in (first, second):
        enrolment_create(user=learner, course=course)
    first_client, second_client = _signed_in(first), _signed_in(second)
    complete = reverse("lms:lesson_complete", args=[lesson.pk])
    # With Redis up: pages fill the cache, the first learner earns a certificate.
    assert second_client.get(lesson.url).status_code == 200
    assert first_client.get(lesson.url).status_code == 200  # a lesson counts once opened
    assert first_client.post(complete).status_code == 302
    certificate = certificate_issue(enrolment_id=Enrolment.objects.get(user=first).pk)
    assert certificate is not None and certificate.status == Certificate.Status.ISSUED

    own_redis.stop()

    response = Client().get("/health/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True

    verify = Client().get(reverse("verify:detail", args=[certificate.code]))
    assert verify.status_code == 200
    assert certificate.number in verify.content.decode()

    # The session is read from the database; the learner pages render.
    assert second_client.get(lesson.url).status_code == 200
    assert second_client.get(course.url).status_code == 200
    response = second_client.post(complete)
    assert response.status_code == 302, response.content[:500]
    enrolment = Enrolment.objects.get(user=second, course=course)
    assert enrolment.status == Enrolment.Status.COMPLETED
