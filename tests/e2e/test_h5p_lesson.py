"""An H5P lesson (a package built by the tests, with its own minimal content type
library) played in Chromium by the vendored h5p-standalone: the learner answers the
question, the player's xAPI statements reach the portal, the lesson and the course
complete. docs/h5p.md."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import expect, force_sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _until(tab, check, what: str) -> None:
    for _ in range(100):
        if check():
            return
        tab.wait_for_timeout(100)
    pytest.fail(f"timed out waiting for {what}")


def test_learner_answers_the_h5p_content_and_the_lesson_completes(
    browser, live_server, home_page, settings
):
    from accounts.roles import Role
    from lms.models import Enrolment, H5pResult, LessonProgress
    from lms.services.enrolments import enrolment_create
    from tests.factories.accounts import UserFactory
    from tests.factories.lms import CourseIndexPageFactory, CoursePageFactory
    from tests.lms.h5p.conftest import h5p_lesson
    from tests.lms.h5p.packages import h5p_zip

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    trainer = UserFactory(roles=[Role.PELATIH])
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title="Pengantar ASN H5P", owner=trainer)
    lesson = h5p_lesson(course=course, data=h5p_zip(), title="Kuis interaktif")
    learner = UserFactory(roles=[Role.PESERTA])
    enrolment = enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
    problems: list[str] = []

    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.set_default_timeout(15_000)
    tab = context.new_page()
    tab.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab.on("pageerror", lambda error: problems.append(str(error)))
    force_sign_in(tab, live_server.url, learner.email)
    tab.goto(lesson.url)

    player = tab.frame_locator("#h5p-frame")
    expect(player.locator("body[data-h5p-ready=yes]")).to_be_attached()
    content = player.frame_locator("iframe.h5p-iframe")
    expect(content.locator(".question")).to_have_text("Apa kepanjangan ASN?")
    content.get_by_label("Aparatur Sipil Negara").check()
    content.locator("button.check").click()
    expect(content.locator(".feedback")).to_have_text("Benar!")
    expect(tab.locator("#h5p-status")).to_have_text(
        re.compile(re.escape(t("You have completed this lesson and the course.")))
    )
    # H5P's "answered" carries completion and already completes the lesson (the status
    # line above shows it); the "completed" statement follows it, queued by the frame:
    # wait for that one, not only for the lesson's completion.
    _until(
        tab,
        lambda: H5pResult.objects.filter(
            completed_at__isnull=False, last_verb="completed"
        ).exists(),
        "the completed statement",
    )
    context.close()

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert LessonProgress.objects.get(lesson_id=lesson.pk).completed_at is not None
    result = H5pResult.objects.get()
    assert (result.score_raw, result.score_max, result.last_verb) == (1.0, 1.0, "completed")
    assert problems == []
