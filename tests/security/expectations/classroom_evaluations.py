"""Classroom evaluation and calendar (docs/classroom.md): the participant's form and the
committee's results answer 404 to anyone not in the (missing) batch; a trainer's own
ratings page is open to everyone signed in (empty without a trainer profile); HR's
calendar and a trainer's ratings under /admin/kelas/."""

from __future__ import annotations

from accounts.roles import Role
from tests.security.url_expectations import (
    ADMIN_HOME,
    NOT_FOUND,
    Expect,
    hr_only,
    signed_in,
    wagtail_admin,
)

_MISSING = {"pk": 999999}

EXPECTATIONS = {
    "classroom_evaluation:form": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom_evaluation:results": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "classroom_evaluation:trainer": Expect(signed_in()),
}

PREFIX_RULES = {
    "admin/": {
        "/admin/kelas/kalender/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kelas/pengajar/999999/penilaian/": wagtail_admin(ADMIN_HOME)
        | {Role.PENGELOLA_SDM: NOT_FOUND, Role.ADMINISTRATOR: NOT_FOUND},
    },
}
