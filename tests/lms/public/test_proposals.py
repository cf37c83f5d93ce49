from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

import pytest

from accounts.models import Notification, NotificationKind
from accounts.notifications import notice_render
from accounts.roles import Role
from competencies.models import HRScope
from lms.models import TrainingNeedProposal, TrainingNeedSupport
from lms.selectors.proposals import proposal_summary
from lms.services.proposals import proposal_answer, proposal_create, proposal_support
from tests.factories.accounts import UserFactory
from tests.factories.competencies import CompetencyFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def hr(db):
    return UserFactory(roles=[Role.PENGELOLA_SDM])


def test_proposal_create_records_the_proposers_unit(proposal, unit):
    assert proposal.unit == unit
    assert proposal.status == TrainingNeedProposal.Status.OPEN


def test_one_vote_per_person_and_a_second_vote_is_a_no_op(proposal):
    colleague = UserFactory()

    assert proposal_support(proposal=proposal, user=colleague) is True
    assert proposal_support(proposal=proposal, user=colleague) is False

    assert TrainingNeedSupport.objects.filter(proposal=proposal).count() == 1


def test_the_database_refuses_a_second_vote(proposal):
    colleague = UserFactory()
    TrainingNeedSupport.objects.create(proposal=proposal, user=colleague)

    with pytest.raises(IntegrityError), transaction.atomic():
        TrainingNeedSupport.objects.create(proposal=proposal, user=colleague)


def test_double_click_on_support_counts_once(client, proposal):
    colleague = UserFactory()
    client.force_login(colleague)
    url = reverse("proposals:support", args=[proposal.pk])

    client.post(url)
    response = client.post(url, follow=True)

    assert response.status_code == 200
    assert TrainingNeedSupport.objects.filter(proposal=proposal).count() == 1
    assert "1" in response.content.decode()


def test_the_proposer_cannot_support_their_own_proposal(proposal, proposer):
    with pytest.raises(ValidationError):
        proposal_support(proposal=proposal, user=proposer)


def test_status_change_notifies_the_proposer_and_the_supporters(proposal, proposer, hr, course):
    supporter = UserFactory()
    proposal_support(proposal=proposal, user=supporter)

    proposal_answer(
        proposal=proposal,
        actor=hr,
        status=TrainingNeedProposal.Status.PLANNED,
        planned_course=course,
        response="Dijadwalkan triwulan III.",
    )

    notice = Notification.objects.get(user=proposer, kind=NotificationKind.PROPOSAL_ANSWERED)
    assert notice.url == reverse("proposals:detail", args=[proposal.pk])
    rendered = notice_render(notice, language="en")
    assert "Analisis data dengan spreadsheet" in rendered.title
    assert course.title in rendered.body
    assert Notification.objects.filter(
        user=supporter, kind=NotificationKind.PROPOSAL_ANSWERED
    ).exists()
    proposal.refresh_from_db()
    assert proposal.planned_course == course and proposal.decided_by == hr


def test_an_unchanged_status_sends_no_second_notice(proposal, proposer, hr):
    for _ in range(2):
        proposal_answer(
            proposal=proposal, actor=hr, status=TrainingNeedProposal.Status.UNDER_REVIEW
        )

    assert Notification.objects.filter(user=proposer).count() == 1


def test_declining_needs_a_reason_and_planning_needs_a_course(proposal, hr):
    with pytest.raises(ValidationError):
        proposal_answer(proposal=proposal, actor=hr, status=TrainingNeedProposal.Status.DECLINED)
    with pytest.raises(ValidationError):
        proposal_answer(proposal=proposal, actor=hr, status=TrainingNeedProposal.Status.PLANNED)


def test_hr_outside_the_proposers_unit_cannot_answer(proposal, hr):
    HRScope.objects.create(user=hr, unit=OrgUnitFactory(code="LAIN"))

    with pytest.raises(PermissionDenied):
        proposal_answer(proposal=proposal, actor=hr, status=TrainingNeedProposal.Status.DECLINED)


def test_an_employee_cannot_answer(proposal):
    with pytest.raises(PermissionDenied):
        proposal_answer(
            proposal=proposal, actor=UserFactory(), status=TrainingNeedProposal.Status.DECLINED
        )


def test_answered_proposals_take_no_more_support(proposal, hr):
    proposal_answer(
        proposal=proposal, actor=hr, status=TrainingNeedProposal.Status.DECLINED, response="Tidak."
    )
    proposal.refresh_from_db()

    with pytest.raises(ValidationError):
        proposal_support(proposal=proposal, user=UserFactory())


def test_proposal_summary_groups_open_proposals_by_competency(proposal, proposer, unit, hr):
    other = proposal_create(
        user=proposer, topic="Visualisasi data", reason="Dasbor.", competency=proposal.competency
    )
    for _ in range(2):
        proposal_support(proposal=other, user=UserFactory())
    declined = proposal_create(
        user=proposer, topic="Lama", reason="-", competency=CompetencyFactory(code="T.X")
    )
    proposal_answer(
        proposal=declined, actor=hr, status=TrainingNeedProposal.Status.DECLINED, response="Tidak."
    )

    [group] = proposal_summary()

    assert group.competency == proposal.competency
    assert [p.topic for p in group.proposals] == ["Visualisasi data", proposal.topic]
    assert group.vote_count == 2 and group.proposal_count == 2
    assert proposal_summary(unit_ids=[unit.pk])[0].proposal_count == 2
    assert proposal_summary(unit_ids=[]) == []


def test_signed_in_employee_proposes_through_the_form(client, proposer, competency):
    client.force_login(proposer)

    response = client.post(
        reverse("proposals:new"),
        {"topic": "Menulis naskah dinas", "competency": competency.pk, "reason": "Perlu."},
    )

    proposal = TrainingNeedProposal.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("proposals:detail", args=[proposal.pk])
    listing = client.get(reverse("proposals:list")).content.decode()
    assert "Menulis naskah dinas" in listing


def test_answers_are_visible_to_every_signed_in_employee(client, proposal, hr):
    proposal_answer(
        proposal=proposal,
        actor=hr,
        status=TrainingNeedProposal.Status.DECLINED,
        response="Sudah tersedia kursus serupa.",
    )
    client.force_login(UserFactory())

    html = client.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()

    assert "Sudah tersedia kursus serupa." in html


def test_hr_answers_in_the_admin(client, proposal, proposer):
    admin = UserFactory(roles=[Role.ADMINISTRATOR])
    client.force_login(admin)

    index = client.get("/admin/usulan-kebutuhan/")
    assert index.status_code == 200
    assert proposal.topic in index.content.decode()
    form = client.get(f"/admin/usulan-kebutuhan/edit/{proposal.pk}/")
    assert form.status_code == 200
    assert 'name="planned_course"' in form.content.decode()
    response = client.post(
        f"/admin/usulan-kebutuhan/edit/{proposal.pk}/",
        {"status": "declined", "response": "Belum menjadi prioritas.", "notify_supporters": "on"},
    )

    assert response.status_code == 302, response.content.decode()[:2000]
    proposal.refresh_from_db()
    assert proposal.status == TrainingNeedProposal.Status.DECLINED
    assert Notification.objects.filter(user=proposer).exists()


def test_scoped_hr_does_not_see_other_units_proposals_in_the_admin(client, proposal):
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=OrgUnitFactory(code="LAIN"))
    client.force_login(hr)

    assert proposal.topic not in client.get("/admin/usulan-kebutuhan/").content.decode()
    assert client.get(f"/admin/usulan-kebutuhan/edit/{proposal.pk}/").status_code == 404
