"""The whole classroom journey in the browser (issue 17, docs/classroom.md): HR opens a
batch with per-OPD quotas → two OPDs' supervisors nominate (one over its OPD's quota,
refused) → HR selects and waitlists → the participant downloads the calling letter and a
valid .ics (parsed back) → checks in on a phone with the room's rotating QR (an expired
token refused) → HR finishes the batch → completion by attendance: the certificate on the
learner's dashboard and the JP in HR's compliance report.

HR writes the batch in the Wagtail admin's batch form (the viewset HR uses: dates, total
quota, a quota row per OPD added with the inline panel, the committee). The course, the
session running now and the Dukcapil supervisor with two staff are written with the ORM
(content and timetable are not this journey's subject)."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone

import pytest

from tests.e2e.helpers import expect, force_sign_in, t

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 360, "height": 740}


def _course_and_people():
    """A new 6-JP klasikal course (no lessons: attendance decides), and a supervisor in
    Dinas Dukcapil with two staff."""
    from accounts.roles import Role
    from competencies.models import OrgUnit
    from lms.models import CourseIndexPage, CoursePage
    from tests.factories.competencies import EmployeeFactory
    from tests.factories.lms import CoursePageFactory

    course = CoursePageFactory(
        parent=CourseIndexPage.objects.first(),
        title="Pelayanan Prima Klasikal (uji e2e)",
        jp_hours=Decimal("6"),
        delivery_mode=CoursePage.DeliveryMode.KLASIKAL,
    )
    dukcapil = OrgUnit.objects.get(code="DUKCAPIL")
    head = EmployeeFactory(
        unit=dukcapil, full_name="Kepala Bidang Dukcapil", user__roles=[Role.ATASAN]
    )
    staff = [
        EmployeeFactory(unit=dukcapil, supervisor=head, full_name=name, user__roles=[Role.PESERTA])
        for name in ("Dewi Anggraini", "Yusuf Hidayat")
    ]
    return course, head, staff


def _hr_writes_the_batch(page, course):
    """HR fills the admin's batch form: a draft klasikal batch today, a total quota of 2,
    DPMPTSP 1 place and Dinas Dukcapil 2 (two inline quota rows), organised by BKPSDM,
    the demo trainer on its committee."""
    from accounts.models import User
    from competencies.models import OrgUnit
    from lms.models import Batch

    today = timezone.localdate().isoformat()
    page.goto(reverse("lms_classroom_batches:add"))
    # The course field is Wagtail's page chooser (a modal); its value is the hidden input
    # (as in test_hr_import_assign.py).
    page.locator("input[name=course]").evaluate("(el, pk) => { el.value = pk; }", str(course.pk))
    page.locator("input[name=number]").fill("Angkatan E2E")
    page.locator("select[name=unit]").select_option(str(OrgUnit.objects.get(code="BKPSDM").pk))
    for name in ("starts_on", "ends_on", "registration_opens_on", "registration_closes_on"):
        page.locator(f"input[name={name}]").fill(today)
    page.locator("select[name=mode]").select_option(Batch.Mode.KLASIKAL)
    page.locator("input[name=venue]").fill("Aula BKPSDM")
    page.locator("input[name=quota_total]").fill("2")
    for row, (code, quota) in enumerate((("DPMPTSP", 1), ("DUKCAPIL", 2))):
        page.locator("#id_unit_quotas-ADD").click()
        page.locator(f"select[name='unit_quotas-{row}-unit']").select_option(
            str(OrgUnit.objects.get(code=code).pk)
        )
        page.locator(f"input[name='unit_quotas-{row}-quota']").fill(str(quota))
    trainer = User.objects.get(email__startswith="pelatih@")
    page.locator(f"input[name=committee][value='{trainer.pk}']").check()
    page.locator("button.button-longrunning[type=submit]").first.click()  # Create
    page.wait_for_url(lambda url: "/add/" not in url)
    batch = Batch.objects.get(number="Angkatan E2E", course=course)
    assert batch.status == Batch.Status.DRAFT and batch.quota_total == 2
    quotas = dict(batch.unit_quotas.values_list("unit__code", "quota"))
    assert quotas == {"DPMPTSP": 1, "DUKCAPIL": 2}
    assert list(batch.committee.all()) == [trainer]
    return batch


def _session_now(batch):
    """One 2-JP session of the batch running now (the timetable is not this journey's
    subject)."""
    from tests.factories.lms import SessionFactory

    now = timezone.localtime()
    start = (now - datetime.timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(minutes=60)).time().replace(second=0, microsecond=0)
    if end <= start:
        pytest.skip("the session would cross midnight")
    return SessionFactory(
        batch=batch, date=now.date(), start_time=start, end_time=end, jp=2, topic="Sesi uji"
    )


def _nominate(page, batch, employee) -> None:
    page.goto(reverse("classroom:team"))
    page.locator("select[name=batch]").select_option(str(batch.pk))
    page.locator("select[name=employee]").select_option(str(employee.pk))
    page.get_by_role("button", name=t("Nominate")).click()
    page.wait_for_load_state()


def _move(page, batch, status: str) -> None:
    page.goto(reverse("lms_classroom_batch", args=[batch.pk]))
    page.locator(f"button[name=status][value={status}]").click()
    page.wait_for_load_state()


def _decide(page, nomination, status: str) -> None:
    page.goto(reverse("lms_classroom_batch", args=[nomination.batch_id]))
    page.locator(f"#status-{nomination.pk}").select_option(status)
    page.locator(f"form:has(#status-{nomination.pk}) button[type=submit]").click()
    page.wait_for_load_state()


def _compliance_jp(page, unit_pk: int, name: str) -> Decimal:
    page.goto(f"/admin/kompetensi/kepatuhan-jp/?unit={unit_pk}")
    row = page.locator("tbody tr").filter(has_text=name).first
    return Decimal(row.locator("td").last.inner_text().strip().replace(",", "."))


def test_hr_opens_opds_nominate_hr_selects_participant_checks_in_and_gets_the_certificate(
    page, demo_logins, live_server, tmp_path
):
    from icalendar import Calendar

    from competencies.models import Employee, OrgUnit
    from lms.models import Attendance, Batch, Certificate, Enrolment, Nomination
    from lms.services.classroom_attendance import checkin_token_make

    course, head, dukcapil_staff = _course_and_people()
    rina = Employee.objects.get(user__email=demo_logins["Peserta"].email)
    colleague = (
        Employee.objects.filter(supervisor=rina.supervisor, unit=rina.unit)
        .exclude(pk=rina.pk)
        .first()
    )
    hr = demo_logins["Pengelola SDM"].email

    # HR writes the batch with its OPD quotas in the admin, then opens it for nominations.
    force_sign_in(page, live_server.url, hr)
    batch = _hr_writes_the_batch(page, course)
    session = _session_now(batch)
    _move(page, batch, Batch.Status.OPEN)
    batch.refresh_from_db()
    assert batch.status == Batch.Status.OPEN
    before_jp = _compliance_jp(page, rina.unit_id, rina.display_name)

    # OPD 1 (DPMPTSP, 1 place): the second nomination is refused, naming the quota.
    page.context.clear_cookies()
    force_sign_in(page, live_server.url, demo_logins["Atasan"].email)
    _nominate(page, batch, rina)
    expect(page.locator(".messages")).to_contain_text(t("The nomination was sent to HR."))
    _nominate(page, batch, colleague)
    refusal = t(
        "The quota of %(unit)s for this batch is %(quota)s and all %(quota)s places are taken."
    ) % {"unit": OrgUnit.objects.get(code="DPMPTSP").name, "quota": 1}
    expect(page.locator(".messages")).to_contain_text(refusal)
    assert not Nomination.objects.filter(batch=batch, employee=colleague).exists()

    # OPD 2 (Dukcapil, 2 places) nominates two.
    page.context.clear_cookies()
    force_sign_in(page, live_server.url, head.user.email)
    for employee in dukcapil_staff:
        _nominate(page, batch, employee)
    assert batch.nominations.filter(status=Nomination.Status.NOMINATED).count() == 3

    # HR: selection; two places in all, so the third is refused and waitlisted.
    page.context.clear_cookies()
    force_sign_in(page, live_server.url, hr)
    _move(page, batch, Batch.Status.SELECTION)
    rina_n, dewi_n, yusuf_n = (
        Nomination.objects.get(batch=batch, employee=e) for e in (rina, *dukcapil_staff)
    )
    _decide(page, rina_n, Nomination.Status.SELECTED)
    _decide(page, dewi_n, Nomination.Status.SELECTED)
    _decide(page, yusuf_n, Nomination.Status.SELECTED)
    expect(page.locator(".messages")).to_contain_text(
        t(
            "The batch's total quota of %(quota)s participants is full; "
            "waitlist this nomination instead."
        )
        % {"quota": 2}
    )
    _decide(page, yusuf_n, Nomination.Status.WAITLISTED)
    statuses = dict(batch.nominations.values_list("employee_id", "status"))
    assert statuses == {
        rina.pk: Nomination.Status.SELECTED,
        dukcapil_staff[0].pk: Nomination.Status.SELECTED,
        dukcapil_staff[1].pk: Nomination.Status.WAITLISTED,
    }
    _move(page, batch, Batch.Status.RUNNING)

    # The participant: calling letter and a calendar file that parses back.
    page.context.clear_cookies()
    force_sign_in(page, live_server.url, demo_logins["Peserta"].email)
    page.goto(reverse("classroom:my"))
    with page.expect_download() as letter:
        page.get_by_role("link", name=t("Calling letter (PDF)")).first.click()
    pdf = tmp_path / "letter.pdf"
    letter.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as invitation:
        page.locator(f"a[href='{reverse('classroom:calendar_ics', args=[batch.pk])}']").click()
    ics = tmp_path / "jadwal.ics"
    invitation.value.save_as(ics)
    calendar = Calendar.from_ical(ics.read_bytes())
    events = list(calendar.walk("VEVENT"))
    assert len(events) == 1
    assert "Sesi uji" in str(events[0]["SUMMARY"]) or "Sesi uji" in str(
        events[0].get("DESCRIPTION", "")
    )
    assert events[0].decoded("DTSTART") == session.starts_at

    # Check-in on a phone with the room's code; a token from five minutes ago is refused.
    page.set_viewport_size(PHONE)
    url = reverse("classroom:check_in", args=[session.pk])
    stale = checkin_token_make(session=session, now=timezone.now() - datetime.timedelta(minutes=5))
    page.goto(f"{url}?t={stale}")
    page.get_by_role("button", name=t("I am here — check me in")).click()
    expect(page.get_by_role("alert")).to_contain_text(
        t("This QR code has expired. Scan the code on the screen again.")
    )
    assert not Attendance.objects.filter(session=session).exists()
    page.goto(f"{url}?t={checkin_token_make(session=session)}")
    page.get_by_role("button", name=t("I am here — check me in")).click()
    expect(page.get_by_role("status")).to_contain_text(
        t("Recorded: %(status)s at %(when)s.").split("%")[0].strip()
    )
    assert Attendance.objects.get(session=session).nomination_id == rina_n.pk

    # HR finishes the batch: the participant who attended completes (2 JP attended of a
    # 6-JP programme); the one who did not, does not.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.context.clear_cookies()
    force_sign_in(page, live_server.url, hr)
    _move(page, batch, Batch.Status.FINISHED)
    enrolment = Enrolment.objects.get(classroom_nominations=rina_n)
    assert enrolment.status == Enrolment.Status.COMPLETED
    assert enrolment.jp_earned == Decimal("2.0")
    certificate = Certificate.objects.get(enrolment=enrolment, is_current=True)
    assert certificate.status == Certificate.Status.ISSUED
    dewi = Enrolment.objects.get(classroom_nominations=dewi_n)
    assert dewi.status != Enrolment.Status.COMPLETED
    assert _compliance_jp(page, rina.unit_id, rina.display_name) == before_jp + Decimal("2")

    page.context.clear_cookies()
    force_sign_in(page, live_server.url, demo_logins["Peserta"].email)
    page.goto("/learning/")
    completed = page.locator("section", has=page.locator("#completed-heading"))
    row = completed.get_by_role("row", name=re.compile(re.escape(batch.course.title)))
    expect(row.get_by_role("link", name=t("Download certificate"))).to_be_visible()


def test_committee_scans_the_participants_personal_qr_on_a_phone(
    page, demo_logins, live_server, tmp_path
):
    """The participant shows "My check-in QR code"; the committee's phone reads it (here:
    zbarimg on a screenshot of the code when installed, else the token the page signs),
    opens the link, sees who it is and records them present."""
    import shutil
    import subprocess

    from competencies.models import Employee
    from config.links import portal_url
    from lms.models import Attendance, Batch, Nomination
    from lms.services.classroom_attendance import personal_token_make
    from tests.factories.lms import SessionFactory

    now = timezone.localtime()
    start = (now - datetime.timedelta(minutes=5)).time().replace(second=0, microsecond=0)
    end = (now + datetime.timedelta(minutes=60)).time().replace(second=0, microsecond=0)
    if end <= start:
        pytest.skip("the session would cross midnight")
    running = Batch.objects.get(number="Angkatan II", status=Batch.Status.RUNNING)
    running.sessions.filter(date=now.date()).delete()  # only this session is open now
    session = SessionFactory(batch=running, date=now.date(), start_time=start, end_time=end)
    rina = Employee.objects.get(user__email=demo_logins["Peserta"].email)

    page.set_viewport_size(PHONE)
    force_sign_in(page, live_server.url, demo_logins["Peserta"].email)
    page.goto(reverse("classroom:my"))
    page.get_by_role("link", name=t("My check-in QR code")).first.click()
    code = page.locator(".qr-code")
    expect(code).to_be_visible()
    if shutil.which("zbarimg"):
        image = tmp_path / "personal-qr.png"
        code.screenshot(path=str(image))
        link = subprocess.run(
            ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(image)],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        ).stdout.strip()
    else:
        nomination = Nomination.objects.get(batch=running, employee=rina)
        token = personal_token_make(nomination=nomination)
        link = portal_url(reverse("classroom:scan")) + f"?t={token}"
    assert reverse("classroom:scan") in link, link

    page.context.clear_cookies()
    force_sign_in(page, live_server.url, demo_logins["Pelatih"].email)  # the committee
    page.goto(link)
    expect(page.get_by_text(rina.display_name)).to_be_visible()
    page.get_by_role("button", name=t("Record as present")).click()
    expect(page.get_by_role("status")).to_contain_text(rina.display_name)
    attendance = Attendance.objects.get(session=session, nomination__employee=rina)
    assert attendance.method == Attendance.Method.PERSONAL_QR
