"""Settings shared by every profile. Safe by default: DEBUG is off, secrets come from the
environment. The dev, test and production modules override as little as they can."""

import sys
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ
from celery.schedules import crontab

from config.database import database_with_session_options

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

env = environ.Env()
if env.bool("DJANGO_READ_DOT_ENV_FILE", default=False):
    env.read_env(str(BASE_DIR / ".env"))

# Which profile is running: "dev", "test" or "production". Commands such as seed_demo
# use it to refuse destructive work in production.
SETTINGS_PROFILE = "base"

# GENERAL
# https://docs.djangoproject.com/en/5.2/ref/settings/#core-settings
DEBUG = env.bool("DJANGO_DEBUG", default=False)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
TIME_ZONE = "Asia/Makassar"
LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
# locale-wagtail/: Indonesian for the Wagtail admin strings that Wagtail's own id_ID
# catalogue leaves untranslated (docs/translations.md); locale/ comes first and wins.
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale-wagtail"]
USE_I18N = True
USE_TZ = True
# Our date formats where Django's disagree with themselves (config/formats/id/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
SITE_ID = 1
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# DATABASES
# https://docs.djangoproject.com/en/5.2/ref/settings/#databases
# DATABASE_URL selects the database; without it a SQLite file under var/ is used, so a
# newcomer needs nothing but Python.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DJANGO_CONN_MAX_AGE", default=0)
# PostgreSQL statement and lock timeouts (milliseconds, 0 = none) and JIT, by process:
# web 30 s / 10 s, Celery worker 5 min / 30 s, commands (migrate, seed_scale) none.
# The environment overrides them per process (config/database.py, docs/deployment.md).
DB_SESSION = {
    "argv": sys.argv,
    "statement_timeout": env.int("DJANGO_DB_STATEMENT_TIMEOUT", default=None),
    "lock_timeout": env.int("DJANGO_DB_LOCK_TIMEOUT", default=None),
    "jit": env.bool("DJANGO_DB_JIT", default=False),
}
database_with_session_options(DATABASES["default"], **DB_SESSION)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a request writes; IMMEDIATE avoids
    # "database is locked" when two requests upgrade a read lock at once.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL;",
        "transaction_mode": "IMMEDIATE",
    }

# APPS
# https://docs.djangoproject.com/en/5.2/ref/settings/#installed-apps
DJANGO_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.sites",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.admin",
]
WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
]
THIRD_PARTY_APPS = [
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rules.apps.AutodiscoverRulesConfig",
    # The REST API for HR systems (docs/api.md, config/api/).
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]
LOCAL_APPS = [
    "accounts",
    "competencies",
    "lms",
]
# Local apps first so that their templates override allauth's and Wagtail's.
INSTALLED_APPS = LOCAL_APPS + THIRD_PARTY_APPS + WAGTAIL_APPS + DJANGO_APPS

# AUTHENTICATION
# https://docs.djangoproject.com/en/5.2/topics/auth/customizing/
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # Object-level permissions ("may this user do X to this object"): accounts/rules.py
    "rules.permissions.ObjectPermissionBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# MIDDLEWARE
# https://docs.djangoproject.com/en/5.2/topics/http/middleware/
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.csp.PortalCSPMiddleware",  # CONTENT SECURITY POLICY below
    # The content origin of SCORM packages serves them and nothing else (docs/scorm.md).
    "lms.middleware.PackageContentOriginMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "accounts.middleware.PortalLocaleMiddleware",  # Indonesian unless chosen otherwise
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # One cache round trip for the lookups of every page (config/request_cache.py).
    "config.request_cache.PrefetchMiddleware",
    # The signed-in user's permission reads kept across requests (accounts/cache.py).
    "accounts.middleware.PermissionCacheMiddleware",
    "accounts.middleware.StaffIdleTimeoutMiddleware",  # SESSIONS below
    "accounts.middleware.RequireMFAMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "lms.middleware.SiteCacheMiddleware",  # Wagtail's site per host, cached (lms/cache.py)
]

