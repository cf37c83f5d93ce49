"""The public verification verdict is unmistakable: each state (valid, revoked, expired, not
found) has its own class, icon and words, and the stylesheet gives every state a colour on
screen and on paper."""

from __future__ import annotations

import datetime
import re

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

import pytest

from lms.models import Certificate
from lms.services.certificates import certificate_revoke

CSS = settings.BASE_DIR / "static" / "css" / "portal.css"
STATES = ("valid", "revoked", "expired", "not-found")


def _verdict(html: str) -> tuple[str, str]:
    match = re.search(
        r'<section[^>]*class="verdict verdict-([a-z-]+)[^"]*"[^>]*>(.*?)</section>', html, re.S
    )
    assert match, html
    return match.group(1), match.group(2)


def _page(client, code: str):
    return client.get(reverse("verify:detail", args=[code]), HTTP_ACCEPT_LANGUAGE="id")


@pytest.mark.django_db
def test_valid_certificate_verdict(client, certificate):
    state, body = _verdict(_page(client, certificate.code).content.decode())

    assert state == "valid"
    assert "Sertifikat sah" in body
    assert 'class="verdict-icon" aria-hidden="true"' in body


@pytest.mark.django_db
def test_revoked_certificate_verdict(client, certificate, administrator):
    certificate_revoke(
        certificate=certificate,
        actor=administrator,
        reason="Data keliru",
        category=Certificate.RevocationCategory.DATA_ERROR,
    )

    state, body = _verdict(_page(client, certificate.code).content.decode())

    assert state == "revoked"
    assert "Sertifikat dicabut" in body
    assert "verdict-icon" in body


@pytest.mark.django_db
def test_expired_certificate_verdict(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    state, body = _verdict(_page(client, certificate.code).content.decode())

    assert state == "expired"
    assert "Sertifikat kedaluwarsa" in body
    assert "verdict-icon" in body


@pytest.mark.django_db
def test_unknown_code_shows_a_not_found_verdict_with_status_404(client):
    response = _page(client, "tidak-ada")

    assert response.status_code == 404
    state, body = _verdict(response.content.decode())
    assert state == "not-found"
    assert "verdict-icon" in body
    assert reverse("verify:search") in response.content.decode()


@pytest.mark.django_db
def test_unknown_code_still_answers_json_404(client):
    response = client.get(
        reverse("verify:detail", args=["tidak-ada"]), HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 404
    assert "verdict" not in response.content.decode()


@pytest.mark.django_db
def test_search_without_a_match_shows_the_not_found_verdict(client, certificate):
    response = client.get(
        reverse("verify:search"),
        {"number": certificate.number, "name": "Orang Lain"},
        HTTP_ACCEPT_LANGUAGE="id",
    )

    state, body = _verdict(response.content.decode())
    assert state == "not-found"
    assert "Tidak ada sertifikat dengan nomor dan nama ini." in body


def _rules(css: str) -> dict[str, str]:
    """selector -> declarations, for the flat rules of a stylesheet fragment."""
    return {
        selector.strip(): body
        for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css)
        for selector in selectors.split(",")
    }


def _print_block(css: str) -> str:
    start = css.index("@media print")
    depth, i = 0, css.index("{", start)
    for j in range(i, len(css)):
        depth += {"{": 1, "}": -1}.get(css[j], 0)
        if depth == 0:
            return css[i + 1 : j]
    raise AssertionError("unterminated @media print")


def test_the_stylesheet_has_a_screen_and_print_rule_for_every_verdict():
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(), flags=re.S)
    screen = _rules(re.sub(r"@media[^{]*\{(?:[^{}]*\{[^{}]*\})*[^{}]*\}", "", css))
    printed = _rules(_print_block(css))

    assert "font-size" in screen[".verdict"]
    for state in STATES:
        rule = screen[f".verdict-{state}"]
        assert "background" in rule and "border-color" in rule and "color" in rule, state
        assert f".verdict-{state}" in printed, state
