"""A SCORM 1.2 package (built by the tests) played in Chromium: the package's own
JavaScript finds scorm-again's API in the lesson page, saves and suspends; a new
session resumes where it stopped; completing it completes the lesson and the course,
and the certificate is issued. docs/scorm.md."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import expect, force_sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _tab(browser, live_server, email: str, problems: list[str]):
    context = browser.new_context(base_url=live_server.url, locale="id-ID")
    context.set_default_timeout(10_000)
    tab = context.new_page()
    tab.on(
        "console",
        lambda m: problems.append(m.text) if "Content Security Policy" in m.text else None,
    )
    tab.on("pageerror", lambda error: problems.append(str(error)))
    force_sign_in(tab, live_server.url, email)
    return tab


def _until(tab, check, what: str) -> None:
    for _ in range(100):
        if check():
            return
        tab.wait_for_timeout(100)
    pytest.fail(f"timed out waiting for {what}")


def test_scorm_package_suspends_resumes_and_completes_the_course(
    browser, live_server, home_page, settings
):
    from accounts.roles import Role
    from lms.models import Certificate, Enrolment, ScormAttempt
    from lms.services.enrolments import enrolment_create
    from tests.factories.accounts import UserFactory
    from tests.factories.lms import CourseIndexPageFactory, CoursePageFactory
    from tests.lms.scorm.conftest import scorm_lesson
    from tests.lms.scorm.packages import scorm12_zip

    settings.WAGTAILADMIN_BASE_URL = live_server.url
    trainer = UserFactory(roles=[Role.PELATIH])
    index = CourseIndexPageFactory(parent=home_page)
    course = CoursePageFactory(parent=index, title="Pelayanan Prima SCORM", owner=trainer)
    lesson = scorm_lesson(course=course, data=scorm12_zip(), title="Modul interaktif")
    learner = UserFactory(roles=[Role.PESERTA])
    enrolment = enrolment_create(user=learner, course=course, source=Enrolment.Source.ADMIN)
    problems: list[str] = []

    # First session: the package saves its place and suspends.
    tab = _tab(browser, live_server, learner.email, problems)
    tab.goto(lesson.url)
    frame = tab.frame_locator("#scorm-frame")
    expect(frame.locator("body[data-ready=yes]")).to_be_attached()
    expect(frame.locator("#resumed")).to_have_text("-|-")
    frame.locator("#suspend").click()
    _until(
        tab,
        lambda: ScormAttempt.objects.filter(location="halaman-3", exit="suspend").exists(),
        "the suspend commit",
    )
    tab.context.close()

    # A new session resumes from the stored location and suspend data.
    tab = _tab(browser, live_server, learner.email, problems)
    tab.goto(lesson.url)
    frame = tab.frame_locator("#scorm-frame")
    expect(frame.locator("#resumed")).to_have_text("halaman-3|dilihat=1,2,3")
    frame.locator("#complete").click()
    expect(tab.locator("#scorm-status")).to_have_text(
        re.compile(re.escape(t("You have completed this lesson and the course.")))
    )
    tab.context.close()

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    attempt = ScormAttempt.objects.get()
    assert attempt.completion_status == "passed" and attempt.total_seconds >= 125
    _until(tab, lambda: Certificate.objects.filter(enrolment=enrolment).exists(), "certificate")
    assert problems == []
