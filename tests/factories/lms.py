"""The smallest valid lms objects. Pages need a parent (parent=<page>); a certificate needs
its enrolment (enrolment=<enrolment>). Each factory is proved to build a valid saved row
in tests/factories/test_factories.py."""

from __future__ import annotations

import datetime

from django.utils import timezone

import factory
import wagtail_factories

from lms.models import (
    Assignment,
    AssignmentRule,
    Batch,
    Certificate,
    Choice,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    Question,
    QuizPage,
    Session,
    Trainer,
    TrainingNeedProposal,
    TrainingNeedSupport,
)
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory


class CourseIndexPageFactory(wagtail_factories.PageFactory):
    title = "Katalog Pelatihan"
    slug = "katalog"

    class Meta:
        model = CourseIndexPage


class CoursePageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Kursus {n}")
    summary = "Ringkasan kursus."
    evaluation_required = False

    class Meta:
        model = CoursePage


class LessonPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Pelajaran {n}")

    class Meta:
        model = LessonPage


class QuizPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"Kuis {n}")
    max_attempts = 3
    shuffle_options = False

    class Meta:
        model = QuizPage


class QuestionFactory(factory.django.DjangoModelFactory):
    prompt = factory.Sequence(lambda n: f"Pertanyaan {n}?")
    kind = Question.Kind.SINGLE

    class Meta:
        model = Question


class ChoiceFactory(factory.django.DjangoModelFactory):
    text = factory.Sequence(lambda n: f"Pilihan {n}")

    class Meta:
        model = Choice


class EnrolmentFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    course_title = factory.LazyAttribute(lambda o: o.course.title)
    status = Enrolment.Status.ACTIVE
    source = Enrolment.Source.SELF

    class Meta:
        model = Enrolment


class CertificateFactory(factory.django.DjangoModelFactory):
    """A pending certificate of `enrolment` (required); issued=True gives an issued one
    with a number, as `certificate_issue` leaves it before its PDF."""

    class Meta:
        model = Certificate

    user = factory.LazyAttribute(lambda o: o.enrolment.user)
    course_title = factory.LazyAttribute(lambda o: o.enrolment.course_title)

    class Params:
        issued = factory.Trait(
            status=Certificate.Status.ISSUED,
            number=factory.Sequence(lambda n: f"UJI/{n:05d}/2026"),
            issued_at=factory.LazyFunction(timezone.now),
            issued_on=factory.LazyFunction(timezone.localdate),
        )


class AssignmentRuleFactory(factory.django.DjangoModelFactory):
    """A saved rule over the whole organisation; pass unit=, golongan=, ... to narrow it."""

    class Meta:
        model = AssignmentRule

    name = factory.Sequence(lambda n: f"Aturan {n}")


class AssignmentFactory(factory.django.DjangoModelFactory):
    """An assignment of `course` (required) to individual employees, due 30 days after
    each is added. Recipients are not made here: `assignment_create` decides them. Its
    creator has no role, so no extra HR manager appears in notices or scopes."""

    class Meta:
        model = Assignment

    course_title = factory.LazyAttribute(lambda o: o.course.title)
    target_type = Assignment.Target.EMPLOYEES
    due_days = 30
    created_by = factory.SubFactory(UserFactory)


class TrainingNeedProposalFactory(factory.django.DjangoModelFactory):
    """An open training-need proposal by a new user for a new competency."""

    class Meta:
        model = TrainingNeedProposal

    topic = factory.Sequence(lambda n: f"Usulan pelatihan {n}")
    reason = "Dibutuhkan untuk pelayanan."
    competency = factory.SubFactory(CompetencyFactory)
    proposed_by = factory.SubFactory(UserFactory)


class TrainingNeedSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TrainingNeedSupport

    proposal = factory.SubFactory(TrainingNeedProposalFactory)
    user = factory.SubFactory(UserFactory)


def choice_question(
    *, course, correct: str = "Benar", wrong: tuple[str, ...] = ("Salah",), **kwargs
):
    """A single-choice question with one correct option."""
    question = QuestionFactory(course=course, **kwargs)
    ChoiceFactory(question=question, text=correct, is_correct=True, sort_order=0)
    for i, text in enumerate(wrong, start=1):
        ChoiceFactory(question=question, text=text, is_correct=False, sort_order=i)
    return question


class BatchFactory(factory.django.DjangoModelFactory):
    """An open batch taking nominations today (pass course=<CoursePage>), organised by a
    new unit; add its timetable with SessionFactory."""

    class Meta:
        model = Batch

    number = factory.Sequence(lambda n: f"Angkatan {n + 1}")
    unit = factory.SubFactory("tests.factories.competencies.OrgUnitFactory")
    starts_on = factory.LazyFunction(timezone.localdate)
    ends_on = factory.LazyFunction(timezone.localdate)
    registration_opens_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=7)
    )
    registration_closes_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=7)
    )
    mode = Batch.Mode.KLASIKAL
    venue = "Aula BKPSDM"
    quota_total = 10
    status = Batch.Status.OPEN


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Session

    batch = factory.SubFactory(BatchFactory)
    date = factory.LazyFunction(timezone.localdate)
    start_time = datetime.time(8, 0)
    end_time = datetime.time(9, 30)
    topic = factory.Sequence(lambda n: f"Materi {n}")
    room = "Ruang 1"
    jp = 2


class TrainerFactory(factory.django.DjangoModelFactory):
    """An external speaker (narasumber); pass kind/employee for an internal one."""

    class Meta:
        model = Trainer

    kind = Trainer.Kind.EXTERNAL
    name = factory.Sequence(lambda n: f"Narasumber {n}")
    institution = "Universitas Mulawarman"
