"""pytest profile (pyproject.toml sets it). Fast hasher, memory e-mail and cache, eager
Celery. DATABASE_URL, CELERY_BROKER_URL and REDIS_URL still apply, so CI runs the same
suite against PostgreSQL and Redis."""

from .base import *  # noqa: F403
from .base import BASE_DIR, env

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

# One demo PKI for every test run (RSA key generation is slow): created on first use under
# var/ (git-ignored), never the development one. Tests that need another key set their own.
LMS_PDF_SIGNER_PKCS12_FILE = str(BASE_DIR / "var" / "keys" / "pdf-signing-test" / "signer.p12")
