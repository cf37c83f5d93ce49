"""Object-level access (IDOR) cases: a URL that shows or changes one record, requested by
its owner, by another learner, by anonymous visitors and by the roles that may see
everyone's records. tests/security/test_object_access.py runs every case.

To add a case when a feature adds such a URL, append to CASES, e.g. for a quiz attempt:

    ObjectAccessCase(
        id="lms-attempt",
        url_name="lms:attempt",
        make=lambda owner: QuizAttemptFactory(enrolment__user=owner),
        kwargs=lambda attempt: {"attempt_uuid": attempt.uuid},
        other_learner=NOT_FOUND,          # 404 hides that the record exists
        roles={Role.PELATIH: OK},         # the course's trainer may look
    )

`make` receives the owner (a Peserta) and returns the record; `kwargs` turns the record
into the URL's kwargs. Prefer NOT_FOUND for strangers (the view looks the record up
through a *_get_for_user selector that filters by the user); DENIED is acceptable."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import ContentFile

from accounts.roles import Role
from tests.security.url_expectations import LOGIN, NOT_FOUND, OK, Outcome


@dataclass(frozen=True)
class ObjectAccessCase:
    id: str
    url_name: str
    make: Callable[[Any], Any]
    kwargs: Callable[[Any], dict[str, Any]] = lambda obj: {}
    args: Callable[[Any], tuple[Any, ...]] = lambda obj: ()
    owner: Outcome = OK
    other_learner: Outcome = NOT_FOUND
    anonymous: Outcome = LOGIN
    roles: dict[str, Outcome] = field(default_factory=dict)


def _document_in_signed_in_collection(owner):
    """A Wagtail document in a collection restricted to signed-in people: the first real
    object-level rule in the portal (course material is not public)."""
    from wagtail.documents.models import Document
    from wagtail.models import Collection, CollectionViewRestriction

    collection = Collection.get_first_root_node().add_child(name="Materi kursus")
    CollectionViewRestriction.objects.create(
        collection=collection, restriction_type=CollectionViewRestriction.LOGIN
    )
    return Document.objects.create(
        title="Materi",
        collection=collection,
        uploaded_by_user=owner,
        file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="materi.pdf"),
    )


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def course_with_quiz(*, trainer=None):
    """A published course (in a fresh catalogue) with one quiz of one question."""
    import uuid

    from lms.demo.seed import _demo_site
    from tests.factories.lms import (
        CourseIndexPageFactory,
        CoursePageFactory,
        QuizPageFactory,
        choice_question,
    )

    index = CourseIndexPageFactory(
        parent=_demo_site().root_page.specific, slug=f"katalog-{uuid.uuid4().hex[:8]}"
    )
    course = CoursePageFactory(
        parent=index, title="Kursus IDOR", certificate_enabled=True, owner=trainer
    )
    if trainer is not None:
        course.trainers.add(trainer)
        course.save()  # trainers is a parental many-to-many: saved with the page
    quiz = QuizPageFactory(parent=course, title="Kuis", pass_mark_percent=50)
    choice_question(course=course, prompt="Soal?")
    return course, quiz


def quiz_attempt(owner, *, trainer=None):
    """An attempt of `owner` at a quiz (the owner enrolled in its course)."""
    from lms.services.enrolments import enrolment_create
    from lms.services.quizzes import quiz_attempt_start

    course, quiz = course_with_quiz(trainer=trainer)
    enrolment_create(user=owner, course=course)
    return quiz_attempt_start(user=owner, quiz=quiz)


def issued_certificate(owner, *, unit=None, supervisor=None):
    """An issued certificate of `owner` (an employee of `unit`) for a completed course."""
    from django.utils import timezone

    from lms.models import Enrolment
    from lms.services.certificates import certificate_issue
    from tests.factories.competencies import EmployeeFactory
    from tests.factories.lms import EnrolmentFactory

    extra = {"unit": unit} if unit is not None else {}
    EmployeeFactory(user=owner, supervisor=supervisor, **extra)
    course, _quiz = course_with_quiz()
    enrolment = EnrolmentFactory(
        user=owner,
        course=course,
        status=Enrolment.Status.COMPLETED,
        completed_at=timezone.now(),
        progress_percent=100,
    )
    return certificate_issue(enrolment_id=enrolment.pk)


def training_record_with_proof(owner, *, unit=None, supervisor=None):
    """An external training record with a proof file, submitted by `owner`."""
    import datetime
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from competencies.services.records import training_record_submit
    from competencies.siasn import DevelopmentType
    from tests.factories.competencies import EmployeeFactory

    extra = {"unit": unit} if unit is not None else {}
    employee = EmployeeFactory(user=owner, supervisor=supervisor, **extra)
    finished = datetime.date(2026, 3, 10)
    return training_record_submit(
        actor=owner,
        employee=employee,
        title="Bimtek Standar Pelayanan",
        organiser="BPSDM Provinsi Kalimantan Timur",
        development_type=DevelopmentType.BIMBINGAN_TEKNIS,
        started_on=finished - datetime.timedelta(days=2),
        finished_on=finished,
        jp=Decimal("8"),
        proof=SimpleUploadedFile("sertifikat.pdf", PDF),
    )


def development_plan(owner, *, unit=None, supervisor=None):
    """This year's development plan of `owner` (docs/idp.md)."""
    from django.utils import timezone

    from competencies.services.idp import idp_create
    from tests.factories.competencies import EmployeeFactory

    extra = {"unit": unit} if unit is not None else {}
    employee = EmployeeFactory(user=owner, supervisor=supervisor, **extra)
    return idp_create(actor=owner, employee=employee, year=timezone.localdate().year)


