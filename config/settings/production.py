"""Production: every secret from the environment, no defaults for them, so a missing
one stops start-up. See docs/deployment.md."""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.database import database_with_session_options

from .base import *  # noqa: F403
from .base import DB_SESSION, env

SETTINGS_PROFILE = "production"
DEBUG = False

# GENERAL
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# DATABASES
# https://docs.djangoproject.com/en/5.2/ref/databases/#postgresql-notes
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
database_with_session_options(DATABASES["default"], **DB_SESSION)

# CACHES: one Redis shared by every web and worker process (rate limits, sessions).
CACHES = {
    "default": {
        "BACKEND": REDIS_CACHE_BACKEND,  # an outage is a miss (config/cache.py)
        "LOCATION": env("REDIS_URL"),
        "KEY_PREFIX": "asn",
        "OPTIONS": REDIS_CACHE_OPTIONS,
    }
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# CERTIFICATES: the Ed25519 key that signs Open Badges credentials is a secret mounted
# at the same path on every web and worker machine; a missing file is an error, never a
# fresh key per machine (docs/deployment.md, docs/certificates.md).
LMS_CREDENTIAL_SIGNING_KEY_FILE = env("LMS_CREDENTIAL_SIGNING_KEY_FILE")
LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE = env.bool(
    "LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE", default=False
)
# The PDF signing key is a mounted secret too: never a demo PKI created on the spot, and
# lms.checks refuses a chain with a DEMO subject or a key it cannot open
# (docs/certificates.md). Off until the agency configures its signer.
LMS_PDF_SIGNER = env("LMS_PDF_SIGNER", default="")
LMS_PDF_SIGNER_PKCS12_PASSPHRASE = env("LMS_PDF_SIGNER_PKCS12_PASSPHRASE", default="")
LMS_PDF_SIGNER_DEMO_AUTOCREATE = False

# CELERY
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False

# SECURITY
# https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_SECURE_HSTS_PRELOAD", default=True)
SILENCED_SYSTEM_CHECKS = env.list("DJANGO_SILENCED_SYSTEM_CHECKS", default=[])

# MFA: supervisors (who see their reports' transcripts and competency levels), HR
# managers, trainers and administrators must set up a second factor (docs/security.md).
MFA_REQUIRED_ROLES = env.list(
    "MFA_REQUIRED_ROLES", default=["Atasan", "Pengelola SDM", "Pelatih", "Administrator"]
)

# MEDIA
# DJANGO_AWS_STORAGE_BUCKET_NAME turns on S3-compatible storage (MinIO, Ceph, AWS...)
# through django-storages, so that several web and worker machines share uploads.
AWS_STORAGE_BUCKET_NAME = env("DJANGO_AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env("DJANGO_AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env("DJANGO_AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env("DJANGO_AWS_ACCESS_KEY_ID")
    AWS_SECRET_ACCESS_KEY = env("DJANGO_AWS_SECRET_ACCESS_KEY")
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True  # private media: signed, expiring URLs
    AWS_S3_FILE_OVERWRITE = False
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# EMAIL
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"

# WAGTAIL
# The portal's public address: e-mail links, certificate QR codes and Open Badges ids
# (config/links.py). No default: an empty or relative value would print dead QR codes.
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL")
_base_url = urlsplit(WAGTAILADMIN_BASE_URL)
if _base_url.scheme not in ("http", "https") or not _base_url.netloc:
    raise ImproperlyConfigured(
        "Set the WAGTAILADMIN_BASE_URL environment variable to the portal's absolute "
        f"address, e.g. https://diklat.example.go.id (got {WAGTAILADMIN_BASE_URL!r})."
    )

# CONTENT SECURITY POLICY
# https://django-csp.readthedocs.io/en/latest/configuration.html
# With S3-compatible media, images and audio/video load from the bucket's origin, so that
# origin (and only it) joins img-src and media-src of both policies.
if AWS_STORAGE_BUCKET_NAME:
    if AWS_S3_ENDPOINT_URL:
        _media_origins = [AWS_S3_ENDPOINT_URL.rstrip("/")]
    else:
        _media_origins = [f"https://{AWS_STORAGE_BUCKET_NAME}.s3.amazonaws.com"]
        if AWS_S3_REGION_NAME:
            _media_origins.append(
                f"https://{AWS_STORAGE_BUCKET_NAME}.s3.{AWS_S3_REGION_NAME}.amazonaws.com"
            )
    for _policy in (CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY_ADMIN):
        for _directive in ("img-src", "media-src"):
            _policy["DIRECTIVES"][_directive] = [
                *_policy["DIRECTIVES"][_directive],
                *_media_origins,
            ]
