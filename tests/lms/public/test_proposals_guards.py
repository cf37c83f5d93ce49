"""Training-need proposals: a double-submitted proposal is created once, "only mine"
keeps the full vote counts, and every admin view of a proposal is HR-scoped."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from accounts.roles import Role
from competencies.models import HRScope
from lms.models import TrainingNeedProposal
from lms.selectors.proposals import proposal_list_for_user
from lms.services.proposals import proposal_create, proposal_support
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory

pytestmark = pytest.mark.django_db


def _token(response) -> str:
    match = re.search(r'name="submit_token" value="([^"]+)"', response.content.decode())
    assert match, "the form carries a one-time token"
    return match.group(1)


# Double submit -----------------------------------------------------------------------------


def test_a_double_submitted_proposal_is_created_once(client, proposer, competency):
    client.force_login(proposer)
    form = client.get(reverse("proposals:new"))
    html = form.content.decode()
    assert "js/submit-once.js" in html
    assert "<script>" not in html.replace("<script src", "")  # no inline script (CSP)
    data = {
        "topic": "Menulis naskah dinas",
        "competency": competency.pk,
        "reason": "Perlu.",
        "submit_token": _token(form),
    }

    first = client.post(reverse("proposals:new"), data)
    second = client.post(reverse("proposals:new"), data, follow=True)

    proposal = TrainingNeedProposal.objects.get()
    assert first["Location"] == reverse("proposals:detail", args=[proposal.pk])
    assert second.redirect_chain[-1][0] == first["Location"]
    assert "sudah dikirim" in second.content.decode()  # Indonesian by default


def test_each_new_form_makes_its_own_proposal(client, proposer, competency):
    client.force_login(proposer)
    for topic in ("Menulis naskah dinas", "Kearsipan digital"):
        token = _token(client.get(reverse("proposals:new")))
        client.post(
            reverse("proposals:new"),
            {"topic": topic, "competency": competency.pk, "reason": "-", "submit_token": token},
        )

    assert TrainingNeedProposal.objects.count() == 2


def test_an_invalid_form_does_not_use_up_its_token(client, proposer, competency):
    client.force_login(proposer)
    token = _token(client.get(reverse("proposals:new")))
    url = reverse("proposals:new")

    invalid = client.post(url, {"topic": "", "competency": competency.pk, "submit_token": token})
    valid = client.post(
        url, {"topic": "Naskah", "competency": competency.pk, "reason": "-", "submit_token": token}
    )

    assert invalid.status_code == 200
    assert valid.status_code == 302 and TrainingNeedProposal.objects.count() == 1


def test_another_user_cannot_reuse_a_token(client, proposer, competency, unit):
    client.force_login(proposer)
    token = _token(client.get(reverse("proposals:new")))
    data = {"topic": "Naskah", "competency": competency.pk, "reason": "-", "submit_token": token}
    client.post(reverse("proposals:new"), data)

    client.force_login(EmployeeFactory(unit=unit).user)
    client.post(reverse("proposals:new"), data)

    assert TrainingNeedProposal.objects.count() == 2


# "Only mine" -------------------------------------------------------------------------------


def test_only_mine_keeps_the_full_vote_count(proposal, proposer):
    me = UserFactory()
    proposal_support(proposal=proposal, user=me)
    for _ in range(3):
        proposal_support(proposal=proposal, user=UserFactory())

    [listed] = proposal_list_for_user(user=me, mine=True)

    assert listed.pk == proposal.pk
    assert listed.vote_count == 4
    assert listed.supported is True


def test_only_mine_lists_my_own_and_the_ones_i_support_once_each(proposal, proposer, competency):
    other = proposal_create(user=proposer, topic="Lain", reason="-", competency=competency)
    mine = proposal_create(
        user=UserFactory(), topic="Punya saya", reason="-", competency=competency
    )
    me = mine.proposed_by
    proposal_support(proposal=proposal, user=me)
    proposal_support(proposal=mine, user=UserFactory())

    listed = {p.topic: p.vote_count for p in proposal_list_for_user(user=me, mine=True)}

    assert listed == {proposal.topic: 1, "Punya saya": 1}
    assert other.topic not in listed


def test_only_mine_in_the_list_page_shows_the_full_count(client, proposal):
    me = UserFactory()
    proposal_support(proposal=proposal, user=me)
    for _ in range(3):
        proposal_support(proposal=proposal, user=UserFactory())
    client.force_login(me)

    response = client.get(reverse("proposals:list"), {"mine": "on"})

    assert [p.vote_count for p in response.context["page"]] == [4]


# Admin scope -------------------------------------------------------------------------------


@pytest.fixture
def outside_hr(db):
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=OrgUnitFactory(code="LAIN"))
    return hr


@pytest.mark.parametrize("view", ["history", "usage", "delete", "edit"])
def test_scoped_hr_cannot_open_any_view_of_another_units_proposal(
    client, proposal, outside_hr, view
):
    client.force_login(outside_hr)

    response = client.get(f"/admin/usulan-kebutuhan/{view}/{proposal.pk}/")

    assert response.status_code == 404
    assert proposal.topic not in response.content.decode()


@pytest.mark.parametrize("view", ["history", "usage"])
def test_hr_in_scope_sees_the_history_and_usage(client, proposal, unit, view):
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=unit)
    client.force_login(hr)

    response = client.get(f"/admin/usulan-kebutuhan/{view}/{proposal.pk}/")

    assert response.status_code == 200
    assert proposal.topic in response.content.decode()


def test_nobody_deletes_a_proposal_in_the_admin(client, proposal, unit):
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=unit)
    client.force_login(hr)

    response = client.post(f"/admin/usulan-kebutuhan/delete/{proposal.pk}/")

    assert response.status_code == 302
    assert TrainingNeedProposal.objects.filter(pk=proposal.pk).exists()


def test_trainers_are_kept_out_of_the_history(client, proposal):
    client.force_login(UserFactory(roles=[Role.PELATIH]))

    response = client.get(f"/admin/usulan-kebutuhan/history/{proposal.pk}/")

    assert response.status_code in (302, 403, 404)
    assert proposal.topic not in response.content.decode()
