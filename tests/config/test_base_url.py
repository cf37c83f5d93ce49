"""The portal's public address: every absolute link (certificate QR code, Open Badges ids,
invitation and notification e-mails) is built from one setting, `make run` derives it from
HOST/PORT, and production refuses to start without it."""

from __future__ import annotations

import os
import re
import subprocess

from django.core import mail

import pytest

from accounts.models import NotificationKind
from accounts.services import notify, user_create
from config.links import portal_url
from tests.config.test_deploy import ROOT, _run
from tests.factories.accounts import UserFactory

BASE = "https://diklat.example.go.id:8443"


@pytest.fixture
def portal_address(settings):
    settings.WAGTAILADMIN_BASE_URL = BASE + "/"
    settings.LMS_CERTIFICATE_BASE_URL = ""
    return BASE


def test_portal_url_joins_paths_and_passes_absolute_urls_through(portal_address):
    assert portal_url("/verify/abc/") == BASE + "/verify/abc/"
    assert portal_url("https://elsewhere.example/x") == "https://elsewhere.example/x"


@pytest.mark.django_db
def test_invitation_and_notification_emails_link_to_the_portal_address(
    portal_address, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user_create(email="baru@uji.example")
        notify(
            user=UserFactory(),
            kind=NotificationKind.ASSIGNMENT_NEW,
            params={"course": "Pelayanan Prima", "due": "31 Desember 2026", "reason": ""},
            url="/pembelajaran-saya/",
        )

    invitation, notice = mail.outbox
    assert re.search(rf"{re.escape(BASE)}/accounts/password/reset/key/\S+", invitation.body)
    assert f"{BASE}/pembelajaran-saya/" in notice.body


def _make_dry_run(*args: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("WAGTAILADMIN_BASE_URL", "MAKEFLAGS")}
    result = subprocess.run(
        ["make", "-n", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_derives_the_base_url_from_host_and_port_and_says_it():
    out = _make_dry_run("run", "PORT=8811")

    runserver = next(line for line in out.splitlines() if "runserver" in line)
    assert "WAGTAILADMIN_BASE_URL=http://127.0.0.1:8811" in runserver
    seed = next(line for line in out.splitlines() if "seed_demo" in line)
    assert "WAGTAILADMIN_BASE_URL=http://127.0.0.1:8811" in seed
    assert "Links in e-mails and certificate QR codes point at http://127.0.0.1:8811" in out


def test_make_run_keeps_an_explicit_base_url():
    out = _make_dry_run("serve", "PORT=8811", "WAGTAILADMIN_BASE_URL=https://portal.example")

    runserver = next(line for line in out.splitlines() if "runserver" in line)
    assert "WAGTAILADMIN_BASE_URL=https://portal.example" in runserver


@pytest.mark.parametrize("value", [None, "", "diklat.bontangkota.go.id", "/portal"])
def test_production_refuses_to_start_without_an_absolute_base_url(value):
    code = "import os, django; "
    if value is None:
        code += "os.environ.pop('WAGTAILADMIN_BASE_URL'); "
    else:
        code += f"os.environ['WAGTAILADMIN_BASE_URL'] = {value!r}; "
    result = _run("-c", code + "django.setup()")

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "WAGTAILADMIN_BASE_URL" in result.stderr
