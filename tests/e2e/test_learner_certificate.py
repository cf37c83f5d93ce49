"""The learner's whole journey through an assigned course, in a real browser: sign in,
open the course from "Assigned to me", complete the lessons, fail then pass the final
quiz, evaluate the course, download the certificate, read the QR code printed on it and
open the verification page it points to. A screenshot and an axe check at every page.

The QR code is read from the PDF the way a phone would: the first page is rendered with
`pdftoppm` (poppler-utils) and decoded with `zbarimg` (zbar-tools); both are apt
packages that .ci/run installs when missing."""

from __future__ import annotations

import re
import subprocess

import pytest

from tests.conftest import tools_required
from tests.e2e.helpers import expect, sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE_SLUG = "survei-kepuasan-masyarakat"  # assigned to the demo Peserta by demo_seed()


def _qr_tools() -> None:
    tools_required("pdftoppm", package="poppler-utils")
    tools_required("zbarimg", package="zbar-tools")


def _answer_attempt(page, attempt_uuid: str, *, correctly: bool) -> None:
    """Fills the open attempt's form. The right answers come from the database (the test
    knows the answer key; the learner in the story has studied)."""
    from lms.models import Question, QuizAttempt

    attempt = QuizAttempt.objects.get(uuid=attempt_uuid)
    for answer in attempt.answers.select_related("question").order_by("pk"):
        question = answer.question
        if not correctly or question is None:
            continue
        if question.kind in (Question.Kind.SINGLE, Question.Kind.MULTIPLE):
            for choice in question.choices.filter(is_correct=True):
                page.locator(f"#q{answer.pk}-{choice.pk}").check()
        elif question.kind == Question.Kind.TRUE_FALSE:
            page.locator(f"#q{answer.pk}-{'t' if question.correct_true else 'f'}").check()
        elif question.kind == Question.Kind.SHORT:
            page.locator(f"#q{answer.pk}").fill(question.accepted_answer_list[0])


def _take_quiz(page, shot, check_a11y, *, correctly: bool, step: str) -> None:
    page.locator("main form button[type=submit]").click()  # start (or start a new attempt)
    expect(page).to_have_url(re.compile(r"/learning/attempts/[0-9a-f-]{36}/$"))
    attempt_uuid = page.url.rstrip("/").rsplit("/", 1)[1]
    _answer_attempt(page, attempt_uuid, correctly=correctly)
    shot(page, f"{step}-answers")
    check_a11y(page)
    page.get_by_role("button", name=t("Submit for grading")).click()
    expect(page.get_by_role("heading", name=t("Result"))).to_be_visible()
    verdict = t("passed") if correctly else t("not passed")
    expect(page.locator(".attempt-result strong.status")).to_have_text(verdict)
    shot(page, f"{step}-result")
    check_a11y(page)


def test_learner_completes_an_assigned_course_and_verifies_the_certificate_qr(
    page, demo_logins, shot, check_a11y, tmp_path
):
    from lms.models import Certificate, CoursePage, Enrolment

    _qr_tools()
    learner = demo_logins["Peserta"]
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    enrolment = Enrolment.objects.get(user__email=learner.email, course=course)
    assert enrolment.source == Enrolment.Source.ASSIGNMENT

    sign_in(page, learner.email, learner.password)
    page.goto("/learning/")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("My learning"))
    shot(page, "dashboard")
    check_a11y(page)

    assigned = page.locator("section", has=page.locator("#assigned-heading"))
    assigned.get_by_role("link", name=course.title).click()
    # The course starts at its first lesson; each lesson leads on to the next.
    lessons = 0
    complete = page.get_by_role("button", name=t("Mark as completed and continue"))
    while complete.count():
        lessons += 1
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        shot(page, f"lesson-{lessons}")
        check_a11y(page)
        before = page.url
        complete.click()
        page.wait_for_url(lambda url, before=before: url != before)
    assert lessons == 3

    # After the last lesson: the quiz (or the course page, whose outline links to it).
    if not page.get_by_role("heading", level=1, name="Kuis Akhir").count():
        page.get_by_role("main").get_by_role("link", name="Kuis Akhir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Kuis Akhir")
    shot(page, "quiz")
    check_a11y(page)

    _take_quiz(page, shot, check_a11y, correctly=False, step="attempt-1")
    page.get_by_role("link", name=t("Back to the quiz")).click()
    _take_quiz(page, shot, check_a11y, correctly=True, step="attempt-2")

    page.goto(course.url)
    page.get_by_role("link", name=t("Evaluate this course")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(t("Course evaluation"))
    for field in ("content_rating", "trainer_rating", "usefulness_rating"):
        page.locator(f"input[name={field}][value='4']").check()
    page.locator("textarea[name=comments]").fill("Contoh perhitungan indeks sangat membantu.")
    shot(page, "evaluation")
    check_a11y(page)
    page.get_by_role("button", name=t("Send evaluation")).click()
    page.wait_for_url(re.compile(re.escape(course.url) + "$"))
    shot(page, "course-after-evaluation")
    check_a11y(page)

    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED
    certificate = Certificate.objects.get(enrolment=enrolment, is_current=True)
    assert certificate.status == Certificate.Status.ISSUED and certificate.number

    page.goto("/learning/")
    completed = page.locator("section", has=page.locator("#completed-heading"))
    row = completed.get_by_role("row", name=re.compile(re.escape(course.title)))
    shot(page, "dashboard-completed")
    check_a11y(page)
    with page.expect_download() as download_info:
        row.get_by_role("link", name=t("Download certificate")).click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
        timeout=60,
    )
    image = next(tmp_path.glob("page*.png"))
    decoded = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    ).stdout.strip()
    assert decoded.endswith(f"/verify/{certificate.code}/"), decoded

    page.goto(decoded)
    expect(page.locator("#verify-status")).to_have_text(t("Valid certificate"))
    expect(page.get_by_role("main")).to_contain_text(certificate.number)
    shot(page, "verify")
    check_a11y(page)

    # "Dokumen PDF": the downloaded file's electronic signature, checked by the portal.
    page.get_by_role("link", name=t("Check the PDF document")).click()
    expect(page.locator("#pdf-status")).to_have_text(t("Signature intact"))  # the stored PDF
    page.locator("input[name=document]").set_input_files(str(pdf))
    page.get_by_role("button", name=t("Check the PDF")).click()
    expect(page.locator("#pdf-status")).to_have_text(t("Signature intact"))
    expect(page.get_by_role("main")).to_contain_text(
        t("the PDF was signed for this certificate number")
    )
    shot(page, "verify-pdf")
    check_a11y(page)
