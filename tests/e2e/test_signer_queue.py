"""The signature journey of issue 19 in a real browser, with signing left to the signer
(`LMS_PDF_SIGNING_AUTOMATIC` off, as with BSrE): a learner's course is completed (the
completion engine; completing it through the pages is test_learner_certificate's story)
and the certificate waits, "menunggu tanda tangan" on the learner's dashboard; the signer
(the Kepala, given "Can sign certificates electronically") opens the queue in the Wagtail
admin and signs all in one batch (Celery, eager here); the learner downloads the signed
PDF and the public verify page checks the uploaded file: signature intact."""

from __future__ import annotations

import re

from django.utils import timezone

import pytest

from tests.e2e.helpers import expect, sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

COURSE_SLUG = "survei-kepuasan-masyarakat"  # assigned to the demo Peserta by demo_seed()


def test_signer_signs_the_batch_and_the_learner_downloads_a_verified_pdf(
    page, demo_logins, settings, shot, check_a11y, tmp_path
):
    from django.contrib.auth.models import Permission

    from accounts.models import User
    from lms.models import CoursePage, Enrolment
    from lms.services.certificates import certificate_issue

    settings.LMS_PDF_SIGNING_AUTOMATIC = False
    learner = demo_logins["Peserta"]
    course = CoursePage.objects.get(slug=COURSE_SLUG)
    enrolment = Enrolment.objects.get(user__email=learner.email, course=course)
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now(),
        progress_percent=100,
        jp_earned=course.jp_hours,
    )
    certificate = certificate_issue(enrolment_id=enrolment.pk)
    assert certificate.signed_at is None

    sign_in(page, learner.email, learner.password)
    page.goto("/learning/")
    completed = page.locator("section", has=page.locator("#completed-heading"))
    row = completed.get_by_role("row", name=re.compile(re.escape(course.title)))
    expect(row).to_contain_text(t("awaiting signature"))
    shot(page, "learner-waiting")

    # The signer: the HR manager's account given the permission (the Kepala's, in life).
    signer = demo_logins["Pengelola SDM"]
    User.objects.get(email=signer.email).user_permissions.add(
        Permission.objects.get(codename="sign_certificate", content_type__app_label="lms")
    )
    page.context.clear_cookies()
    sign_in(page, signer.email, signer.password)
    page.goto("/admin/sertifikat/tanda-tangan/")
    expect(page.get_by_role("main")).to_contain_text(certificate.number)
    shot(page, "signer-queue")
    check_a11y(page)
    page.locator("button[name=scope][value=all]").click()
    expect(page.get_by_role("main")).to_contain_text(re.compile(r"\d+ dari \d+ ditandatangani"))
    shot(page, "signer-batch-done")
    certificate.refresh_from_db()
    assert certificate.signed_at is not None

    page.context.clear_cookies()
    sign_in(page, learner.email, learner.password)
    page.goto("/learning/")
    row = page.locator("section", has=page.locator("#completed-heading")).get_by_role(
        "row", name=re.compile(re.escape(course.title))
    )
    with page.expect_download() as download_info:
        row.get_by_role("link", name=t("Download certificate")).click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")

    page.goto(f"/verify/{certificate.code}/pdf/")
    page.locator("input[name=document]").set_input_files(str(pdf))
    page.get_by_role("button", name=t("Check the PDF")).click()
    expect(page.locator("#pdf-status")).to_have_text(t("Signature intact"))
    expect(page.get_by_role("main")).to_contain_text(
        t("the PDF was signed for this certificate number")
    )
    shot(page, "verify-uploaded")
    check_a11y(page)
