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
    assert set(roles) == {"Pengelola SDM", "Pelatih", "Administrator"}
    assert cache == "django.core.cache.backends.redis.RedisCache"
    assert eager is False
    assert secure_cookie is True
    assert hsts >= 31536000


@pytest.mark.parametrize("command", [["seed_demo"]])
def test_seed_demo_refuses_production_settings_without_force(command):
    result = _run("manage.py", *command)

    assert result.returncode != 0
    assert "production" in result.stderr
