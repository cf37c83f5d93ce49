"""Public transparency pages (everyone) and training-need proposals (signed in)."""

from __future__ import annotations

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

PREFIX_RULES = {
    "admin/": {
        "/admin/usulan-kebutuhan/": wagtail_admin(ADMIN_HOME) | hr_only(),
    },
}