# STATIC AND MEDIA
# https://docs.djangoproject.com/en/5.2/howto/static-files/
STATIC_URL = "/static/"
STATIC_ROOT = env("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
MEDIA_URL = "/media/"
MEDIA_ROOT = env("DJANGO_MEDIA_ROOT", default=str(BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Uploads larger than this are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# DATA_UPLOAD_MAX_MEMORY_SIZE does not count file parts: a multipart request over this
# many bytes is refused (400) before it is spooled to disk (config/uploads.py). The
# largest upload is a 20 MB Wagtail document; nginx's client_max_body_size should match.
UPLOAD_MAX_REQUEST_SIZE = env.int("DJANGO_UPLOAD_MAX_REQUEST_SIZE", default=25 * 1024 * 1024)

# SCORM LESSONS (docs/scorm.md)
# Limits of an uploaded package: the ZIP, its files, their unpacked total and the
# compression ratio of any member over 1 MB (a higher one is refused as a ZIP bomb).
SCORM_PACKAGE_MAX_BYTES = env.int("DJANGO_SCORM_PACKAGE_MAX_BYTES", default=200 * 1024 * 1024)
SCORM_PACKAGE_MAX_FILES = env.int("DJANGO_SCORM_PACKAGE_MAX_FILES", default=10_000)
SCORM_PACKAGE_MAX_UNPACKED_BYTES = env.int(
    "DJANGO_SCORM_PACKAGE_MAX_UNPACKED_BYTES", default=1024 * 1024 * 1024
)
SCORM_PACKAGE_MAX_COMPRESSION_RATIO = 100
# The runtime sends the learner's data at most once per this many seconds (and when
# the package ends).
SCORM_COMMIT_SECONDS = 10
# A separate origin for the packages' files (docs/scorm.md "A separate content origin"),
# e.g. "https://konten.diklat.example.go.id": a second host name of this deployment, not
# under a shared cookie domain (SESSION_COOKIE_DOMAIN stays unset). Empty: the packages
# are served by the portal's own origin. When set, that host serves the packages and
# nothing else, the portal's host no longer serves them, and the lesson page reaches the
# package through a signed, expiring URL and a postMessage bridge.
LMS_PACKAGE_CONTENT_ORIGIN = env("DJANGO_LMS_PACKAGE_CONTENT_ORIGIN", default="").rstrip("/")
# How long a signed URL of the content origin opens the player page (it is minted at each
# view of the lesson page), and how long the package's own files stay readable after the
# start of the hour the player page was opened in (lms.content_origin).
LMS_PACKAGE_CONTENT_LAUNCH_SECONDS = 5 * 60
LMS_PACKAGE_CONTENT_FILES_SECONDS = 4 * 60 * 60
# Page add/edit forms in the admin carry SCORM packages: their requests may be as large
# as a package (plus the form), not only UPLOAD_MAX_REQUEST_SIZE.
UPLOAD_LARGE_PATH_PREFIXES = ("/admin/pages/",)
UPLOAD_MAX_LARGE_REQUEST_SIZE = SCORM_PACKAGE_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "config.uploads.RequestSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Wagtail's page editor posts many fields for long StreamFields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

# TEMPLATES
# https://docs.djangoproject.com/en/5.2/ref/settings/#templates
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "accounts.context_processors.navigation",
            ],
        },
    },
]

# CACHES
# https://docs.djangoproject.com/en/5.2/topics/cache/
# REDIS_URL selects Redis; without it each process keeps its own memory cache. allauth's
# rate limits live in the cache, so production must share one (Redis).
REDIS_URL = env("REDIS_URL", default="")
# A Redis outage is a cache miss, logged, and pages are served from the database
# (config/cache.py); the short timeouts bound what a hung Redis costs a request.
REDIS_CACHE_BACKEND = "config.cache.ResilientRedisCache"
REDIS_CACHE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": REDIS_CACHE_BACKEND,
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "asn",
            "OPTIONS": REDIS_CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "asn-portal",
        }
    }

