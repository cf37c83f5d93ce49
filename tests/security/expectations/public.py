"""Public transparency pages (everyone) and training-need proposals (signed in)."""

from __future__ import annotations

from accounts.roles import Role
from tests.security.url_expectations import (
    ADMIN_HOME,
    NOT_FOUND,
    OK,
    Expect,
    Outcome,
    everyone,
    hr_only,
    signed_in,
    wagtail_admin,
)

EXPECTATIONS = {
    "public:dashboard": Expect(everyone(OK)),
    "public:data_csv": Expect(everyone(OK)),
    "public:data_json": Expect(everyone(OK)),
    "public:data_dictionary": Expect(everyone(OK)),
    "public:accountability": Expect(everyone(OK)),
    "proposals:list": Expect(signed_in()),
    "proposals:new": Expect(signed_in()),
    "proposals:detail": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    "proposals:support": Expect(signed_in(Outcome(405)), kwargs={"pk": 999999}),  # POST only
}

# A proposal's admin views look it up in the HR manager's scope (never _default_manager):
# trainers are refused before any lookup, HR and administrators get 404 for a missing one.
_PROPOSAL_OBJECT = wagtail_admin(ADMIN_HOME) | {
    Role.PENGELOLA_SDM: NOT_FOUND,
    Role.ADMINISTRATOR: NOT_FOUND,
}

PREFIX_RULES = {
    "admin/": {
        "/admin/usulan-kebutuhan/": wagtail_admin(ADMIN_HOME) | hr_only(),
        **{
            f"/admin/usulan-kebutuhan/{view}/999999/": _PROPOSAL_OBJECT
            for view in ("edit", "history", "usage", "delete")
        },
    },
}
