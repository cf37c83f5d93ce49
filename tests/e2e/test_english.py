"""The key pages in English after switching the language: the learner's dashboard, a
course, a lesson and a certificate's verification page, then HR's JP compliance report.
Screenshot and axe check on each."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import expect, sign_in, switch_language

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_key_pages_in_english(page, demo_logins, shot, check_a11y):
    from lms.models import Certificate, CoursePage, LessonPage

    learner = demo_logins["Peserta"]
    sign_in(page, learner.email, learner.password)
    switch_language(page, "en")

    page.goto("/learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My learning")
    expect(page.locator("#assigned-heading")).to_have_text("Assigned to me")
    expect(page.locator("#completed-heading")).to_have_text("Completed")
    shot(page, "dashboard")
    check_a11y(page)

    course = CoursePage.objects.get(slug="standar-pelayanan-maklumat")  # in progress
    page.goto(course.url)
    expect(page.locator("#outline-heading")).to_have_text("Course outline")
    expect(page.get_by_role("link", name="Resume where you left off")).to_be_visible()
    shot(page, "course")
    check_a11y(page)

    lesson = LessonPage.objects.child_of(course).order_by("path")[1]
    page.goto(lesson.url)
    expect(page.get_by_role("heading", level=1)).to_have_text(lesson.title)
    expect(page.get_by_role("button", name="Mark as completed and continue")).to_be_visible()
    shot(page, "lesson")
    check_a11y(page)

    # The verification page is public: any certificate the demo seed issued will do.
    certificate = Certificate.objects.filter(status=Certificate.Status.ISSUED).first()
    assert certificate is not None, "demo_seed issues the completed courses' certificates"
    page.goto(f"/verify/{certificate.code}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate verification")
    expect(page.locator("#verify-status")).to_have_text("Valid certificate")
    shot(page, "verify")
    check_a11y(page)

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("banner").get_by_role("link", name="Sign in")).to_be_visible()

    hr = demo_logins["Pengelola SDM"]
    sign_in(page, hr.email, hr.password)
    expect(page.locator("html")).to_have_attribute("lang", "en")  # the choice is kept
    page.goto("/admin/kompetensi/kepatuhan-jp/")
    expect(page).to_have_url(re.compile(r"/admin/kompetensi/kepatuhan-jp/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("JP compliance")
    expect(page.get_by_role("main")).to_contain_text("Average JP")
    shot(page, "compliance-report")
    check_a11y(page)
