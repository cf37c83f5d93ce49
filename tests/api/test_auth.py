from __future__ import annotations

import hashlib
import importlib
from io import StringIO

from django.core.management import CommandError, call_command
from django.urls import reverse

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.api import api_token_issue
from accounts.models import ApiToken
from accounts.roles import Role
from tests.api.conftest import api_token_for, token_client
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

URL = "/api/v1/employees/"


def test_without_a_token_the_api_answers_401_with_the_token_challenge():
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_wrong_token_is_refused_with_401(service_user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    assert client.get(URL).status_code == 401


def test_a_learners_token_is_forbidden():
    learner = UserFactory(roles=[Role.PESERTA])
    assert token_client(learner).get(URL).status_code == 403


def test_an_hr_manager_signed_in_by_session_has_no_api_access(client):
    client.force_login(UserFactory(roles=[Role.PENGELOLA_SDM]))
    assert client.get(URL).status_code == 401


def test_a_service_accounts_token_is_accepted(api):
    response = api.get(URL)
    assert response.status_code == 200
    assert response.json()["results"] == []


def test_an_inactive_service_account_is_refused(service_user, api):
    service_user.is_active = False
    service_user.save()
    assert api.get(URL).status_code == 401


def test_the_token_user_is_throttled_at_the_configured_rate(api, settings):
    settings.API_THROTTLE_RATE = "2/minute"
    assert api.get(URL).status_code == 200
    assert api.get(URL).status_code == 200
    response = api.get(URL)
    assert response.status_code == 429
    assert "Retry-After" in response


def test_issue_api_token_prints_a_new_token_that_replaces_the_old_one(service_user):
    old = api_token_for(service_user)
    out = StringIO()

    call_command("issue_api_token", "--user", "SIMPEG@bontang.example", stdout=out)

    key = out.getvalue().strip()
    assert key != old
    assert list(ApiToken.objects.filter(user=service_user).values_list("digest", flat=True)) == [
        hashlib.sha256(key.encode()).hexdigest()
    ]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get(URL).status_code == 401


def test_issue_api_token_refuses_an_account_without_the_api_role():
    learner = UserFactory(roles=[Role.PESERTA])
    with pytest.raises(CommandError, match="Layanan API"):
        call_command("issue_api_token", "--user", learner.email, stdout=StringIO())
    assert not ApiToken.objects.filter(user=learner).exists()


def test_issue_api_token_refuses_an_unknown_address(db):
    with pytest.raises(CommandError, match="No account"):
        call_command("issue_api_token", "--user", "nobody@example.org", stdout=StringIO())


def test_tokens_are_listed_in_the_django_admin_without_their_secret(client, service_user):
    key = api_token_for(service_user)
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(admin)

    response = client.get(reverse("admin:accounts_apitoken_changelist"))

    assert response.status_code == 200
    html = response.content.decode()
    assert f"{key[:6]}</td>" in html  # the prefix tells tokens apart
    assert key not in html
    # DRF's plaintext token admin is gone; tokens are issued by the command.
    assert client.get("/django-admin/authtoken/tokenproxy/").status_code == 404
    assert client.get(reverse("admin:accounts_apitoken_add")).status_code == 403


def test_tokens_are_stored_as_sha256_digests_only(service_user):
    key = api_token_issue(user=service_user)

    row = ApiToken.objects.get(user=service_user)
    assert row.digest == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {str(value) for value in ApiToken.objects.values().get().values()}
    assert not Token.objects.exists()  # nothing in DRF's plaintext table
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {row.digest}")
    assert client.get(URL).status_code == 401


def test_migration_hashes_existing_plaintext_tokens(service_user):
    from django.apps import apps

    migration = importlib.import_module("accounts.migrations.0006_security_hardening")
    key = Token.objects.create(user=service_user).key

    migration.hash_plaintext_tokens(apps, None)

    assert not Token.objects.exists()
    assert (
        ApiToken.objects.get(user=service_user).digest == hashlib.sha256(key.encode()).hexdigest()
    )
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get(URL).status_code == 200