# EMAIL
# https://docs.djangoproject.com/en/5.2/topics/email/
EMAIL_BACKEND = env("DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env(
    "DJANGO_DEFAULT_FROM_EMAIL", default="Portal Pembelajaran ASN <noreply@localhost>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# SECURITY
# https://docs.djangoproject.com/en/5.2/topics/security/
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"  # Wagtail's preview views set SAMEORIGIN on their own responses.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# CONTENT SECURITY POLICY
# https://django-csp.readthedocs.io/en/latest/configuration.html
# Every asset is served by the portal itself (STYLE.md §10), so learner-facing pages allow
# nothing else: no inline scripts or styles, no eval, no plugins, no framing. Put page
# behaviour in static/js/ files and styles in static/css/. config.csp.PortalCSPMiddleware
# applies CONTENT_SECURITY_POLICY_ADMIN under CSP_ADMIN_URL_PREFIXES instead, because the
# Wagtail and Django admins still use inline scripts and styles; it keeps every other
# restriction. docs/testing.md explains the policy.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "media-src": ["'self'"],
        "object-src": ["'none'"],
        # Lessons may embed videos from these players (lms/blocks.py VideoEmbedBlock);
        # nothing else may be framed. DJANGO_CSP_FRAME_SRC replaces the list.
        "frame-src": env.list(
            "DJANGO_CSP_FRAME_SRC",
            default=["https://www.youtube-nocookie.com", "https://player.vimeo.com"],
        ),
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}
CSP_ADMIN_URL_PREFIXES = ["/admin/", "/django-admin/"]
CONTENT_SECURITY_POLICY_ADMIN = {
    "DIRECTIVES": {
        **CONTENT_SECURITY_POLICY["DIRECTIVES"],
        "script-src": ["'self'", "'unsafe-inline'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        # Wagtail's page preview shows the page (with its video embeds) in an iframe.
        "frame-src": ["'self'", *CONTENT_SECURITY_POLICY["DIRECTIVES"]["frame-src"]],
        "frame-ancestors": ["'self'"],
    },
}

# LOGGING
# https://docs.djangoproject.com/en/5.2/topics/logging/
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("DJANGO_LOG_LEVEL", default="INFO")},
    "loggers": {
        # Wagtail 8 runs its search and reference-index updates as django-tasks, each
        # logging two INFO lines; they are noise outside debugging.
        "django_tasks": {"level": "WARNING"},
    },
}

