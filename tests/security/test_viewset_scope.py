"""Every URL of every registered Wagtail viewset (index, results, add, edit, delete, copy,
inspect, history, history results, usage and the viewset's own extra views), and every
admin report, requested by someone who must not see a given object:

- an HR manager scoped to one unit (DINKES) against the records of a person in another
  unit (DISDIK): the object views answer 403, 404 or "back to the admin home", and no
  answer shows the person's name, NIP or competency level;
- a trainer without courses against another trainer's question: no URL shows the
  question, its options or its explanation.

The viewsets are read from Wagtail's own registry, so a new viewset (or a new view that
Wagtail adds to ModelViewSet) is checked without anyone remembering to list it; a viewset
whose model has no out-of-scope sample below fails test_every_viewset_has_a_sample.
docs/testing.md, "Permission matrix"; docs/security.md, "Page privacy and Wagtail's
built-in views"."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from wagtail.admin.viewsets import viewsets as viewset_registry
from wagtail.admin.viewsets.model import ModelViewSet

import pytest

from accounts.roles import Role
from competencies.models import Assessment, HRScope, JpConversionRule
from competencies.services.assessments import assessment_create
from lms.services.authoring import course_authoring_setup
from tests.factories.accounts import UserFactory
from tests.factories.competencies import (
    CompetencyFactory,
    EmployeeFactory,
    OrgUnitFactory,
    PositionFactory,
)
from tests.factories.lms import choice_question
from tests.security.object_access import (
    course_with_quiz,
    issued_certificate,
    training_record_with_proof,
)

pytestmark = pytest.mark.django_db

SECRET_NAME = "Rahmawati Luarcakupan"
SECRET_LEVEL_CODE = "RAHASIA.01"
QUESTION_PROMPT = "Soal-rahasia-pelatih-lain?"
QUESTION_ANSWER = "Jawaban-benar-rahasia"
QUESTION_EXPLANATION = "Penjelasan-rahasia"


def _is_refused(response) -> bool:
    if response.status_code in (403, 404):
        return True
    if response.status_code in (301, 302):
        return urlsplit(response["Location"]).path in ("/admin/", "/accounts/login/")
    return False


@dataclass
class World:
    hr: Any  # scoped to DINKES
    trainer: Any  # teaches no course
    outsider: Any  # the DISDIK employee
    objects: dict[str, Any]  # viewset model label -> an object the visitor must not reach


# Models whose objects are shared by every unit (the dictionary, positions): their edit
# page may open for a scoped HR manager, but must not show anyone outside the scope.
SHARED = {
    "competencies.competency",
    "competencies.position",
    "lms.trainer",
    "lms.fundingpattern",
    "competencies.jpconversionrule",  # the agency's JP conversion table (seeded)
}


def _world() -> World:
    from lms.models import TrainingNeedProposal

    dinkes = OrgUnitFactory(name="Dinas Kesehatan")
    disdik = OrgUnitFactory(name="Dinas Pendidikan")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=dinkes)
    unscoped_hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    position = PositionFactory(name="Jabatan tunggal DISDIK", unit=disdik)
    competency = CompetencyFactory(code=SECRET_LEVEL_CODE, name_id="Kompetensi uji lingkup")

    owner = UserFactory(roles=[Role.PESERTA], first_name="Rahmawati", last_name="Luarcakupan")
    record = training_record_with_proof(owner, unit=disdik)
    outsider = record.employee
    outsider.position = position
    outsider.save()
    assessment = assessment_create(
        actor=unscoped_hr,
        employee=outsider,
        competency=competency,
        level=4,
        method=Assessment.Method.TEST,
        submit=True,
    )
    certificate = issued_certificate(
        UserFactory(roles=[Role.PESERTA], first_name="Rahmawati", last_name="Luarcakupan"),
        unit=disdik,
    )
    proposal = TrainingNeedProposal.objects.create(
        topic=f"Usulan {SECRET_NAME}",
        reason="Alasan",
        competency=competency,
        proposed_by=owner,
        unit=disdik,
    )
    other_scope = HRScope.objects.create(user=UserFactory(roles=[Role.PENGELOLA_SDM]), unit=disdik)
    # A colleague in scope, so that the scoped listings are not empty.
    EmployeeFactory(unit=dinkes, full_name="Pegawai Dalam Lingkup")

    course, _quiz = course_with_quiz(trainer=UserFactory(roles=[Role.PELATIH]))
    # Trainers' permissions as seed_demo gives them (question bank, pages, media).
    course_authoring_setup(index=course.get_parent().specific)

    question = choice_question(course=course, prompt=QUESTION_PROMPT, correct=QUESTION_ANSWER)
    question.explanation = QUESTION_EXPLANATION
    question.save()

    from wagtail.models import Site

    from lms.models import FundingPattern, Trainer
    from tests.factories.lms import BatchFactory, SessionFactory

    classroom_session = SessionFactory(batch=BatchFactory(course=course, unit=disdik))
    trainer_profile = Trainer.objects.create(kind="external", name="Narasumber Uji")
    funding = FundingPattern.objects.create(name="APBD uji")

    return World(
        hr=hr,
        trainer=UserFactory(roles=[Role.PELATIH]),
        outsider=outsider,
        objects={
            "competencies.orgunit": disdik,
            "competencies.position": position,
            "competencies.employee": outsider,
            "competencies.hrscope": other_scope,
            "competencies.competency": competency,
            "competencies.assessment": assessment,
            "competencies.trainingrecord": record,
            "lms.question": question,
            "lms.certificate": certificate,
            "lms.trainingneedproposal": proposal,
            "lms.batch": classroom_session.batch,
            "lms.session": classroom_session,
            "lms.trainer": trainer_profile,
            "lms.fundingpattern": funding,
            "competencies.jpconversionrule": JpConversionRule.objects.order_by("pk").first(),
            "wagtailcore.site": Site.objects.get(is_default_site=True),
            "accounts.user": outsider.user,
            "auth.group": outsider.user.groups.first(),
        },
    )


def _model_viewsets() -> list[ModelViewSet]:
    get_resolver().url_patterns  # noqa: B018 - the admin URLconf populates the registry
    return [v for v in viewset_registry.viewsets if isinstance(v, ModelViewSet)]


def _label(viewset: ModelViewSet) -> str:
    return viewset.model._meta.label_lower


def _routes(patterns, prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _viewset_urls(viewset: ModelViewSet, obj) -> Iterator[tuple[str, str, bool]]:
    """(name, path, is_about_the_object) for each URL pattern of the viewset, filled with
    the object's pk; patterns with other parameters are filled with the same pk."""
    for _route, pattern in _routes(viewset.get_urlpatterns()):
        converters = pattern.pattern.converters
        kwargs = dict.fromkeys(converters, obj.pk)
        name = f"{viewset.url_namespace}:{pattern.name}"
        yield name, reverse(name, kwargs=kwargs or None), bool(converters)


