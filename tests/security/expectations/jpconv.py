"""JP conversion (docs/jp-conversion.md): the table's viewset, HR's JP override of a
record and the re-computation screens, all under the Wagtail admin. The table opens for
HR (model permission); the function views refuse a Pelatih (admin access, not HR), whom
Wagtail sends back to the admin's home; unknown records and runs are 404 for HR."""

from __future__ import annotations

from accounts.roles import Role
from tests.security.url_expectations import ADMIN_HOME, NOT_FOUND, hr_only, wagtail_admin

_HR_404 = {Role.PENGELOLA_SDM: NOT_FOUND, Role.ADMINISTRATOR: NOT_FOUND}

PREFIX_RULES = {
    "admin/": {
        "/admin/kompetensi/konversi-jp/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/konversi-jp/new/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/hitung-ulang-jp/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/hitung-ulang-jp/999999/": wagtail_admin(ADMIN_HOME) | _HR_404,
        "/admin/kompetensi/riwayat-pelatihan/jp/999999/": wagtail_admin(ADMIN_HOME) | _HR_404,
    },
}
