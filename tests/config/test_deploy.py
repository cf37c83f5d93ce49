"""The production profile, checked in a separate process because its settings module
refuses to load without its environment variables."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "DJANGO_SECRET_KEY": "x" * 64 + "-check-deploy-only-not-a-real-key",
    "DJANGO_ALLOWED_HOSTS": "diklat.bontangkota.go.id",
    "DATABASE_URL": "postgres://portal@127.0.0.1:5432/portal",
    "REDIS_URL": "redis://127.0.0.1:6379/1",
    "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
    "WAGTAILADMIN_BASE_URL": "https://diklat.bontangkota.go.id",
    "LMS_CREDENTIAL_SIGNING_KEY_FILE": "/run/secrets/credential-signing.pem",
}


def _run(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(PRODUCTION_ENV)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings():
    result = _run("manage.py", "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stdout + result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env_without_key = _run(
        "-c",
        "import os; os.environ.pop('DJANGO_SECRET_KEY'); import django; django.setup()",
    )

    assert env_without_key.returncode != 0
    assert "DJANGO_SECRET_KEY" in env_without_key.stderr


def test_production_settings_require_mfa_for_admin_roles_and_use_redis():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.MFA_REQUIRED_ROLES, s.CACHES['default']['BACKEND'], "
        "s.CELERY_TASK_ALWAYS_EAGER, s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS]))"
    )
    result = _run("-c", code)

    assert result.returncode == 0, result.stderr
    roles, cache, eager, secure_cookie, hsts = json.loads(result.stdout.strip().splitlines()[-1])
    # Supervisors too: they see their reports' transcripts and competency levels.
    assert set(roles) == {"Atasan", "Pengelola SDM", "Pelatih", "Administrator"}
    assert cache == "config.cache.ResilientRedisCache"  # Django's RedisCache, outage = miss
    assert eager is False
    assert secure_cookie is True
    assert hsts >= 31536000


@pytest.mark.parametrize("command", [["seed_demo"]])
def test_seed_demo_refuses_production_settings_without_force(command):
    result = _run("manage.py", *command)

    assert result.returncode != 0
    assert "production" in result.stderr


def _production_settings(names: list[str], extra_env: dict[str, str] | None = None) -> dict:
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        f"print(json.dumps({{n: getattr(s, n) for n in {names!r}}}, default=list))"
    )
    result = _run("-c", code, extra_env=extra_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_production_settings_force_https_and_secure_cookies():
    s = _production_settings(
        [
            "SECURE_SSL_REDIRECT",
            "SECURE_PROXY_SSL_HEADER",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
            "SESSION_COOKIE_HTTPONLY",
            "SECURE_HSTS_SECONDS",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS",
            "SECURE_CONTENT_TYPE_NOSNIFF",
            "X_FRAME_OPTIONS",
            "DEBUG",
        ]
    )

    assert s["SECURE_SSL_REDIRECT"] is True
    assert s["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert s["SESSION_COOKIE_SECURE"] is True
    assert s["CSRF_COOKIE_SECURE"] is True
    assert s["SESSION_COOKIE_HTTPONLY"] is True
    assert s["SECURE_HSTS_SECONDS"] >= 31536000
    assert s["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert s["SECURE_CONTENT_TYPE_NOSNIFF"] is True
    assert s["X_FRAME_OPTIONS"] == "DENY"
    assert s["DEBUG"] is False


def test_production_sends_the_strict_content_security_policy():
    s = _production_settings(["MIDDLEWARE", "CONTENT_SECURITY_POLICY"])

    assert "config.csp.PortalCSPMiddleware" in s["MIDDLEWARE"]
    directives = s["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"]


def test_production_policy_allows_images_from_the_s3_media_bucket_only():
    s = _production_settings(
        ["CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_ADMIN"],
        extra_env={
            "DJANGO_AWS_STORAGE_BUCKET_NAME": "diklat-media",
            "DJANGO_AWS_S3_ENDPOINT_URL": "https://s3.bontangkota.go.id/",
            "DJANGO_AWS_ACCESS_KEY_ID": "akses",
            "DJANGO_AWS_SECRET_ACCESS_KEY": "rahasia",
        },
    )

    for policy in ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_ADMIN"):
        directives = s[policy]["DIRECTIVES"]
        assert "https://s3.bontangkota.go.id" in directives["img-src"]
        assert "https://s3.bontangkota.go.id" not in directives["script-src"]


def test_production_redirects_plain_http_to_https_and_sends_hsts():
    code = (
        "import django; django.setup(); from django.test import Client; "
        "host = 'diklat.bontangkota.go.id'; "
        "plain = Client().get('/jsi18n/', HTTP_HOST=host); "
        "tls = Client().get('/jsi18n/', HTTP_HOST=host, secure=True); "
        "print(plain.status_code, plain.headers.get('Location')); "
        "print(tls.headers.get('Strict-Transport-Security'))"
    )
    result = _run("-c", code)

    assert result.returncode == 0, result.stderr
    redirect, hsts = result.stdout.strip().splitlines()[-2:]
    assert redirect == "301 https://diklat.bontangkota.go.id/jsi18n/"
    assert hsts == "max-age=31536000; includeSubDomains; preload"


def test_one_variable_names_the_client_address_header_for_every_rate_limit():
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.ALLAUTH_TRUSTED_CLIENT_IP_HEADER, s.RATELIMIT_IP_META_KEY]))"
    )
    result = _run("-c", code, extra_env={"DJANGO_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"})

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == ["X-Real-IP", "HTTP_X_REAL_IP"]


def test_production_needs_the_credential_signing_key_path_and_never_creates_a_key():
    without = _run(
        "-c",
        "import os; os.environ.pop('LMS_CREDENTIAL_SIGNING_KEY_FILE'); import django; django.setup()",
    )
    assert without.returncode != 0
    assert "LMS_CREDENTIAL_SIGNING_KEY_FILE" in without.stderr

    s = _production_settings(["LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE"])
    assert s["LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE"] is False


@pytest.mark.parametrize("module", ["config.celery", "config.wsgi", "config.asgi"])
def test_every_entry_point_defaults_to_the_production_settings(module):
    # A worker started without DJANGO_SETTINGS_MODULE must never fall back to the dev
    # profile and its public secret key.
    code = (
        "import os; os.environ.pop('DJANGO_SETTINGS_MODULE'); "
        f"import {module}; from django.conf import settings as s; "
        "print(os.environ['DJANGO_SETTINGS_MODULE'], s.SETTINGS_PROFILE)"
    )
    result = _run("-c", code)

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "config.settings.production production"


def test_production_refuses_the_demo_pdf_signing_certificate(tmp_path):
    from lms.signing import demo_pki

    files = demo_pki.demo_pki_create(directory=tmp_path)
    result = _run(
        "manage.py",
        "check",
        extra_env={
            "LMS_PDF_SIGNER": "local",
            "LMS_PDF_SIGNER_PKCS12_FILE": str(files.signer),
            "LMS_PDF_SIGNER_PKCS12_PASSPHRASE": demo_pki.DEMO_PASSPHRASE,
        },
    )

    assert result.returncode != 0
    assert "lms.E003" in result.stderr + result.stdout
    missing = _run(
        "manage.py",
        "check",
        extra_env={"LMS_PDF_SIGNER": "local", "LMS_PDF_SIGNER_PKCS12_FILE": str(tmp_path / "x")},
    )
    assert missing.returncode != 0
    assert "lms.E002" in missing.stderr + missing.stdout
    assert not (tmp_path / "x").exists()  # no demo PKI created in production


def test_production_trusts_no_demo_root_whatever_the_signer(tmp_path):
    # With the BSrE gateway, nothing signs with a local key, but the verify page trusts
    # the roots of LMS_PDF_SIGNER_CHAIN_FILE and LMS_PDF_SIGNING_TRUST_ROOTS_FILE: a demo
    # root there would make a PDF signed with the demo key "trusted".
    from lms.signing import demo_pki

    files = demo_pki.demo_pki_create(directory=tmp_path)
    bsre = {
        "LMS_PDF_SIGNER": "bsre",
        "LMS_BSRE_URL": "https://bsre.example/",
        "LMS_BSRE_USERNAME": "portal",
        "LMS_BSRE_PASSWORD": "not-a-secret",
        "LMS_BSRE_NIK": "6474010101750001",
    }
    for extra in (
        {"LMS_PDF_SIGNER_CHAIN_FILE": str(files.root)},
        {"LMS_PDF_SIGNING_TRUST_ROOTS_FILE": str(files.root)},
    ):
        result = _run("manage.py", "check", extra_env={**bsre, **extra})
        assert result.returncode != 0
        assert "lms.E009" in result.stderr + result.stdout
