"""Local development: `make run`. SQLite under var/, Celery tasks run eagerly in the web
process, e-mails written to var/mail/ so the invitation and reset links can be opened."""

from .base import *  # noqa: F403
from .base import VAR_DIR, env

SETTINGS_PROFILE = "dev"
DEBUG = env.bool("DJANGO_DEBUG", default=True)
SECRET_KEY = env("DJANGO_SECRET_KEY", default="dev-only-insecure-key-never-use-in-production")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])

# CELERY: no broker needed; set CELERY_TASK_ALWAYS_EAGER=0 to use a real worker, started
# with DJANGO_SETTINGS_MODULE=config.settings.dev (config/celery.py defaults to production).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CELERY_TASK_EAGER_PROPAGATES = True

# EMAIL: files under var/mail/, one per message.
EMAIL_BACKEND = env(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))

# STATIC: the dev server serves from the app folders; no manifest needed.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
