"""Assignments area: the HR screens added under the Wagtail admin (saved rules,
training needs). They live under the admin/ prefix; these sample paths are requested."""

from __future__ import annotations

from tests.security.url_expectations import ADMIN_HOME, hr_only, wagtail_admin

PREFIX_RULES = {
    "admin/": {
        "/admin/pelatihan/penugasan/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/pelatihan/penugasan/baru/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/pelatihan/aturan/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/pelatihan/aturan/baru/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/pelatihan/kebutuhan/": wagtail_admin(ADMIN_HOME) | hr_only(),
    },
}