def _report_urls() -> Iterator[str]:
    """Every parameterless URL of Wagtail's Reports (site history and its results, …)."""
    for route, pattern in _routes(get_resolver().url_patterns):
        if route.startswith("admin/reports/") and not pattern.pattern.converters:
            yield "/" + route


def _leaks(body: str, secrets: tuple[str, ...]) -> list[str]:
    return [secret for secret in secrets if secret and secret in body]


def test_every_viewset_has_a_sample():
    world_labels = {
        "competencies.orgunit",
        "competencies.position",
        "competencies.employee",
        "competencies.hrscope",
        "competencies.competency",
        "competencies.assessment",
        "competencies.trainingrecord",
        "lms.question",
        "lms.certificate",
        "lms.trainingneedproposal",
        "lms.batch",
        "lms.session",
        "lms.trainer",
        "lms.fundingpattern",
        "competencies.jpconversionrule",
        "wagtailcore.site",
        "accounts.user",
        "auth.group",
    }
    missing = sorted({_label(v) for v in _model_viewsets()} - world_labels)

    assert not missing, f"viewsets without an out-of-scope sample in {__name__}._world(): {missing}"


def _sweep(
    client: Client,
    world: World,
    *,
    secrets: tuple[str, ...],
    must_refuse: Callable[[str, bool], bool],
) -> list[str]:
    problems = []
    for viewset in _model_viewsets():
        label = _label(viewset)
        obj = world.objects[label]
        for name, path, about_object in _viewset_urls(viewset, obj):
            response = client.get(path)
            body = response.content.decode(errors="replace")
            if must_refuse(label, about_object) and not _is_refused(response):
                problems.append(f"{name} {path}: {response.status_code}, expected refused")
            if leaked := _leaks(body, secrets):
                problems.append(f"{name} {path}: {response.status_code} shows {leaked}")
    for path in _report_urls():
        body = client.get(path).content.decode(errors="replace")
        if leaked := _leaks(body, secrets):
            problems.append(f"report {path} shows {leaked}")
    return problems


def test_scoped_hr_manager_reaches_nothing_outside_the_scope_through_any_viewset(home_page):
    world = _world()
    client = Client()
    client.force_login(world.hr)
    secrets = (SECRET_NAME, world.outsider.user.nip, world.outsider.user.email)

    problems = _sweep(
        client,
        world,
        secrets=secrets,
        must_refuse=lambda label, about_object: about_object and label not in SHARED,
    )

    assert not problems, "\n".join(problems)


def test_trainer_without_courses_reaches_no_other_trainers_question(home_page):
    world = _world()
    client = Client()
    client.force_login(world.trainer)

    problems = _sweep(
        client,
        world,
        secrets=(QUESTION_PROMPT, QUESTION_ANSWER, QUESTION_EXPLANATION),
        must_refuse=lambda label, about_object: about_object and label == "lms.question",
    )

    assert not problems, "\n".join(problems)


def test_the_sweep_sees_what_an_unscoped_hr_manager_may_see(home_page):
    """The sweep can fail: an HR manager without a scope opens the same employee and
    assessment, and the name is on the page."""
    world = _world()
    client = Client()
    client.force_login(UserFactory(roles=[Role.PENGELOLA_SDM]))

    employee = client.get(reverse("competencies_employee:edit", args=[world.outsider.pk]))
    history = client.get(reverse("wagtailadmin_reports:site_history"))

    assert employee.status_code == 200
    assert SECRET_NAME in employee.content.decode()
    assert SECRET_NAME in history.content.decode()
