"""Classroom check-in on a phone (docs/classroom.md "Attendance"): the committee's QR
screen shows a code, the participant opens the check-in it links to at 360 px, confirms
and is recorded once; a token shown five minutes ago is refused with the reason."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone

import pytest

from tests.e2e.helpers import expect, force_sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}


def test_participant_checks_in_on_a_phone_and_an_expired_code_is_refused(
    page, demo_logins, live_server
):
    from lms.models import Attendance, Batch
    from lms.services.classroom_attendance import checkin_token_make
    from tests.factories.lms import SessionFactory

    now = timezone.localtime()
    start = (now - datetime.timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(minutes=60)).time().replace(second=0, microsecond=0)
    if end <= start:
        pytest.skip("the session would cross midnight")
    running = Batch.objects.get(number="Angkatan II", status=Batch.Status.RUNNING)
    session = SessionFactory(batch=running, date=now.date(), start_time=start, end_time=end)

    page.set_viewport_size(PHONE)
    force_sign_in(page, live_server.url, demo_logins["Pelatih"].email)  # the committee
    page.goto(reverse("classroom:qr", args=[session.pk]))
    expect(page.locator(".qr-code svg")).to_be_visible()

    page.context.clear_cookies()
    force_sign_in(page, live_server.url, demo_logins["Peserta"].email)
    url = reverse("classroom:check_in", args=[session.pk])
    page.goto(f"{url}?t={checkin_token_make(session=session)}")
    page.get_by_role("button", name=t("I am here — check me in")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("Recorded: %(status)s at %(when)s.").split("%")[0].strip()
    )

    old = checkin_token_make(session=session, now=timezone.now() - datetime.timedelta(minutes=5))
    page.goto(f"{url}?t={old}")
    page.get_by_role("button", name=t("I am here — check me in")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t("This QR code has expired. Scan the code on the screen again.")
    )
    assert Attendance.objects.filter(session=session).count() == 1
