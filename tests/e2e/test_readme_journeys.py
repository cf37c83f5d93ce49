"""The README's "What to try with the demo" journeys, one per role, on the shipped demo
data, at desktop and phone sizes, with axe-core on every step. A step that a newcomer
would take from the README and that breaks (a page missing, a figure absent, an
accessibility violation, sideways scrolling on a phone) fails here first."""

from __future__ import annotations

import re

import pytest

from tests.e2e.helpers import expect, sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

SIZES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}

# Admin steps skip the phone-width check: the Wagtail admin is third-party layout
# (docs/testing.md). They get axe like every other step.


@pytest.fixture(params=list(SIZES))
def size(request, page):
    page.set_viewport_size(SIZES[request.param])
    return request.param


def _step(page, shot, check_a11y, size, name, *, admin=False):
    expect(page.locator("main").first).to_be_visible()
    shot(page, f"{size}-{name}")
    check_a11y(page)
    if size == "phone" and not admin:
        width = page.evaluate("() => document.documentElement.scrollWidth")
        assert width <= SIZES["phone"]["width"], f"{page.url} scrolls sideways ({width}px)"


def test_learner_journey(page, demo_logins, shot, check_a11y, size):
    learner = demo_logins["Peserta"]
    sign_in(page, learner.email, learner.password)
    expect(page).to_have_url(re.compile(r"/learning/$"))
    expect(page.get_by_role("main")).to_contain_text("JP")
    _step(page, shot, check_a11y, size, "dashboard")

    for path, name in [
        ("/learning/catalogue/", "catalogue"),
        ("/kompetensi/profil/", "competency-profile"),
        ("/kompetensi/riwayat/", "training-history"),
        ("/kompetensi/riwayat/tambah/", "external-record-form"),
        ("/kompetensi/riwayat/transkrip/", "transcript"),
        ("/accounts/notifications/", "notifications"),
        ("/learning/usulan/", "proposals"),
    ]:
        page.goto(path)
        _step(page, shot, check_a11y, size, name)

    # The README: "certificates under Pembelajaran Saya (PDF with a QR code)".
    page.goto("/learning/")
    download = page.get_by_role("link", name=t("Download certificate")).first
    expect(download).to_be_visible()
    response = page.request.get(download.get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF")


def test_supervisor_journey(page, demo_logins, shot, check_a11y, size):
    supervisor = demo_logins["Atasan"]
    sign_in(page, supervisor.email, supervisor.password)
    expect(page).to_have_url(re.compile(r"/learning/$"))
    page.goto("/learning/tim/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Rina Lestari")
    _step(page, shot, check_a11y, size, "team")

    page.get_by_role("link", name=re.compile("Rina Lestari")).first.click()
    page.wait_for_load_state()
    _step(page, shot, check_a11y, size, "team-member")

    page.goto("/kompetensi/tim/")
    _step(page, shot, check_a11y, size, "team-competencies")
    page.goto("/learning/usulan/baru/")
    _step(page, shot, check_a11y, size, "propose-training")


def test_trainer_journey(page, demo_logins, shot, check_a11y, size):
    trainer = demo_logins["Pelatih"]
    sign_in(page, trainer.email, trainer.password)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    _step(page, shot, check_a11y, size, "admin-dashboard", admin=True)

    # The page explorer and a course's editor (Wagtail's own markup, rich text included).
    from lms.models import CourseIndexPage, CoursePage

    index = CourseIndexPage.objects.get()
    page.goto(f"/admin/pages/{index.pk}/")
    _step(page, shot, check_a11y, size, "explorer", admin=True)
    course = CoursePage.objects.child_of(index).order_by("path").first()
    page.goto(f"/admin/pages/{course.pk}/edit/")
    expect(page.locator(".Draftail-Editor").first).to_be_visible()
    _step(page, shot, check_a11y, size, "course-editor", admin=True)

    page.goto("/learning/trainer/")
    _step(page, shot, check_a11y, size, "trainer-courses")
    course = page.locator("main a[href*='/learning/trainer/']").first
    expect(course).to_be_attached()
    page.goto(course.get_attribute("href"))
    _step(page, shot, check_a11y, size, "trainer-course")


def test_hr_journey(page, demo_logins, shot, check_a11y, size):
    hr = demo_logins["Pengelola SDM"]
    sign_in(page, hr.email, hr.password)
    expect(page).to_have_url(re.compile(r"/admin/$"))
    _step(page, shot, check_a11y, size, "admin-dashboard", admin=True)
    for path, name in [
        ("/admin/kepegawaian/unit/", "units"),
        ("/admin/kepegawaian/jabatan/", "positions"),
        ("/admin/kepegawaian/pegawai/", "employees"),
        ("/admin/hr/import-export/", "import-export"),
        ("/admin/pelatihan/penugasan/", "assignments"),
        ("/admin/pelatihan/penugasan/baru/", "assign-form"),
        ("/admin/kompetensi/kamus/", "dictionary"),
        ("/admin/kompetensi/penilaian/", "assessments"),
        ("/admin/kompetensi/riwayat-pelatihan/", "training-records"),
        ("/admin/kompetensi/kesenjangan/", "gap-heat-map"),
        ("/admin/kompetensi/kepatuhan-jp/", "jp-compliance"),
        ("/admin/pelatihan/kebutuhan/", "training-needs"),
        ("/admin/pelatihan/aturan/", "assignment-rules"),
        ("/admin/usulan-kebutuhan/", "proposals"),
        ("/admin/sertifikat/", "certificates"),
    ]:
        page.goto(path)
        _step(page, shot, check_a11y, size, name, admin=True)
