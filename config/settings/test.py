"""pytest profile (pyproject.toml sets it). Fast hasher, memory e-mail and cache, eager
Celery. DATABASE_URL, CELERY_BROKER_URL and REDIS_URL still apply, so CI runs the same
suite against PostgreSQL and Redis."""

import os
import re
from urllib.parse import urlsplit, urlunsplit

from .base import *  # noqa: F403
from .base import BASE_DIR, CACHES, REDIS_URL, env

SETTINGS_PROFILE = "test"
DEBUG = False
SECRET_KEY = "test-only-insecure-key"  # noqa: S105 - a fixed key for the test run only
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Each test starts from an empty cache (tests/conftest.py clears it), so rate limits
# from one test never leak into another. Redis when REDIS_URL is set, as in CI.
if not env("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "asn-portal-test",
        }
    }


STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/15")

WAGTAILADMIN_BASE_URL = "http://testserver"

# xAPI off whatever the environment says; tests/lms/xapi turn it on towards their own LRS.
XAPI_LRS_ENDPOINT = ""

# One demo PKI for every test run (RSA key generation is slow): created on first use under
# var/ (git-ignored), never the development one. Tests that need another key set their own.
LMS_PDF_SIGNER_PKCS12_FILE = str(BASE_DIR / "var" / "keys" / "pdf-signing-test" / "signer.p12")


def _redis_db(url: str) -> int:
    db = urlsplit(url).path.strip("/")
    return int(db) if db.isdigit() else 0


def xdist_redis_url(url: str, worker: str, *, broker_url: str = "") -> str:
    """The Redis URL a pytest-xdist worker uses for its cache. Every test empties the
    cache (FLUSHDB, tests/conftest.py), which would wipe another worker's rate limits and
    cached settings mid-test, so worker `gwN` takes the (N+1)-th database below the one in
    `url` (wrapping within 0-15, never the broker's). Without xdist (`worker` empty, or
    the controlling process) `url` is kept."""
    match = re.fullmatch(r"gw(\d+)", worker)
    if not match:
        return url
    taken = {_redis_db(url), _redis_db(broker_url) if broker_url else -1}
    free = [d for k in range(1, 16) if (d := (_redis_db(url) - k) % 16) not in taken]
    db = free[int(match[1]) % len(free)]
    return urlunsplit(urlsplit(url)._replace(path=f"/{db}"))


if REDIS_URL and os.environ.get("PYTEST_XDIST_WORKER"):
    REDIS_URL = xdist_redis_url(
        REDIS_URL, os.environ["PYTEST_XDIST_WORKER"], broker_url=CELERY_BROKER_URL
    )
    CACHES["default"]["LOCATION"] = REDIS_URL
