"""Portal-wide permissions (django-rules). Features add object-level rules in their own
app's rules.py, named "<app>.<action>_<model>"; rules autodiscovers them."""

from django.core.exceptions import PermissionDenied

import rules

from accounts.roles import Role, has_role


@rules.predicate
def is_learner(user) -> bool:
    return has_role(user, Role.PESERTA)


@rules.predicate
def is_supervisor(user) -> bool:
    return has_role(user, Role.ATASAN)


@rules.predicate
def is_trainer(user) -> bool:
    return has_role(user, Role.PELATIH)


@rules.predicate
def is_hr_manager(user) -> bool:
    return has_role(user, Role.PENGELOLA_SDM)


@rules.predicate
def is_administrator(user) -> bool:
    return has_role(user, Role.ADMINISTRATOR)


@rules.predicate
def is_api_service(user) -> bool:
    return has_role(user, Role.LAYANAN_API)


rules.add_perm("portal.access_admin", is_trainer | is_hr_manager | is_administrator)
rules.add_perm("portal.author_courses", is_trainer | is_administrator)
rules.add_perm("portal.access_hr", is_hr_manager | is_administrator)
rules.add_perm("portal.view_team", is_supervisor | is_hr_manager | is_administrator)
rules.add_perm("portal.manage_site", is_administrator)
# Reading /api/v1/ with a token (docs/api.md): service accounts and administrators.
rules.add_perm("portal.use_api", is_api_service | is_administrator)


def require_hr(user) -> None:
    """Refuses (403) anyone the ``portal.access_hr`` rule does not admit: the one check
    behind every HR page, export and HR-only service."""
    if not user.has_perm("portal.access_hr"):
        raise PermissionDenied
