"""What every URL of the portal answers to a GET from each kind of visitor: the table
behind tests/security/test_permission_matrix.py.

A URL pattern missing here fails the matrix test, so a new view cannot ship unprotected
by accident. To add one:

1. Find its key: the URL name with namespaces ("account_profile", "lms:course_detail"),
   or, for an unnamed pattern, its route as the walker prints it ("admin/login/").
2. Add `"key": Expect(row(anonymous, Peserta, Atasan, Pelatih, Pengelola SDM,
   Administrator))`, one outcome per visitor, in that order. Give kwargs/args for
   patterns with parameters (a sample object that need not exist: the permission check
   must come before the lookup, or 404 is the honest answer for everyone).
3. Third-party trees with hundreds of views (Wagtail admin, Django admin) are covered by
   PREFIX_RULES: every pattern under the prefix counts as covered, and the listed sample
   paths are requested. A portal view under such a prefix still gets its own entry.

Visitors are users made by UserFactory(roles=[role]): members of the group only, never
staff or superuser (the demo administrator is also a superuser; see
test_django_admin_opens_for_staff_only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accounts.roles import Role

ANONYMOUS = "anonymous"
SUBJECTS: tuple[str, ...] = (
    ANONYMOUS,
    Role.PESERTA,
    Role.ATASAN,
    Role.PELATIH,
    Role.PENGELOLA_SDM,
    Role.ADMINISTRATOR,
)


@dataclass(frozen=True)
class Outcome:
    """An HTTP status; for redirects, also the path (no query) the Location points to."""

    status: int
    redirect_to: str | None = None

    def __str__(self) -> str:
        return f"{self.status} → {self.redirect_to}" if self.redirect_to else str(self.status)


OK = Outcome(200)
DENIED = Outcome(403)
NOT_FOUND = Outcome(404)
LOGIN = Outcome(302, "/accounts/login/")  # not signed in (or lacking a role the view checks)
HOME = Outcome(302, "/")
ADMIN_HOME = Outcome(302, "/admin/")  # Wagtail: signed in to the admin, no permission here
DJANGO_ADMIN_LOGIN = Outcome(302, "/django-admin/login/")  # which forwards to LOGIN
REAUTHENTICATE = Outcome(302, "/accounts/reauthenticate/")
# Signed in already: sent where they work (accounts.adapters.get_login_redirect_url).
LEARNING = Outcome(302, "/learning/")


def row(*outcomes: Outcome) -> dict[str, Outcome]:
    """Outcomes in SUBJECTS order: anonymous, Peserta, Atasan, Pelatih, Pengelola SDM,
    Administrator."""
    assert len(outcomes) == len(SUBJECTS), f"row() needs {len(SUBJECTS)} outcomes"
    return dict(zip(SUBJECTS, outcomes, strict=True))


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return row(*[outcome] * len(SUBJECTS))


def signed_in(outcome: Outcome = OK) -> dict[str, Outcome]:
    """Any signed-in person; anonymous visitors are sent to sign in."""
    return row(LOGIN, *[outcome] * (len(SUBJECTS) - 1))


def hr_only() -> dict[str, Outcome]:
    """To merge into a row: HR managers and administrators get the page."""
    return {Role.PENGELOLA_SDM: OK, Role.ADMINISTRATOR: OK}


def wagtail_admin(outcome: Outcome) -> dict[str, Outcome]:
    """Wagtail admin pages: the roles without `access_admin` are sent to sign in."""
    return row(LOGIN, LOGIN, LOGIN, outcome, outcome, outcome)


@dataclass(frozen=True)
class Expect:
    outcomes: dict[str, Outcome]
    kwargs: dict[str, Any] = field(default_factory=dict)
    args: tuple[Any, ...] = ()
    needs_home_page: bool = False


# Keyed by URL name (or route for unnamed patterns).
EXPECTATIONS: dict[str, Expect] = {
    # config
    "health": Expect(everyone(OK)),
    "favicon": Expect(everyone(Outcome(301, "/static/img/favicon.ico"))),
    "set_language": Expect(everyone(HOME)),  # GET does nothing and goes home; POST switches
    "javascript-catalog": Expect(everyone(OK)),
    "admin/login/": Expect(everyone(LOGIN)),
    "django-admin/login/": Expect(everyone(LOGIN)),
    "_util/login/": Expect(everyone(LOGIN)),
    "wagtailcore_login": Expect(everyone(LOGIN)),  # Wagtail's own, shadowed by the line above
    # accounts (ours)
    "account_profile": Expect(signed_in()),
    "account_notifications": Expect(signed_in()),
    "account_notifications_read": Expect(signed_in(Outcome(405))),  # POST only
    "account_notification_open": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    "account_notification_preferences": Expect(signed_in()),
    # competencies (ours): the visitors here have no employee record, which these pages
    # explain (200) or, for actions that need one, answer 404.
    "competencies:profile": Expect(signed_in()),
    "competencies:self_assessment": Expect(signed_in(NOT_FOUND)),
    "competencies:team": Expect(signed_in()),
    "competencies:rate_employee": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    "competencies:records": Expect(signed_in()),
    "competencies:record_add": Expect(signed_in(NOT_FOUND)),
    "competencies:record_proof": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    "competencies:assessment_evidence": Expect(signed_in(NOT_FOUND), kwargs={"pk": 999999}),
    # allauth: account
    "account_login": Expect(row(OK, LEARNING, LEARNING, ADMIN_HOME, ADMIN_HOME, ADMIN_HOME)),
    "account_logout": Expect(row(HOME, OK, OK, OK, OK, OK)),  # GET asks to confirm
    "account_inactive": Expect(everyone(OK)),
    "account_signup": Expect(
        row(OK, LEARNING, LEARNING, ADMIN_HOME, ADMIN_HOME, ADMIN_HOME)
    ),  # "signup closed"
    "account_reauthenticate": Expect(signed_in()),
    "account_request_reauthentication_code": Expect(signed_in()),
    "account_confirm_reauthentication_code": Expect(
        signed_in(Outcome(302, "/accounts/reauthenticate/code/"))
    ),
    "account_email": Expect(signed_in()),
    "account_email_verification_sent": Expect(everyone(OK)),
    "account_confirm_email": Expect(everyone(OK), kwargs={"key": "kunci-salah"}),
    "account_change_password": Expect(signed_in()),
    "account_set_password": Expect(signed_in(Outcome(302, "/accounts/password/change/"))),
    "account_reset_password": Expect(everyone(OK)),
    "account_reset_password_done": Expect(everyone(OK)),
    "account_reset_password_from_key": Expect(
        everyone(OK), kwargs={"uidb36": "zz", "key": "kunci-salah"}
    ),  # shows "bad token"
    "account_reset_password_from_key_done": Expect(everyone(OK)),
    "account_confirm_login_code": Expect(
        row(LOGIN, LEARNING, LEARNING, ADMIN_HOME, ADMIN_HOME, ADMIN_HOME)
    ),
    # allauth: MFA. Changing a factor asks for the password again first.
    "mfa_index": Expect(signed_in()),
    "mfa_authenticate": Expect(row(LOGIN, LEARNING, LEARNING, ADMIN_HOME, ADMIN_HOME, ADMIN_HOME)),
    "mfa_reauthenticate": Expect(signed_in(REAUTHENTICATE)),
    "mfa_activate_totp": Expect(signed_in(REAUTHENTICATE)),
    "mfa_deactivate_totp": Expect(signed_in(NOT_FOUND)),  # nothing to deactivate
    "mfa_view_recovery_codes": Expect(signed_in(NOT_FOUND)),
    "mfa_generate_recovery_codes": Expect(signed_in(REAUTHENTICATE)),
    "mfa_download_recovery_codes": Expect(signed_in(NOT_FOUND)),
    # lms (ours). Sample ids do not exist: the view answers 404 after its own checks.
    "lms:dashboard": Expect(signed_in()),
    "lms:catalogue": Expect(everyone(NOT_FOUND)),  # no catalogue page in this test's site
    "lms:resume": Expect(signed_in(NOT_FOUND), kwargs={"course_id": 999999}),
    "lms:evaluation": Expect(signed_in(NOT_FOUND), kwargs={"course_id": 999999}),
    "lms:attempt": Expect(
        signed_in(NOT_FOUND), kwargs={"attempt_uuid": "00000000-0000-0000-0000-000000000000"}
    ),
    "lms:trainer_course": Expect(signed_in(NOT_FOUND), kwargs={"course_id": 999999}),
    "lms:trainer_course_export": Expect(signed_in(NOT_FOUND), kwargs={"course_id": 999999}),
    "lms:trainer_essays": Expect(signed_in(NOT_FOUND), kwargs={"course_id": 999999}),
    "lms:enrol": Expect(signed_in(Outcome(405)), kwargs={"course_id": 999999}),  # POST only
    "lms:lesson_complete": Expect(signed_in(Outcome(405)), kwargs={"lesson_id": 999999}),
    "lms:quiz_start": Expect(signed_in(Outcome(405)), kwargs={"quiz_id": 999999}),
    "lms:trainer_essay_grade": Expect(signed_in(Outcome(405)), kwargs={"answer_id": 999999}),
    "lms:trainer_enrolment_decide": Expect(
        signed_in(Outcome(405)), kwargs={"enrolment_id": 999999}
    ),
    "lms:trainer_courses": Expect(row(LOGIN, DENIED, DENIED, OK, OK, OK)),
    # assignments: the supervisor's team page (empty without reports); the checks are
    # reporting lines, so a sample id outside one's team is 404 for everyone.
    "lms:team": Expect(signed_in()),
    "lms:team_nudge": Expect(signed_in(Outcome(405)), kwargs={"recipient_id": 999999}),
    "lms:team_propose": Expect(signed_in(NOT_FOUND), kwargs={"employee_id": 999999}),
    # Wagtail front end
    "wagtail_serve": Expect(everyone(OK), args=("",), needs_home_page=True),
    "wagtailcore_authenticate_with_password": Expect(
        everyone(NOT_FOUND), kwargs={"page_view_restriction_id": 999, "page_id": 999}
    ),
    "wagtaildocs_serve": Expect(everyone(NOT_FOUND), args=(999, "tidak-ada.pdf")),
    "wagtaildocs_authenticate_with_password": Expect(
        everyone(NOT_FOUND), kwargs={"restriction_id": 999}
    ),
    # Certificates (docs/certificates.md): the PDF for its holder, supervisor, HR and
    # administrators only (404 for a code that does not exist); verification is public.
    "lms:certificate_download": Expect(signed_in(NOT_FOUND), kwargs={"code": "tidak-ada"}),
    "verify:search": Expect(everyone(OK)),
    "verify:detail": Expect(everyone(NOT_FOUND), kwargs={"code": "tidak-ada"}),
    "verify:credential": Expect(everyone(NOT_FOUND), kwargs={"code": "tidak-ada"}),
}


# Route prefix → {sample path: outcomes}. Every pattern under the prefix is covered.
PREFIX_RULES: dict[str, dict[str, dict[str, Outcome]]] = {
    # Wagtail admin: `access_admin` (Pelatih, Pengelola SDM, Administrator) gets in;
    # each section then needs its own model permission, which no role has yet.
    "admin/": {
        "/admin/": wagtail_admin(OK),
        "/admin/account/": wagtail_admin(OK),
        # Site history lists objects of every unit and course: only for those who see
        # the whole organisation (administrators, HR managers without a scope).
        "/admin/reports/site-history/": wagtail_admin(OK) | {Role.PELATIH: ADMIN_HOME},
        "/admin/reports/site-history/results/": wagtail_admin(OK) | {Role.PELATIH: ADMIN_HOME},
        "/admin/pages/": wagtail_admin(ADMIN_HOME),
        "/admin/documents/": wagtail_admin(ADMIN_HOME),
        "/admin/images/": wagtail_admin(ADMIN_HOME),
        "/admin/users/": wagtail_admin(ADMIN_HOME),
        "/admin/groups/": wagtail_admin(ADMIN_HOME),
        "/admin/sites/": wagtail_admin(ADMIN_HOME),
        # HR screens (competencies): HR managers and administrators only.
        "/admin/kompetensi/kesenjangan/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/kepatuhan-jp/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kepegawaian/unit/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kepegawaian/jabatan/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kepegawaian/pegawai/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kepegawaian/cakupan-sdm/": wagtail_admin(ADMIN_HOME) | {Role.ADMINISTRATOR: OK},
        "/admin/kompetensi/kamus/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/penilaian/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/kompetensi/riwayat-pelatihan/": wagtail_admin(ADMIN_HOME) | hr_only(),
        "/admin/sertifikat/": wagtail_admin(ADMIN_HOME) | hr_only(),
    },
    # Django admin (ops tables): staff only; no role makes anyone staff.
    "django-admin/": {
        "/django-admin/": everyone(DJANGO_ADMIN_LOGIN),
        "/django-admin/accounts/user/": everyone(DJANGO_ADMIN_LOGIN),
        "/django-admin/auth/group/": everyone(DJANGO_ADMIN_LOGIN),
    },
}


def _merge_area_tables() -> None:
    """Fold in tests/security/expectations/<area>.py (one module per feature area)."""
    import importlib
    import pkgutil

    from tests.security import expectations

    for info in pkgutil.iter_modules(expectations.__path__):
        module = importlib.import_module(f"{expectations.__name__}.{info.name}")
        for key, expect in getattr(module, "EXPECTATIONS", {}).items():
            assert key not in EXPECTATIONS, f"{key} is defined twice (in {info.name})"
            EXPECTATIONS[key] = expect
        for prefix, samples in getattr(module, "PREFIX_RULES", {}).items():
            merged = PREFIX_RULES.setdefault(prefix, {})
            for path, outcomes in samples.items():
                assert path not in merged, f"{path} is defined twice (in {info.name})"
                merged[path] = outcomes


_merge_area_tables()
