"""Recording learning events in the xAPI outbox (no LRS here: tests/lms/xapi/test_lrs.py
sends them to a real one)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

import pytest

from accounts.roles import Role
from lms.models import XapiStatement
from lms.services.enrolments import enrolment_create, lesson_progress_complete, lesson_progress_open
from lms.services.xapi import xapi_actor
from lms.xapi.statements import pseudonym, statement_id
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def xapi_recording(settings):
    """xAPI on, towards an address nothing listens on (delivery is not run here)."""
    settings.XAPI_LRS_ENDPOINT = "http://127.0.0.1:9/xAPI/"
    settings.XAPI_ACTOR_SECRET = "uji-rahasia"


def test_off_by_default_nothing_is_recorded_and_no_query_is_spent(
    course, lessons, learner, settings
):
    assert settings.XAPI_LRS_ENDPOINT == ""
    enrolment_create(user=learner, course=course)
    lesson_progress_open(user=learner, lesson=lessons[0])
    with CaptureQueriesContext(connection) as off:
        lesson_progress_open(user=learner, lesson=lessons[0])
    assert XapiStatement.objects.count() == 0
    assert not any("lms_xapistatement" in q["sql"] for q in off.captured_queries)


def test_each_event_is_one_row_and_delivery_is_queued_after_commit(
    xapi_recording, course, lessons, learner, django_capture_on_commit_callbacks
):
    # The test runs in one transaction, as a request that records three events would.
    with django_capture_on_commit_callbacks() as callbacks:
        enrolment = enrolment_create(user=learner, course=course)
        lesson_progress_open(user=learner, lesson=lessons[0])
        lesson_progress_complete(user=learner, lesson=lessons[0])
    # Delivery is queued after commit, never sent inside the learner's transaction.
    assert callbacks and {c.__name__ for c in callbacks} >= {"_enqueue_delivery"}
    verbs = list(
        XapiStatement.objects.order_by("created_at", "verb").values_list("verb", flat=True)
    )
    assert sorted(verbs) == ["completed", "experienced", "registered"]
    registered = XapiStatement.objects.get(verb="registered")
    assert str(registered.pk) == statement_id(
        base_url="http://testserver", key=f"enrolment:{enrolment.pk}:registered"
    )
    assert registered.status == XapiStatement.Status.PENDING


def test_recording_an_event_twice_keeps_one_statement(xapi_recording, course, lessons, learner):
    lesson_progress_open_twice = lessons[0]
    enrolment_create(user=learner, course=course)
    lesson_progress_open(user=learner, lesson=lesson_progress_open_twice)
    lesson_progress_complete(user=learner, lesson=lesson_progress_open_twice)
    lesson_progress_complete(user=learner, lesson=lesson_progress_open_twice)
    enrolment_create(user=learner, course=course)  # returns the existing enrolment
    assert XapiStatement.objects.filter(verb="completed").count() == 1
    assert XapiStatement.objects.filter(verb="registered").count() == 1


def test_a_request_is_not_an_enrolment_yet(xapi_recording, course, learner):
    course.enrolment_policy = course.EnrolmentPolicy.APPROVAL
    course.save()
    enrolment_create(user=learner, course=course)
    assert not XapiStatement.objects.exists()


def test_the_actor_is_a_stable_pseudonym_not_the_nip_or_email(xapi_recording, settings):
    user = UserFactory(roles=[Role.PESERTA], email="ani@uji.example", nip="199001012015032001")
    actor = xapi_actor(user_id=user.pk)
    assert actor == {
        "objectType": "Agent",
        "account": {
            "homePage": "http://testserver",
            "name": pseudonym(secret="uji-rahasia", user_id=user.pk),
        },
    }
    assert xapi_actor(user_id=user.pk) == actor
    assert user.nip not in str(actor) and "ani@" not in str(actor)
    assert xapi_actor(user_id=UserFactory().pk) != actor

    settings.XAPI_ACTOR_IDENTIFIER = "email"
    assert xapi_actor(user_id=user.pk) == {"objectType": "Agent", "mbox": "mailto:ani@uji.example"}
    settings.XAPI_ACTOR_IDENTIFIER = "nip"
    assert xapi_actor(user_id=user.pk)["account"]["name"] == "199001012015032001"


def test_the_pseudonym_depends_on_the_secret():
    assert pseudonym(secret="a", user_id=1) != pseudonym(secret="b", user_id=1)
    assert pseudonym(secret="a", user_id=1) != pseudonym(secret="a", user_id=2)
    assert len(pseudonym(secret="a", user_id=1)) == 64


def test_staff_see_the_outbox_read_only_in_the_django_admin(
    xapi_recording, course, learner, client
):
    enrolment_create(user=learner, course=course)
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    listing = client.get("/django-admin/lms/xapistatement/")
    assert listing.status_code == 200
    row = XapiStatement.objects.get()
    assert str(row.pk) in listing.content.decode()
    assert client.get("/django-admin/lms/xapistatement/add/").status_code == 403
