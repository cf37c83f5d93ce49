"""Every URL pattern of config.urls, requested by each kind of visitor, answers as
tests/security/url_expectations.py says. A pattern missing from that table fails
test_every_url_pattern_has_an_expectation."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import pytest

from tests.factories.accounts import UserFactory
from tests.security.url_expectations import (
    ANONYMOUS,
    DJANGO_ADMIN_LOGIN,
    EXPECTATIONS,
    PREFIX_RULES,
    SUBJECTS,
    Outcome,
)

pytestmark = pytest.mark.django_db

HOW_TO_ADD = (
    "Add each to EXPECTATIONS in tests/security/url_expectations.py with the status every "
    "role should get (see the module docstring), so that no view ships unprotected."
)


def url_patterns(patterns=None, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, str]]:
    """(route, key) for every URL pattern, recursively. The key is the namespaced URL name,
    or the route when the pattern has no name."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
            yield route, name or route


def _prefix_rule_for(route: str) -> str | None:
    matches = [prefix for prefix in PREFIX_RULES if route.startswith(prefix)]
    return max(matches, key=len) if matches else None


def test_every_url_pattern_has_an_expectation():
    missing = sorted(
        f"{key!r} (route {route!r})"
        for route, key in url_patterns()
        if key not in EXPECTATIONS and _prefix_rule_for(route) is None
    )

    assert not missing, "URL patterns without an expected status per role:\n  " + (
        "\n  ".join(missing) + "\n" + HOW_TO_ADD
    )


def test_the_table_lists_no_url_that_no_longer_exists():
    keys = {key for _, key in url_patterns()}

    stale = sorted(set(EXPECTATIONS) - keys)

    assert not stale, f"remove these from tests/security/url_expectations.py: {stale}"


def test_every_prefix_rule_covers_real_patterns():
    routes = [route for route, _ in url_patterns()]

    empty = [prefix for prefix in PREFIX_RULES if not any(r.startswith(prefix) for r in routes)]

    assert not empty, f"prefix rules that match no URL pattern: {empty}"


@pytest.fixture
def visitors(db) -> dict[str, Client]:
    """One client per subject, each signed in as a member of that role only."""
    clients = {ANONYMOUS: Client()}
    for role in SUBJECTS[1:]:
        client = Client()
        client.force_login(UserFactory(roles=[role]))
        clients[role] = client
    return clients


def _answer(client: Client, path: str) -> Outcome:
    response = client.get(path)
    if response.status_code in (301, 302, 303, 307, 308):
        return Outcome(response.status_code, urlsplit(response["Location"]).path)
    return Outcome(response.status_code)


def _assert_matrix(visitors: dict[str, Client], path: str, expected: dict[str, Outcome]) -> None:
    actual = {subject: _answer(visitors[subject], path) for subject in SUBJECTS}
    wrong = {
        subject: f"expected {expected[subject]}, got {actual[subject]}"
        for subject in SUBJECTS
        if actual[subject] != expected[subject]
    }
    assert not wrong, f"GET {path}:\n" + "\n".join(f"  {s}: {m}" for s, m in wrong.items())


@pytest.mark.parametrize("key", sorted(EXPECTATIONS))
def test_url_answers_each_role_as_expected(key, visitors, request):
    expect = EXPECTATIONS[key]
    if expect.needs_home_page:
        request.getfixturevalue("home_page")
    if "/" in key:  # an unnamed pattern, keyed by its literal route
        path = "/" + key
    else:
        path = reverse(key, args=expect.args or None, kwargs=expect.kwargs or None)

    _assert_matrix(visitors, path, expect.outcomes)


@pytest.mark.parametrize(
    ("prefix", "path"),
    [(prefix, path) for prefix, samples in PREFIX_RULES.items() for path in samples],
)
def test_third_party_tree_sample_answers_each_role_as_expected(prefix, path, visitors, home_page):
    _assert_matrix(visitors, path, PREFIX_RULES[prefix][path])


def test_django_admin_opens_for_staff_only(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)

    assert client.get("/django-admin/").status_code == 200

    client.force_login(UserFactory(is_staff=False, roles=["Administrator"]))
    response = client.get("/django-admin/")
    assert (response.status_code, urlsplit(response["Location"]).path) == (
        DJANGO_ADMIN_LOGIN.status,
        DJANGO_ADMIN_LOGIN.redirect_to,
    )


def test_wagtail_front_end_login_cannot_bypass_allauth(client, home_page):
    """Wagtail's /_util/login/ is Django's plain LoginView (no rate limit, no MFA); the
    portal redirects it to allauth's sign-in, so a correct password posted there signs
    nobody in."""
    from tests.factories.accounts import PASSWORD

    user = UserFactory(email="rina@uji.example")

    response = client.post("/_util/login/", {"username": user.email, "password": PASSWORD})

    assert response.status_code == 302
    assert urlsplit(response["Location"]).path == reverse("account_login")
    assert "_auth_user_id" not in client.session
