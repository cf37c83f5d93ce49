"""Classroom training (docs/classroom.md): the portal pages under /learning/kelas/ (the
visitors have no employee record and no batch, so the pages of one object answer 404)
and HR's screens under /admin/kelas/."""

from __future__ import annotations

from accounts.roles import Role
from tests.security.url_expectations import (
    ADMIN_HOME,
    NOT_FOUND,
    OK,
    Expect,
    Outcome,
    hr_only,
    signed_in,
    wagtail_admin,
)

POST_ONLY = Outcome(405)
# The committee's scan page without a (valid) personal QR token.
BAD_TOKEN = Outcome(400)
_MISSING = {"pk": 999999}

EXPECTATIONS = {
    "classroom:my": Expect(signed_in()),
    "classroom:apply": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "classroom:calling_letter": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom:calendar_ics": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom:withdraw": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "classroom:check_in": Expect(signed_in(NOT_FOUND), kwargs={"session_id": 999999}),
    "classroom:check_in_code": Expect(signed_in(NOT_FOUND), kwargs={"session_id": 999999}),
    "classroom:my_qr": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom:team": Expect(signed_in()),
    "classroom:nominate": Expect(signed_in(POST_ONLY)),
    "classroom:endorse": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "classroom:committee": Expect(signed_in(OK)),
    "classroom:session_board": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom:mark": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "classroom:qr": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom:code": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom:scan": Expect(signed_in(BAD_TOKEN)),
    "classroom:attendance_pdf": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
}

# One object in HR's scope: trainers are refused before any lookup, HR and administrators
# get 404 for a missing one.
_OBJECT = wagtail_admin(ADMIN_HOME) | {Role.PENGELOLA_SDM: NOT_FOUND, Role.ADMINISTRATOR: NOT_FOUND}

PREFIX_RULES = {
    "admin/": {
        **{
            f"/admin/kelas/{area}/": wagtail_admin(ADMIN_HOME) | hr_only()
            for area in ("angkatan", "sesi", "pengajar", "pembiayaan")
        },
        **{
            f"/admin/kelas/{area}/new/": wagtail_admin(ADMIN_HOME) | hr_only()
            for area in ("angkatan", "sesi", "pengajar", "pembiayaan")
        },
        **{
            f"/admin/kelas/{area}/{view}/999999/": _OBJECT
            for area in ("angkatan", "sesi")
            for view in ("edit", "history", "usage", "delete")
        },
        "/admin/kelas/pengajar-jp/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kelas/angkatan/999999/ringkasan/": _OBJECT,
        "/admin/kelas/sesi/999999/presensi/": _OBJECT,
        "/admin/kelas/angkatan/999999/status/": wagtail_admin(POST_ONLY),
        "/admin/kelas/nominasi/999999/putuskan/": wagtail_admin(POST_ONLY),
    },
}