# A plan opens for the employee, their supervisor chain and HR in scope (HR without a
# scope sees the whole agency); an Atasan who is not in the chain and a Pelatih get 404.
_IDP_ROLES = {
    Role.ATASAN: NOT_FOUND,
    Role.PELATIH: NOT_FOUND,
    Role.PENGELOLA_SDM: OK,
    Role.ADMINISTRATOR: OK,
}

CASES: list[ObjectAccessCase] = [
    ObjectAccessCase(
        id="idp-detail",
        url_name="idp:detail",
        make=development_plan,
        kwargs=lambda idp: {"pk": idp.pk},
        roles=_IDP_ROLES,
    ),
    ObjectAccessCase(
        id="idp-employee-plans",
        url_name="idp:employee",
        make=development_plan,
        kwargs=lambda idp: {"employee_id": idp.employee_id},
        roles=_IDP_ROLES,
    ),
    ObjectAccessCase(
        id="idp-activity-add",
        url_name="idp:activity_add",
        make=lambda owner: development_plan(owner).goals.create(title="Sasaran"),
        kwargs=lambda goal: {"goal_id": goal.pk},
        roles=_IDP_ROLES,
    ),
    ObjectAccessCase(
        id="wagtail-document-in-restricted-collection",
        url_name="wagtaildocs_serve",
        make=_document_in_signed_in_collection,
        args=lambda document: (document.pk, document.filename),
        other_learner=OK,  # any signed-in employee may read course material
    ),
    ObjectAccessCase(
        id="lms-quiz-attempt",
        url_name="lms:attempt",
        make=quiz_attempt,
        kwargs=lambda attempt: {"attempt_uuid": attempt.uuid},
        # Only the course's own trainer may look (tests/security/test_object_access_same_role.py);
        # a trainer of other courses and HR may not.
        roles={Role.PELATIH: NOT_FOUND, Role.PENGELOLA_SDM: NOT_FOUND, Role.ADMINISTRATOR: OK},
    ),
    ObjectAccessCase(
        id="lms-certificate-pdf-download",
        url_name="lms:certificate_download",
        make=issued_certificate,
        kwargs=lambda certificate: {"code": certificate.code},
        # Atasan: not this holder's supervisor. HR without a scope sees the whole agency.
        roles={
            Role.ATASAN: NOT_FOUND,
            Role.PELATIH: NOT_FOUND,
            Role.PENGELOLA_SDM: OK,
            Role.ADMINISTRATOR: OK,
        },
    ),
    ObjectAccessCase(
        id="competencies-training-record-proof",
        url_name="competencies:record_proof",
        make=training_record_with_proof,
        kwargs=lambda record: {"pk": record.pk},
        roles={Role.ATASAN: NOT_FOUND, Role.PELATIH: NOT_FOUND, Role.PENGELOLA_SDM: OK},
    ),
]
