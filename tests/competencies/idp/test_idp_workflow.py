"""The IDP workflow and its permissions (docs/idp.md): a draft prefilled from the gaps,
activities with their checks, draft → proposed → agreed with both agreements, back to
draft on change; only the employee, their supervisor chain and HR in scope."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

import pytest

from competencies.models import Idp, IdpActivity, IdpGoal
from competencies.selectors.idp import idp_agreed_goal_counts, idp_get_for_user, idp_statuses
from competencies.services.idp import (
    idp_activity_add,
    idp_agree,
    idp_create,
    idp_goal_add,
    idp_propose,
    idp_reopen,
)

pytestmark = pytest.mark.django_db


def _plan_with_activity(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    for goal in idp.goals.all():
        idp_activity_add(
            actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.ON_THE_JOB,
            description="Menyusun laporan", target_date=datetime.date(line.year, 11, 30),
            expected_jp=Decimal(0),
        )  # fmt: skip
    return Idp.objects.get(pk=idp.pk)


def test_idp_create_prefills_goals_from_the_gaps(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    goals = list(idp.goals.all())
    # Below standard in c1 (1 of 3, assessed) and in c2 (not assessed: 0 of 3).
    assert {g.competency for g in goals} == {line.c1, line.c2}
    c1 = next(g for g in goals if g.competency == line.c1)
    assert (c1.required_level, c1.current_level) == (3, 1)
    assert idp.status == Idp.Status.DRAFT


def test_idp_create_twice_returns_the_same_plan(line):
    first = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    second = idp_create(actor=line.supervisor.user, employee=line.employee, year=line.year)
    assert first.pk == second.pk
    assert IdpGoal.objects.filter(idp=first).count() == 2


def test_idp_create_rejects_a_year_far_away(line):
    with pytest.raises(ValidationError, match="last year, this year or next year"):
        idp_create(actor=line.employee.user, employee=line.employee, year=line.year + 5)
    assert not Idp.objects.exists()


@pytest.mark.parametrize("who", ["employee", "supervisor", "head", "hr"])
def test_idp_access_for_the_employee_the_chain_and_scoped_hr(line, who):
    actor = line.hr if who == "hr" else getattr(line, who).user
    idp = idp_create(actor=actor, employee=line.employee, year=line.year)
    assert idp_get_for_user(user=actor, pk=idp.pk) == idp


@pytest.mark.parametrize("who", ["stranger", "coach", "other_hr"])
def test_idp_refused_to_others(line, who):
    actor = line.other_hr if who == "other_hr" else getattr(line, who).user
    with pytest.raises(PermissionDenied):
        idp_create(actor=actor, employee=line.employee, year=line.year)
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    with pytest.raises(Http404):
        idp_get_for_user(user=actor, pk=idp.pk)
    with pytest.raises(PermissionDenied):
        idp_goal_add(actor=actor, idp=idp, title="Sesuatu")


def test_idp_agreed_by_both_records_who_and_when(line):
    idp = _plan_with_activity(line)
    idp = idp_propose(actor=line.employee.user, idp=idp)
    assert idp.status == Idp.Status.PROPOSED
    assert idp.employee_agreed_by == line.employee.user and idp.employee_agreed_at
    assert idp.supervisor_agreed_by is None
    idp = idp_agree(actor=line.supervisor.user, idp=idp)
    assert idp.status == Idp.Status.AGREED
    assert idp.supervisor_agreed_by == line.supervisor.user and idp.supervisor_agreed_at
    assert idp_agreed_goal_counts(year=line.year) == {line.c1.pk: 1, line.c2.pk: 1}
    assert idp_agreed_goal_counts(year=line.year, unit_ids=[line.lain.pk]) == {}
    assert idp_agreed_goal_counts(year=line.year, unit_ids=[line.dinas.pk]) == {
        line.c1.pk: 1, line.c2.pk: 1,
    }  # fmt: skip
    assert idp_statuses(employee_ids=[line.employee.pk], year=line.year) == {
        line.employee.pk: Idp.Status.AGREED
    }


def test_idp_agree_by_the_higher_supervisor_counts_for_the_supervisor(line):
    idp = idp_propose(actor=line.employee.user, idp=_plan_with_activity(line))
    idp = idp_agree(actor=line.head.user, idp=idp)
    assert idp.status == Idp.Status.AGREED


def test_idp_hr_cannot_agree_for_either(line):
    idp = idp_propose(actor=line.supervisor.user, idp=_plan_with_activity(line))
    with pytest.raises(PermissionDenied):
        idp_agree(actor=line.hr, idp=idp)
    with pytest.raises(PermissionDenied):
        idp_propose(actor=line.hr, idp=idp_reopen(actor=line.hr, idp=idp))


def test_idp_propose_needs_an_activity_per_goal(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    with pytest.raises(ValidationError, match="at least one activity"):
        idp_propose(actor=line.employee.user, idp=idp)
    assert Idp.objects.get(pk=idp.pk).status == Idp.Status.DRAFT


def test_idp_change_after_agreement_goes_back_to_draft(line):
    idp = idp_propose(actor=line.employee.user, idp=_plan_with_activity(line))
    idp = idp_agree(actor=line.supervisor.user, idp=idp)
    goal = idp.goals.first()
    idp_activity_add(
        actor=line.supervisor.user, goal=goal, kind=IdpActivity.Kind.SELF_STUDY,
        target_date=datetime.date(line.year, 6, 30), expected_jp=Decimal(4),
    )  # fmt: skip
    idp.refresh_from_db()
    assert idp.status == Idp.Status.DRAFT
    assert idp.employee_agreed_by is None and idp.supervisor_agreed_by is None
    assert idp_agreed_goal_counts(year=line.year) == {}


def test_idp_agree_twice_changes_nothing(line):
    idp = idp_propose(actor=line.employee.user, idp=_plan_with_activity(line))
    agreed = idp_agree(actor=line.supervisor.user, idp=idp)
    again = idp_agree(actor=line.supervisor.user, idp=agreed)
    assert again.supervisor_agreed_at == agreed.supervisor_agreed_at


# BAD INPUT ------------------------------------------------------------------------------


def test_idp_activity_target_date_outside_the_year(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    with pytest.raises(ValidationError) as exc:
        idp_activity_add(
            actor=line.employee.user, goal=idp.goals.first(), kind=IdpActivity.Kind.ON_THE_JOB,
            target_date=datetime.date(line.year + 1, 1, 15), expected_jp=Decimal(0),
        )  # fmt: skip
    assert "must fall in" in str(exc.value.message_dict["target_date"])
    assert not IdpActivity.objects.exists()


def test_idp_activity_jp_over_the_coaching_cap(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    # Coaching: 2 JP a session, at most 4 JP a month: by the end of March at most 12 JP.
    with pytest.raises(ValidationError) as exc:
        idp_activity_add(
            actor=line.employee.user, goal=idp.goals.first(), kind=IdpActivity.Kind.COACHING,
            coach=line.supervisor, target_date=datetime.date(line.year, 3, 31),
            expected_jp=Decimal(14),
        )  # fmt: skip
    assert "At most 12 JP" in str(exc.value.message_dict["expected_jp"])
    assert not IdpActivity.objects.exists()
    idp_activity_add(
        actor=line.employee.user, goal=idp.goals.first(), kind=IdpActivity.Kind.COACHING,
        coach=line.supervisor, target_date=datetime.date(line.year, 3, 31),
        expected_jp=Decimal(12),
    )  # fmt: skip


def test_idp_activity_course_that_no_longer_exists(line, home_page):
    from tests.factories.lms import CoursePageFactory

    course = CoursePageFactory(parent=home_page)
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    goal = idp.goals.first()
    kwargs = dict(
        actor=line.employee.user, goal=goal, kind=IdpActivity.Kind.COURSE,
        target_date=datetime.date(line.year, 9, 1), expected_jp=Decimal(10),
    )  # fmt: skip
    activity = idp_activity_add(target_id=course.pk, **kwargs)
    assert activity.target_title == course.title and activity.course_id == course.pk
    course_id = course.pk
    course.delete()
    with pytest.raises(ValidationError) as exc:
        idp_activity_add(target_id=course_id, **kwargs)
    assert "no longer in the catalogue" in str(exc.value.message_dict["target"])
    assert IdpActivity.objects.count() == 1
    # The planned activity keeps its title after the course is gone.
    activity.refresh_from_db()
    assert activity.course_id is None and activity.title == activity.target_title


def test_idp_activity_coaching_needs_a_coach(line):
    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    with pytest.raises(ValidationError) as exc:
        idp_activity_add(
            actor=line.employee.user, goal=idp.goals.first(), kind=IdpActivity.Kind.MENTORING,
            target_date=datetime.date(line.year, 6, 1), expected_jp=Decimal(2),
        )  # fmt: skip
    assert "coach" in exc.value.message_dict


def test_idp_changes_are_in_the_audit_trail(line):
    from wagtail.models import ModelLogEntry

    idp = idp_create(actor=line.employee.user, employee=line.employee, year=line.year)
    idp_activity_add(
        actor=line.hr, goal=idp.goals.first(), kind=IdpActivity.Kind.SELF_STUDY,
        target_date=datetime.date(line.year, 6, 30), expected_jp=Decimal(2),
    )  # fmt: skip
    entry = ModelLogEntry.objects.filter(object_id=str(idp.pk), user=line.hr).get()
    assert "Activity added" in entry.data["note"]


def test_the_agencys_plan_weighs_the_agreed_idp_goals(line):
    """Issue 18 §3: the yearly plan is built from the agreed IDPs too."""
    from competencies.selectors.development_plan import plan_candidates

    before = plan_candidates(year=line.year, lms_sources={})
    assert before and all(c.idp_goals == 0 for c in before)

    idp = idp_propose(actor=line.employee.user, idp=_plan_with_activity(line))
    idp_agree(actor=line.supervisor.user, idp=idp)

    after = {c.competency.pk: c.idp_goals for c in plan_candidates(year=line.year, lms_sources={})}
    assert after[line.c1.pk] == 1 and after[line.c2.pk] == 1
