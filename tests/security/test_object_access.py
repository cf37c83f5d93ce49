"""Runs every case in tests/security/object_access.py: the record's owner, another
learner, an anonymous visitor and the listed roles each get the expected answer."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.test import Client
from django.urls import reverse

import pytest

from accounts.roles import Role
from tests.factories.accounts import UserFactory
from tests.security.object_access import CASES, ObjectAccessCase
from tests.security.url_expectations import Outcome

pytestmark = pytest.mark.django_db


def _answer(user, path: str) -> Outcome:
    client = Client()
    if user is not None:
        client.force_login(user)
    response = client.get(path)
    if 300 <= response.status_code < 400:
        return Outcome(response.status_code, urlsplit(response["Location"]).path)
    return Outcome(response.status_code)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_record_is_reachable_only_by_those_allowed(case: ObjectAccessCase, home_page):
    owner = UserFactory(roles=[Role.PESERTA])
    record = case.make(owner)
    path = reverse(
        case.url_name, args=case.args(record) or None, kwargs=case.kwargs(record) or None
    )
    visitors = {
        "owner": (owner, case.owner),
        "another learner": (UserFactory(roles=[Role.PESERTA]), case.other_learner),
        "anonymous": (None, case.anonymous),
        **{role: (UserFactory(roles=[role]), outcome) for role, outcome in case.roles.items()},
    }

    wrong = {
        who: f"expected {expected}, got {actual}"
        for who, (user, expected) in visitors.items()
        if (actual := _answer(user, path)) != expected
    }

    assert not wrong, f"GET {path}: {wrong}"
