"""xAPI (docs/xapi.md): the outbox is an ops table in the Django admin, staff only."""

from __future__ import annotations

from tests.security.url_expectations import DJANGO_ADMIN_LOGIN, everyone

PREFIX_RULES = {
    "django-admin/": {
        "/django-admin/lms/xapistatement/": everyone(DJANGO_ADMIN_LOGIN),
    },
}
