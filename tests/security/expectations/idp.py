"""Individual development plans (docs/idp.md): the portal pages under /learning/idp/ (the
visitors have no employee record and no plan, so the pages of one object answer 404 to
everyone signed in: a plan one may not see is not admitted to exist) and HR's agreement
report under the Wagtail admin."""

from __future__ import annotations

from tests.security.url_expectations import (
    ADMIN_HOME,
    NOT_FOUND,
    Expect,
    Outcome,
    hr_only,
    signed_in,
    wagtail_admin,
)

POST_ONLY = Outcome(405)
_MISSING = {"pk": 999999}

EXPECTATIONS = {
    "idp:my": Expect(signed_in()),
    "idp:employee": Expect(signed_in(NOT_FOUND), kwargs={"employee_id": 999999}),
    "idp:create": Expect(signed_in(POST_ONLY), kwargs={"employee_id": 999999}),
    "idp:detail": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "idp:goal_add": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "idp:propose": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "idp:agree": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "idp:reopen": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
    "idp:review": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999, "stage": "mid_year"}),
    "idp:goal_delete": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "idp:activity_add": Expect(signed_in(NOT_FOUND), kwargs={"goal_id": 999999}),
    "idp:activity_delete": Expect(signed_in(NOT_FOUND), kwargs=_MISSING),
    "idp:session_log": Expect(signed_in(NOT_FOUND), kwargs={"activity_id": 999999}),
    "idp:session_confirm": Expect(signed_in(POST_ONLY), kwargs=_MISSING),
}

PREFIX_RULES = {
    "admin/": {
        "/admin/kompetensi/idp/": wagtail_admin(ADMIN_HOME) | hr_only(),
    },
}
