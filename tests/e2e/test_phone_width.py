"""Every public and learner page of the demo fits a 360 px wide phone without sideways
scrolling (docs/testing.md "Phone width"). Wide tables stack their rows on small screens
(static/css/portal.css "Responsive tables"); a page that still scrolls sideways fails.
Add a page here when a feature adds a public or learner page."""

from __future__ import annotations

import pytest

from tests.e2e.helpers import expect, force_sign_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}

PUBLIC = [
    "/",
    "/learning/catalogue/",
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/verify/",
    "/transparansi/",
    "/transparansi/kamus-data/",
    "/transparansi/akuntabilitas/",
    "/tidak-ada/",
]

LEARNER = [
    "/",
    "/learning/",
    "/learning/catalogue/",
    "/kompetensi/profil/",
    "/kompetensi/profil/nilai-diri/",
    "/kompetensi/riwayat/",
    "/kompetensi/riwayat/tambah/",
    "/kompetensi/riwayat/transkrip/",
    "/learning/usulan/",
    "/learning/usulan/baru/",
    "/learning/kelas/",
    "/accounts/profile/",
    "/accounts/notifications/",
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
]

SUPERVISOR = ["/learning/tim/", "/kompetensi/tim/", "/learning/kelas/tim/"]


def _demo_pages() -> tuple[list[str], list[str]]:
    """Pages that only exist with the demo's content: (public, learner)."""
    from lms.models import Certificate, CoursePage, LessonPage, QuizAttempt, QuizPage

    course = CoursePage.objects.live().public().order_by("path").first()
    public = [course.url] if course else []
    certificate = Certificate.objects.filter(status=Certificate.Status.ISSUED).first()
    if certificate is not None:
        public.append(f"/verify/{certificate.code}/")
    learner = list(public)
    learner += [p.url for p in LessonPage.objects.live().order_by("path")[:3]]
    learner += [p.url for p in QuizPage.objects.live().order_by("path")[:2]]
    attempt = QuizAttempt.objects.filter(user__email__startswith="peserta").first()
    if attempt is not None:
        learner.append(f"/learning/attempts/{attempt.uuid}/")
    return public, learner


def _too_wide(page) -> str | None:
    width = page.evaluate("() => document.documentElement.scrollWidth")
    if width <= PHONE["width"]:
        return None
    culprits = page.evaluate(
        """(limit) => [...document.querySelectorAll('main *')]
            .filter((el) => el.getBoundingClientRect().right > limit + 1)
            .slice(0, 5)
            .map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''))""",
        PHONE["width"],
    )
    return f"{page.url}: {width}px wide ({', '.join(culprits)})"


def test_public_and_learner_pages_fit_a_360px_phone(page, demo_logins, live_server, shot):
    page.set_viewport_size(PHONE)
    demo_public, demo_learner = _demo_pages()
    visits = [(path, None) for path in PUBLIC + demo_public]
    visits += [(path, "Peserta") for path in LEARNER + demo_learner]
    visits += [(path, "Atasan") for path in SUPERVISOR]
    too_wide = []
    signed_in_as = None
    for path, role in visits:
        if role != signed_in_as:
            page.context.clear_cookies()
            if role:
                force_sign_in(page, live_server.url, demo_logins[role].email)
            signed_in_as = role
        page.goto(path)
        expect(page.locator("main")).to_be_visible()
        problem = _too_wide(page)
        if problem:
            shot(page, f"{role or 'anonymous'}{path}")
            too_wide.append(problem)

    assert not too_wide, "pages scroll sideways at 360 px:\n" + "\n".join(too_wide)
