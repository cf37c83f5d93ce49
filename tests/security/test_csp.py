"""Content-Security-Policy (django-csp, config/csp.py): strict on learner pages, relaxed
only for the admin prefixes, and no inline script in our templates."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files.base import ContentFile

import pytest

from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy header on {response.request['PATH_INFO']}"
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/accounts/password/reset/"])
def test_learner_pages_carry_a_strict_policy(client, home_page, path):
    policy = _policy(client.get(path))

    assert policy["script-src"] == ["'self'"]
    assert "'unsafe-inline'" not in policy.get("style-src", [])
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]


def test_signed_in_pages_carry_the_strict_policy(client, home_page):
    client.force_login(UserFactory())

    policy = _policy(client.get("/accounts/profile/"))

    assert "'unsafe-inline'" not in policy["script-src"]


def test_wagtail_admin_gets_the_relaxed_policy_and_keeps_the_rest(client):
    client.force_login(UserFactory(roles=["Pelatih"]))

    response = client.get("/admin/")

    assert response.status_code == 200
    policy = _policy(response)
    assert "'unsafe-inline'" in policy["script-src"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]


def test_served_documents_keep_wagtails_own_deny_all_policy(client, settings, tmp_path):
    from wagtail.documents.models import Document

    document = Document.objects.create(
        title="Panduan", file=ContentFile(b"%PDF-1.4\n%%EOF\n", name="panduan.pdf")
    )

    response = client.get(document.url)

    assert response.status_code == 200
    assert response.headers["Content-Security-Policy"] == "default-src 'none'"


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=|<style\b", re.I)


# Templates rendered only inside the Wagtail admin (…/admin/…, wagtailadmin/…) run under
# the relaxed admin policy, which allows inline scripts and styles.
PORTAL_TEMPLATES = sorted(
    path
    for path in TEMPLATES.rglob("*.html")
    if not {"admin", "wagtailadmin"} & set(path.relative_to(TEMPLATES).parts[:-1])
)


@pytest.mark.parametrize("template", PORTAL_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_templates_have_no_inline_script_handler_or_style(template):
    """The strict policy would block them in the browser; move the code to static/js/
    and the styles to static/css/portal.css. json_script data blocks are fine."""
    html = template.read_text(encoding="utf-8")

    assert not INLINE_SCRIPT.search(html), "inline <script>: move it to a static/js/ file"
    assert not INLINE_HANDLER.search(html), "inline on…= handler: bind it in a static/js/ file"
    assert not INLINE_STYLE.search(html), "inline style: move it to static/css/portal.css"
