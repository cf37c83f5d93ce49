from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

import pytest

from accounts.models import Notification, NotificationKind
from competencies.models import AgencySettings, TrainingRecord
from competencies.siasn import DevelopmentType
from lms import tasks
from lms.models import Certificate, CertificateSequence, CourseCompetency, Enrolment
from lms.services import enrolments as enrolment_services
from lms.services.certificates import (
    certificate_issue,
    certificate_mark_failed,
    certificate_number_format,
)
from lms.services.enrolments import (
    enrolment_create,
    lesson_progress_complete,
    lesson_progress_open,
)
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory
from tests.lms.certificates.conftest import complete
from tests.lms.completion_hooks import completion_hooks_only
from tests.perf.queries import assert_constant_queries, captured

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _certificate_hook_only(monkeypatch):
    completion_hooks_only(monkeypatch, "certificate_issue_hook")


def test_completing_a_course_issues_one_certificate_even_if_completion_fires_twice(
    course, lessons, holder, django_capture_on_commit_callbacks
):
    enrolment = enrolment_create(user=holder, course=course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in lessons:
            lesson_progress_open(user=holder, lesson=lesson)
            lesson_progress_complete(user=holder, lesson=lesson)
    enrolment.refresh_from_db()
    assert enrolment.status == Enrolment.Status.COMPLETED

    with django_capture_on_commit_callbacks(execute=True):
        enrolment_services._run_completed_hooks(enrolment.pk)

    certificate = Certificate.objects.get(enrolment=enrolment)
    assert certificate.status == Certificate.Status.ISSUED
    assert CertificateSequence.objects.get(year=timezone.localdate().year).last == 1


def test_hook_queues_the_task_after_commit(completed, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        tasks.certificate_issue_hook(enrolment_id=completed.pk)
    assert len(callbacks) == 1
    assert not Certificate.objects.exists()
    callbacks[0]()
    assert Certificate.objects.filter(enrolment=completed, status="issued").count() == 1


def test_task_running_twice_issues_one_certificate(completed):
    first = tasks.certificate_issue(completed.pk)
    second = tasks.certificate_issue(completed.pk)

    assert first == second
    assert Certificate.objects.count() == 1
    assert CertificateSequence.objects.get().last == 1
    assert TrainingRecord.objects.filter(source_key=f"enrolment:{completed.pk}").count() == 1
    assert Notification.objects.filter(kind=NotificationKind.CERTIFICATE_ISSUED).count() == 1


def test_numbers_follow_the_site_pattern_and_are_gap_free(course, holder):
    year = timezone.localdate().year
    numbers = [
        certificate_issue(enrolment_id=complete(UserFactory(), course).pk).number for _ in range(3)
    ]
    assert numbers == [f"{n:05d}/BKPSDM-BTG/{year}" for n in (1, 2, 3)]

    settings_ = AgencySettings.for_site(course.get_site())
    settings_.certificate_number_pattern = "STTP-{year}-{seq:04d}"
    settings_.save()
    assert certificate_issue(enrolment_id=complete(holder, course).pk).number == (
        f"STTP-{year}-0004"
    )


def test_a_broken_number_pattern_falls_back_to_the_default():
    assert certificate_number_format(pattern="{nope}/{seq}", seq=7, year=2026) == (
        "00007/BKPSDM-BTG/2026"
    )


def test_the_code_is_unguessable_and_not_the_number(completed):
    certificate = certificate_issue(enrolment_id=completed.pk)
    other = certificate_issue(enrolment_id=complete(UserFactory(), certificate.enrolment.course).pk)
    assert len(certificate.code) >= 20  # 128 random bits, URL-safe
    assert certificate.code != other.code
    assert certificate.number not in certificate.code


def test_certificate_snapshot_survives_later_edits(completed, holder, course):
    course.course_competencies.add(
        CourseCompetency(competency=CompetencyFactory(name_id="Pelayanan Publik"), target_level=3)
    )
    course.save()
    agency = AgencySettings.for_site(course.get_site())
    agency.signer_name = "Ir. Asli Penandatangan"
    agency.save()
    certificate = certificate_issue(enrolment_id=completed.pk)
    snapshot = {
        "holder_name": "Dr. Rina Lestari, S.Sos., M.Si.",
        "holder_nip": holder.nip,
        "course_title": "Pelayanan Prima",
        "signer_name": "Ir. Asli Penandatangan",
        "competencies": [["Pelayanan Publik", 3]],
        "jp": Decimal("4.0"),
    }
    assert {key: getattr(certificate, key) for key in snapshot} == snapshot
    pdf_before = certificate.pdf.read()

    holder.employee.full_name = "Rina Berganti Nama"
    holder.employee.save()
    holder.first_name = "Berganti"
    holder.save()
    course.title = "Judul Baru"
    course.save()
    agency.signer_name = "Penandatangan Baru"
    agency.certificate_number_pattern = "X-{seq}"
    agency.save()

    certificate.refresh_from_db()
    assert {key: getattr(certificate, key) for key in snapshot} == snapshot
    certificate.pdf.delete(save=False)
    regenerated = Certificate.objects.get(pk=certificate.pk)
    from lms.services.certificate_pdfs import certificate_pdf_bytes

    # The lost file is rendered again from the snapshot: the same document, signed
    # again (a PAdES signature is an incremental update after the document's first
    # revision, and its CMS carries a fresh signing time).
    assert first_revision(certificate_pdf_bytes(certificate=regenerated)) == first_revision(
        pdf_before
    )


def first_revision(pdf: bytes) -> bytes:
    return pdf[: pdf.index(b"%%EOF") + len(b"%%EOF")]


def test_issuing_creates_the_training_record_with_the_certificate_number(completed, holder):
    certificate = certificate_issue(enrolment_id=completed.pk)

    record = TrainingRecord.objects.get(source_key=f"enrolment:{completed.pk}")
    assert record.employee == holder.employee
    assert record.certificate_number == certificate.number
    assert record.jp == Decimal("4.0")
    assert record.development_type == DevelopmentType.E_LEARNING
    assert record.status == TrainingRecord.Status.APPROVED


def test_learner_without_employee_record_gets_a_certificate_but_no_training_record(course):
    user = UserFactory(first_name="Tamu", last_name="Pelatihan")
    certificate = certificate_issue(enrolment_id=complete(user, course).pk)
    assert certificate.holder_name == "Tamu Pelatihan"
    assert not TrainingRecord.objects.exists()


def test_issuing_notifies_the_holder(completed, holder):
    certificate = certificate_issue(enrolment_id=completed.pk)

    notification = Notification.objects.get(user=holder)
    assert notification.kind == NotificationKind.CERTIFICATE_ISSUED
    assert notification.params == {"course": "Pelayanan Prima", "number": certificate.number}
    assert notification.url == f"/learning/certificates/{certificate.code}/download/"


def test_no_certificate_when_the_course_has_certificates_off(completed, course):
    course.certificate_enabled = False
    course.save()
    assert certificate_issue(enrolment_id=completed.pk) is None
    assert not Certificate.objects.exists()


def test_no_certificate_for_an_active_or_missing_enrolment(course, holder):
    active = enrolment_create(user=holder, course=course)
    assert certificate_issue(enrolment_id=active.pk) is None
    assert certificate_issue(enrolment_id=999999) is None
    assert not Certificate.objects.exists()


def test_validity_sets_valid_until(completed, course):
    course.certificate_validity_months = 24
    course.save()
    certificate = certificate_issue(enrolment_id=completed.pk)
    today = timezone.localdate()
    # Same day two years on (28 February when today is 29 February).
    assert (certificate.valid_until.year, certificate.valid_until.month) == (
        today.year + 2,
        today.month,
    )
    assert certificate.valid_until.day in (today.day, 28)


def test_failure_marks_the_certificate_failed_and_a_retry_issues_it(completed):
    certificate_mark_failed(enrolment_id=completed.pk, error="RuntimeError('disk full')")
    failed = Certificate.objects.get(enrolment=completed)
    assert failed.status == Certificate.Status.FAILED
    assert "disk full" in failed.failure

    issued = certificate_issue(enrolment_id=completed.pk)
    assert issued.pk == failed.pk
    assert issued.status == Certificate.Status.ISSUED
    assert issued.failure == ""
    certificate_mark_failed(enrolment_id=completed.pk, error="late failure")
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.ISSUED


def test_a_number_collision_rolls_back_and_loses_no_number(completed, course):
    """A number already taken (say after a pattern change) must not commit the
    incremented sequence without a certificate."""
    from django.db import IntegrityError

    year = timezone.localdate().year
    taken = AgencySettings._meta.get_field("certificate_number_pattern").default.format(
        seq=1, year=year
    )
    other = complete(UserFactory(), course)
    Certificate.objects.create(
        enrolment=other, user=other.user, number=taken, status=Certificate.Status.ISSUED,
        issued_at=timezone.now(),
        is_current=True,
    )  # fmt: skip

    with pytest.raises(IntegrityError):
        certificate_issue(enrolment_id=completed.pk)

    assert not Certificate.objects.filter(enrolment=completed).exists()
    assert CertificateSequence.objects.filter(year=year, last__gte=1).count() == 0


def test_the_number_pattern_needs_seq_and_year():
    from django.core.exceptions import ValidationError

    from competencies.models.settings import validate_number_pattern

    validate_number_pattern("{seq:05d}/BKPSDM-BTG/{year}")
    for bad in ("BKPSDM/{year}", "{seq:05d}/BKPSDM", "{seq.x}/{year}", "{seq:05d}/{year}/{nope}"):
        with pytest.raises(ValidationError):
            validate_number_pattern(bad)


def test_agency_settings_changed_after_a_certificate_are_on_the_next_one(course, holder):
    """The issuing task reads the agency settings from the cache; a save forgets them."""
    first = certificate_issue(enrolment_id=complete(holder, course).pk)
    agency = AgencySettings.for_site(course.get_site())
    agency.signer_name = "Penandatangan Pengganti"
    agency.save()

    second = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)

    assert first.signer_name != "Penandatangan Pengganti"
    assert second.signer_name == "Penandatangan Pengganti"


def test_a_new_default_site_s_settings_are_on_the_next_certificate(course, holder):
    from wagtail.models import Site

    old = Site.objects.get(is_default_site=True)
    new = Site.objects.create(hostname="diklat.bontangkota.go.id", root_page=old.root_page)
    # Written without signals, so only the change of default site can make it current.
    AgencySettings.objects.bulk_create(
        [AgencySettings(site=new, agency_name="BKPSDM Situs Baru", signer_name="Penanda Baru")]
    )
    before = certificate_issue(enrolment_id=complete(holder, course).pk)  # cached: old site

    old.is_default_site = False
    old.save()
    new.is_default_site = True
    new.save()
    after = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)

    assert before.agency_name != "BKPSDM Situs Baru"
    assert (after.agency_name, after.signer_name) == ("BKPSDM Situs Baru", "Penanda Baru")


def test_issuing_reads_neither_the_site_nor_the_agency_settings_once_cached(course, holder):
    enrolments = iter(
        [complete(holder, course)] + [complete(UserFactory(), course) for _ in range(7)]
    )

    def issue_the_next():
        certificate = certificate_issue(enrolment_id=next(enrolments).pk)
        assert certificate is not None and certificate.status == Certificate.Status.ISSUED

    def three_more():
        for _ in range(3):
            issue_the_next()

    # Constant per certificate (bench/NOTES.md: 19 on PostgreSQL outside a test's own
    # transaction); 15 is the count here, with savepoints instead of BEGIN/COMMIT, plus 4
    # for the automatic PAdES signature (its transaction, the row lock, the update) and 3
    # for the STTP content (the final score, the lessons and a classroom batch's sessions).
    assert_constant_queries(issue_the_next, grow=three_more, limit=22)
    tables = " ".join(captured(issue_the_next)[1])
    assert "wagtailcore_site" not in tables
    assert "competencies_agencysettings" not in tables
