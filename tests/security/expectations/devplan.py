"""The development plan (docs/development-plan.md) under the Wagtail admin: HR reads the
plans (the head of agency too, with the approval permission; not one of these roles);
a Pelatih (admin access, not HR) is sent back to the admin's home; unknown plans, items
and spending entries are 404 for HR. The public figures are on /transparansi/ (public.py)."""

from __future__ import annotations

from accounts.roles import Role
from tests.security.url_expectations import ADMIN_HOME, NOT_FOUND, hr_only, wagtail_admin

_HR_404 = {Role.PENGELOLA_SDM: NOT_FOUND, Role.ADMINISTRATOR: NOT_FOUND}
_404 = wagtail_admin(ADMIN_HOME) | _HR_404

PREFIX_RULES = {
    "admin/": {
        "/admin/kompetensi/rencana/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/rencana/pegawai/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/rencana/999999/": _404,
        "/admin/kompetensi/rencana/999999/susun/": _404,
        "/admin/kompetensi/rencana/999999/laporan/": _404,
        "/admin/kompetensi/rencana/999999/approve/": _404,
        "/admin/kompetensi/rencana/999999/butir/baru/": _404,
        "/admin/kompetensi/rencana/999999/butir/999999/": _404,
        "/admin/kompetensi/rencana/butir/999999/hapus/": _404,
        "/admin/kompetensi/rencana/butir/999999/realisasi/": _404,
        "/admin/kompetensi/rencana/belanja/999999/dokumen/": _404,
    },
}