# CELERY
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="redis://127.0.0.1:6379/0")
CELERY_RESULT_BACKEND = None  # Tasks write their outcome to the database, not a result store.
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SOFT_TIME_LIMIT = 5 * 60
CELERY_TASK_TIME_LIMIT = 6 * 60
# A task is acknowledged after it ran, so a worker that dies mid-task hands it on;
# every task is written to be safe to run twice (STYLE.md §5).
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A worker waits out a broker outage of any length (the default gives up after 100
# attempts and exits), and survives Redis dropping under a running task: kombu's Redis
# transport with the fix in config/broker.py.
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
if CELERY_BROKER_URL.startswith(("redis://", "rediss://")):
    CELERY_BROKER_TRANSPORT = "config.broker:Transport"
# Database connections in the worker follow CONN_MAX_AGE (config/celery.py); Celery's own
# fix-up only closes them every this many tasks instead of around every task.
CELERY_DB_REUSE_MAX = env.int("CELERY_DB_REUSE_MAX", default=1000)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = CELERY_TASK_ALWAYS_EAGER
# All periodic schedules live here; later features add their entries.
CELERY_BEAT_SCHEDULE: dict = {
    # SWEEPS (docs/deployment.md, "Background work that must happen eventually"): every
    # after-commit side effect has one, run every minute (60 s) so that work lost to a
    # broker, worker or database fault catches up within a minute of recovery. Each reads
    # an index of what is owed (cheap when nothing is) and queues idempotent tasks; a run
    # not started within 55 s expires, so a worker outage leaves no pile of sweeps.
    # E-mails of notices still pending (a lost task, the mail server down), in batches.
    "notification-emails": {
        "task": "accounts.tasks.notification_emails_send_pending",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Invitations still owed (User.invitation_sweep_at): lost task, retries run out.
    "user-invitations-sweep": {
        "task": "accounts.tasks.user_invitations_sweep",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Completions whose assignment hook never ran (no "course completed" notice, 7 days).
    "assignment-enrolment-completed-sweep": {
        "task": "lms.tasks.assignment_enrolment_completed_sweep",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Bulk certificate ZIPs still queued five minutes after the request (a lost task).
    "certificate-bulk-zip-sweep": {
        "task": "lms.tasks.certificate_bulk_zip_sweep",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Nightly at 01:30 WITA (crontab in CELERY_TIMEZONE): re-apply assignment rules so
    # newcomers to a covered unit/position are assigned and leavers withdrawn, also when
    # a change bypassed the services.
    "assignment-rules-apply": {
        "task": "lms.tasks.assignment_rules_apply",
        "schedule": crontab(hour=1, minute=30),
    },
    # Daily at 07:00 WITA, the start of the working day: due in 7 days / tomorrow,
    # overdue, supervisor copied after 3 days overdue. Keys make a second run send nothing.
    "assignment-reminders": {
        "task": "lms.tasks.assignment_reminders_send",
        "schedule": crontab(hour=7, minute=0),
    },
    # Certificates (docs/certificates.md): every minute, queue certificate_issue for
    # enrolments completed in the last 2 days still without one (broker down, worker
    # lost), and hourly at minute 40 for all of them (older failures); daily at 07:05,
    # remind holders and HR 30 days before a certificate of a recurring course expires.
    "certificate-issue-sweep": {
        "task": "lms.tasks.certificate_issue_sweep",
        "schedule": 60,
        "kwargs": {"within_days": 2},
        "options": {"expires": 55},
    },
    "certificate-issue-sweep-all": {
        "task": "lms.tasks.certificate_issue_sweep",
        "schedule": crontab(minute=40),
    },
    # Every five minutes (300 s): with automatic signing, sign certificates left unsigned
    # at issue (a TSA or OCSP responder that did not answer); nothing otherwise.
    "certificates-sign-automatically": {
        "task": "lms.tasks.certificates_sign_automatically",
        "schedule": 300,
        "options": {"expires": 290},
    },
    "certificate-expiry-reminders": {
        "task": "lms.tasks.certificate_expiry_reminders_send",
        "schedule": crontab(hour=7, minute=5),
    },
    # Every minute: queue the competency evidence (course-completion assessments) of
    # enrolments completed in the last 7 days that have none yet (broker down, worker lost).
    "enrolment-competency-evidence-sweep": {
        "task": "lms.tasks.enrolment_competency_evidence_sweep",
        "schedule": 60,
        "options": {"expires": 55},
    },
    # Daily at 02:40 WITA, outside working hours: remove unpacked SCORM/H5P packages that
    # no lesson, draft or attempt uses any more (lms.services.content_packages).
    "content-packages-cleanup": {
        "task": "lms.tasks.content_packages_cleanup",
        "schedule": crontab(hour=2, minute=40),
    },
    # Hourly at minute 20: delete bulk certificate ZIPs (and their jobs) older than
    # LMS_CERTIFICATE_ZIP_RETENTION_HOURS; hourly keeps a file at most an hour past it.
    "certificate-bulk-jobs-delete-expired": {
        "task": "lms.tasks.certificate_bulk_jobs_delete_expired",
        "schedule": crontab(minute=20),
    },
    # Daily at 02:10 WITA: proof files held for an external-record form that was never
    # sent again (competencies.services.proofs) are deleted a day after upload.
    "held-proofs-delete-expired": {
        "task": "competencies.tasks.held_proofs_delete_expired",
        "schedule": crontab(hour=2, minute=10),
    },
    # Daily at 00:05 WITA: current competency levels that change with the date alone (an
    # assessment's validity ended or started) are refreshed in the summary table
    # (competencies.services.summaries); until then the reports compute those rows.
    "current-levels-sweep": {
        "task": "competencies.tasks.current_levels_sweep",
        "schedule": crontab(hour=0, minute=5),
    },
    # Every minute: xAPI statements still waiting (a lost task, an LRS that was down)
    # are sent (lms.tasks.xapi_statements_deliver; nothing to do when xAPI is off).
    "xapi-statements-deliver": {
        "task": "lms.tasks.xapi_statements_deliver",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # Daily at 03:15 WITA: the demo PKI's CRL issued again before it runs out (development
    # and demos only: it does nothing in production or for an agency's own PKI).
    "demo-crl-renew": {
        "task": "lms.tasks.demo_crl_renew",
        "schedule": crontab(hour=3, minute=15),
    },
    # Every minute: a worker records that it is alive (lms.tasks.worker_heartbeat_record);
    # /health/ is "degraded" when the newest record is older than
    # HEALTH_CHECK_WORKER_MAX_AGE_MINUTES. Expires unrun, so an outage leaves no backlog.
    "worker-heartbeat": {
        "task": "lms.tasks.worker_heartbeat_record",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# ALLAUTH
# https://docs.allauth.org/en/latest/account/configuration.html
# Email is the login; the 18-digit NIP is accepted too. allauth calls the second
# identifier "username", so the User model's nip field plays that part.
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_USER_MODEL_USERNAME_FIELD = "nip"
ACCOUNT_USER_MODEL_EMAIL_FIELD = "email"
ACCOUNT_USER_DISPLAY = "accounts.adapters.user_display"  # the name, not the NIP
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_FORMS = {"login": "accounts.forms.LoginForm"}
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Portal ASN] "
ACCOUNT_RATE_LIMITS = {
    # Failed sign-ins: 10 a minute from one address, 5 per 5 minutes for one account.
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
}
# Accounts are created by HR (import or admin) and invited; open self-signup is off.
ACCOUNT_ALLOW_SIGNUP = env.bool("ACCOUNT_ALLOW_SIGNUP", default=False)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Portal ASN Bontang")
# Roles (group names, accounts.roles.Role values) that must set up a second factor
# before they can use the portal. Empty means MFA is optional for everyone.
MFA_REQUIRED_ROLES: list[str] = env.list("MFA_REQUIRED_ROLES", default=[])

# SESSIONS
# https://docs.djangoproject.com/en/5.2/topics/http/sessions/
# Sessions last SESSION_COOKIE_AGE (Django's two weeks). Staff roles, who see other
# people's data, are also signed out after this many seconds without a request (ASVS
# 3.3.2; accounts.middleware.StaffIdleTimeoutMiddleware). 0 turns the idle timeout off.
STAFF_SESSION_IDLE_TIMEOUT = env.int("DJANGO_STAFF_SESSION_IDLE_TIMEOUT", default=30 * 60)
STAFF_SESSION_IDLE_ROLES: list[str] = env.list(
    "STAFF_SESSION_IDLE_ROLES", default=["Pengelola SDM", "Pelatih", "Administrator"]
)

# CLIENT ADDRESS BEHIND A PROXY
# Rate limits (allauth's sign-in and reset limits, django-ratelimit on /verify/) count per
# client address. Behind a reverse proxy REMOTE_ADDR is the proxy's, so every visitor
# would share one budget: name the header your proxy sets to the real client address
# (e.g. "X-Real-IP" with nginx's `proxy_set_header X-Real-IP $remote_addr;`). Only set it
# when the proxy overwrites that header, or clients could spoof it. Empty: REMOTE_ADDR.
TRUSTED_CLIENT_IP_HEADER = env("DJANGO_TRUSTED_CLIENT_IP_HEADER", default="")
if TRUSTED_CLIENT_IP_HEADER:
    # https://docs.allauth.org/en/latest/common/configuration.html
    ALLAUTH_TRUSTED_CLIENT_IP_HEADER = TRUSTED_CLIENT_IP_HEADER
    # https://django-ratelimit.readthedocs.io/en/stable/settings.html
    RATELIMIT_IP_META_KEY = "HTTP_" + TRUSTED_CLIENT_IP_HEADER.upper().replace("-", "_")
# The counters live in the cache: while it is down, rate limits are open (sign-in and the
# public /verify/ keep working) rather than closed for everyone (docs/deployment.md).
RATELIMIT_FAIL_OPEN = True

# WAGTAIL
# https://docs.wagtail.org/en/stable/reference/settings.html
WAGTAIL_SITE_NAME = "Portal Pembelajaran ASN"
# The portal's public address, the base of every absolute link (config/links.py). `make
# run`/`make serve` pass it from HOST/PORT; production requires it (production.py).
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default="") or "http://127.0.0.1:8000"
# One sign-in for the whole portal: the admin sends people to allauth, whose rate
# limits and second factor then apply everywhere.
WAGTAILADMIN_LOGIN_URL = "/accounts/login/"
# Private (login-restricted) pages and documents send people to the same sign-in page.
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"
# allauth owns e-mail addresses, passwords and password reset (re-authentication, e-mail
# verification, rate limits, MFA): Wagtail's own account forms and /admin/password_reset/
# are off, and the admin's account page links to allauth's pages (accounts/wagtail_hooks.py).
WAGTAIL_EMAIL_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_MANAGEMENT_ENABLED = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No Gravatar: the admin would send a hash of each user's e-mail to a third party, and
# the CSP allows no outside images anyway.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
WAGTAILSEARCH_BACKENDS = {
    # On PostgreSQL this uses its full-text search; on SQLite its FTS5 tables.
    "default": {"BACKEND": "wagtail.search.backends.database"},
}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "txt", "xlsx", "zip"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents are served as downloads (Content-Disposition: attachment) except PDF, so an
# uploaded HTML or SVG file can never run in the portal's origin. Served documents also
# carry "Content-Security-Policy: default-src 'none'" (Wagtail's default, made explicit).
WAGTAILDOCS_INLINE_CONTENT_TYPES = ["application/pdf"]
WAGTAILDOCS_BLOCK_EMBEDDED_CONTENT = True

# PORTAL
# Agency-specific values (agency name, signer, JP target...) are Wagtail site settings
# (competencies.models.AgencySettings) so that HR edits them without a deploy.
HEALTH_CHECK_BROKER_TIMEOUT = env.float("HEALTH_CHECK_BROKER_TIMEOUT", default=2.0)
# /health/ reports "degraded" when no worker ran the minute's heartbeat task for this long
# (no worker, a stuck worker, or no beat).
HEALTH_CHECK_WORKER_MAX_AGE_MINUTES = env.int("HEALTH_CHECK_WORKER_MAX_AGE_MINUTES", default=5)

# LMS
# docs/certificates.md. The absolute address printed in certificate QR codes and in the
# Open Badges credential (defaults to WAGTAILADMIN_BASE_URL); and the rate limit of the
# public verification pages per client address (django-ratelimit syntax).
LMS_CERTIFICATE_BASE_URL = env("LMS_CERTIFICATE_BASE_URL", default="")
LMS_VERIFY_RATE = env("LMS_VERIFY_RATE", default="30/m")
# Bulk certificate ZIPs (and their jobs) are deleted this many hours after they were
# requested (lms.tasks.certificate_bulk_jobs_delete_expired): they hold full NIPs.
LMS_CERTIFICATE_ZIP_RETENTION_HOURS = env.int("LMS_CERTIFICATE_ZIP_RETENTION_HOURS", default=24)
# The Ed25519 private key that signs Open Badges credentials (VC-JWT); outside the
# repository (var/ is git-ignored), generated on first use or by
# `manage.py certificate_signing_key --generate`.
LMS_CREDENTIAL_SIGNING_KEY_FILE = env(
    "LMS_CREDENTIAL_SIGNING_KEY_FILE",
    default=str(BASE_DIR / "var" / "keys" / "credential-signing.pem"),
)
# Development and tests create the key on first use; production does not (one key,
# mounted on every machine: docs/deployment.md).
LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE = True
# PAdES signatures of certificate and transcript PDFs (docs/certificates.md, "Electronic
# signature"). LMS_PDF_SIGNER picks the backend: "local" (a PKCS#12 file and its
# passphrase), "bsre" (the agency's BSrE gateway) or "" (PDFs unsigned). Development and
# tests create a demo PKI (subjects marked DEMO) under var/keys/pdf-signing/ on first use;
# production never does and refuses a DEMO chain (lms.checks).
LMS_PDF_SIGNER = env("LMS_PDF_SIGNER", default="local")
LMS_PDF_SIGNER_PKCS12_FILE = env(
    "LMS_PDF_SIGNER_PKCS12_FILE",
    default=str(BASE_DIR / "var" / "keys" / "pdf-signing" / "signer.p12"),
)
LMS_PDF_SIGNER_PKCS12_PASSPHRASE = env(
    "LMS_PDF_SIGNER_PKCS12_PASSPHRASE", default="demo-bkpsdm"
)  # the demo PKI's published passphrase (lms.signing.demo_pki)
# Further certificates of the chain (PEM) not in the PKCS#12 file; the self-signed ones
# are the roots that the verify page trusts and publishes for download.
LMS_PDF_SIGNER_CHAIN_FILE = env("LMS_PDF_SIGNER_CHAIN_FILE", default="")
LMS_PDF_SIGNER_DEMO_AUTOCREATE = True
# More roots (PEM) the verify page trusts and publishes, e.g. Root CA Indonesia for BSrE.
LMS_PDF_SIGNING_TRUST_ROOTS_FILE = env("LMS_PDF_SIGNING_TRUST_ROOTS_FILE", default="")
# An RFC 3161 timestamping service: signatures become PAdES B-T.
LMS_PDF_SIGNING_TSA_URL = env("LMS_PDF_SIGNING_TSA_URL", default="")
LMS_PDF_SIGNING_TSA_TIMEOUT = env.float("LMS_PDF_SIGNING_TSA_TIMEOUT", default=10.0)
# PAdES B-LT: the certificate revocation lists (PEM or DER files) of the signer's CA,
# downloaded by the agency (the demo PKI writes var/keys/pdf-signing/crl.pem). When set,
# the signer's certificate is checked against them before every signature (revoked or
# out of date: refused) and they are embedded in the PDF's DSS. Never fetched at run time.
LMS_PDF_SIGNING_CRL_FILES = env.list("LMS_PDF_SIGNING_CRL_FILES", default=[])
# PAdES B-LT with OCSP: the responder asked about the signer's certificate before every
# signature (its answer embedded in the DSS; revoked: refused; down or slow: the queue
# retries later). A URL, or "aia" for the responder named in the signer's certificate.
# Only this address is ever asked; "" (default): no OCSP.
LMS_PDF_SIGNING_OCSP_URL = env("LMS_PDF_SIGNING_OCSP_URL", default="")
LMS_PDF_SIGNING_OCSP_TIMEOUT = env.float("LMS_PDF_SIGNING_OCSP_TIMEOUT", default=10.0)
# True: certificates are signed as they are issued (a local key). False: they wait in the
# signer's queue (the Kepala signs them, e.g. through BSrE with a passphrase per batch).
LMS_PDF_SIGNING_AUTOMATIC = env.bool("LMS_PDF_SIGNING_AUTOMATIC", default=True)
# The BSrE signing gateway (LMS_PDF_SIGNER = "bsre"): its base address, the client
# account of the portal, the signer's NIK and the time allowed for one document.
LMS_BSRE_URL = env("LMS_BSRE_URL", default="")
LMS_BSRE_USERNAME = env("LMS_BSRE_USERNAME", default="")
LMS_BSRE_PASSWORD = env("LMS_BSRE_PASSWORD", default="")
LMS_BSRE_NIK = env("LMS_BSRE_NIK", default="")
LMS_BSRE_TIMEOUT = env.float("LMS_BSRE_TIMEOUT", default=30.0)
# Kualifikasi kelulusan printed on certificates from the final score (%), highest first:
# (minimum score, label). The agency adjusts them to its programme's rules.
LMS_CERTIFICATE_QUALIFICATIONS = [
    (91, "Sangat Memuaskan"),
    (81, "Memuaskan"),
    (71, "Baik"),
    (61, "Cukup"),
    (0, "Kurang"),
]
# Uploads checked on the public verify page ("Dokumen PDF").
LMS_VERIFY_PDF_MAX_BYTES = env.int("LMS_VERIFY_PDF_MAX_BYTES", default=10 * 1024 * 1024)
# A quiz submission arriving this long after the time limit still counts as on time
# (network latency); later ones are graded as of the deadline.
LMS_QUIZ_GRACE_SECONDS = 30
# The competency-profile page asks this selector for courses that close gaps.
COMPETENCY_GAP_COURSE_SELECTOR = "lms.selectors.catalogue.course_list_for_gaps"
# Called after commit with employee_ids=[...] when HR creates, edits, (de)activates or
# imports employees: lms re-applies the assignment rules to them (docs/assignments.md).
COMPETENCIES_EMPLOYEES_CHANGED_HOOKS: list[str] = [
    "lms.services.assignments.employees_changed",
    "lms.cache.recommendations_employees_changed",  # the dashboard's recommendations
]
# Called after commit when position standards change in bulk (the positions import):
# lms recomputes the dashboard's recommendations (lms/cache.py).
COMPETENCIES_STANDARDS_CHANGED_HOOKS: list[str] = ["lms.cache.gaps_changed"]
# Transcript PDFs are signed electronically through this callable (competencies does not
# import lms): sign(pdf, *, box, page, reason, signer_name, location) -> bytes | None.
COMPETENCIES_PDF_SIGNER = "lms.signing.sign_document"
# The JP compliance report asks this selector for assignment figures per unit.
COMPETENCIES_ASSIGNMENT_SUMMARY_SELECTOR = "lms.selectors.assignments.assignment_unit_summary"
# Individual development plans (docs/idp.md) ask the lms whether a course or batch may be
# named in an activity, and which of them the employee completed (the review's evidence).
COMPETENCIES_IDP_TARGET_SELECTOR = "lms.selectors.idp.idp_activity_target"
COMPETENCIES_IDP_COMPLETION_SELECTOR = "lms.selectors.idp.idp_completion_keys"
# The development plan (docs/development-plan.md) asks these for what the linked batches
# and courses delivered, and for the proposals and courses it is built from.
COMPETENCIES_PLAN_REALISATION_SELECTOR = "lms.selectors.development_plan.plan_realisation"
COMPETENCIES_PLAN_SOURCES_SELECTOR = "lms.selectors.development_plan.plan_sources_from_lms"

# REST API
# docs/api.md; https://www.django-rest-framework.org/api-guide/settings/ and
# https://drf-spectacular.readthedocs.io/en/latest/settings.html. /api/v1/ is read-only,
# token-authenticated (service accounts), and throttled per token user at API_THROTTLE_RATE.
REST_FRAMEWORK = {
    # DRF's Token header, checked against SHA-256 digests (accounts.models.ApiToken).
    "DEFAULT_AUTHENTICATION_CLASSES": ["accounts.api.HashedTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.CanUseApi"],
    "DEFAULT_THROTTLE_CLASSES": ["config.api.throttles.ApiUserThrottle"],
    "DEFAULT_PAGINATION_CLASS": "config.api.pagination.SyncCursorPagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_THROTTLE_RATE = env("API_THROTTLE_RATE", default="") or "1000/hour"
API_PAGE_SIZE = 100
API_MAX_PAGE_SIZE = 500
SPECTACULAR_SETTINGS = {
    "TITLE": "Portal Pembelajaran ASN Bontang API",
    "DESCRIPTION": "Read-only data for HR systems (SIMPEG, SIASN sync). See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "PREPROCESSING_HOOKS": ["config.api.schema.only_api_v1"],
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "config.api.schema.document_errors",
    ],
    "ENUM_NAME_OVERRIDES": {
        "DevelopmentTypeEnum": "competencies.siasn.DevelopmentType.choices",
    },
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from drf-spectacular-sidecar's static files: nothing comes from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# Outbound webhook (docs/api.md): when API_WEBHOOK_URL is set, every training-record
# change is POSTed there as JSON signed with HMAC-SHA256 under API_WEBHOOK_SECRET.
API_WEBHOOK_URL = env("API_WEBHOOK_URL", default="")
API_WEBHOOK_SECRET = env("API_WEBHOOK_SECRET", default="")
API_WEBHOOK_TIMEOUT = float(env("API_WEBHOOK_TIMEOUT", default="") or 10)

# Celery's autodiscovery reads each app's tasks.py only; the delivery task is in webhooks.py.
CELERY_IMPORTS = ["competencies.webhooks"]

# XAPI STATEMENTS OUT (docs/xapi.md)
# https://github.com/adlnet/xAPI-Spec/blob/master/xAPI-About.md
# When XAPI_LRS_ENDPOINT is set (the LRS's xAPI base, e.g. https://lrs.example/xAPI/),
# every learning event is recorded as an xAPI statement and sent there by a Celery task.
XAPI_LRS_ENDPOINT = env("XAPI_LRS_ENDPOINT", default="")
XAPI_LRS_KEY = env("XAPI_LRS_KEY", default="")
XAPI_LRS_SECRET = env("XAPI_LRS_SECRET", default="")
# The key of the learners' pseudonyms (HMAC-SHA256 of the user id). Keep it for ever:
# a new key gives every learner a new pseudonym. Empty: derived from DJANGO_SECRET_KEY.
XAPI_ACTOR_SECRET = env("XAPI_ACTOR_SECRET", default="")
# How a learner is named in statements: "pseudonym" (default), "email" (mbox) or "nip"
# (an account named by the NIP); the last two only if the agency chooses so.
XAPI_ACTOR_IDENTIFIER = env("XAPI_ACTOR_IDENTIFIER", default="") or "pseudonym"
XAPI_PLATFORM = env("XAPI_PLATFORM", default="") or "Portal ASN"
XAPI_LRS_TIMEOUT = float(env("XAPI_LRS_TIMEOUT", default="") or 10)
# Statements per POST, and POSTs per task run (the next run takes the rest).
XAPI_BATCH_SIZE = 200
XAPI_BATCHES_PER_RUN = 50

# CLASSROOM TRAINING
# ------------------------------------------------------------------------------
# Batches, sessions and attendance (docs/classroom.md).
# Minutes in one JP (jam pelajaran) when a session's JP is left empty.
CLASSROOM_MINUTES_PER_JP = env.int("DJANGO_CLASSROOM_MINUTES_PER_JP", default=45)
# The rotating attendance QR: a new token every this many seconds; a token is accepted in
# its own slot and the next one (so a scan just before the turn still works).
CLASSROOM_QR_SLOT_SECONDS = 30
# Check-in opens this many minutes before a session starts and closes when it ends;
# a check-in this many minutes after the start is marked late.
CLASSROOM_CHECKIN_OPENS_MINUTES = 30
CLASSROOM_LATE_AFTER_MINUTES = 15
# A virtual session's check-in code (shown by the host): a new 6-digit code every this many
# seconds, accepted in its slot and the next; participants may try this many codes per
# minute (django-ratelimit syntax, per signed-in person).
CLASSROOM_CODE_SLOT_SECONDS = 300
CLASSROOM_CODE_RATE = env("DJANGO_CLASSROOM_CODE_RATE", default="10/m")
