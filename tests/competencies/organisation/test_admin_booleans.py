"""Admin listings say yes/no in the page's language, never a raw "True"/"False": Wagtail's
BooleanColumn labels its tick/cross icon with str(value), read out by screen readers;
templates/wagtailadmin/tables/boolean_cell.html translates it."""

from __future__ import annotations

import re

import pytest

from tests.factories.accounts import UserFactory
from tests.factories.competencies import OrgUnitFactory

pytestmark = pytest.mark.django_db


def _listing_text(client, language: str) -> str:
    OrgUnitFactory(name="Dinas Kesehatan", is_active=True)
    OrgUnitFactory(name="Dinas Lama", is_active=False)
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    client.cookies["django_language"] = language
    response = client.get("/admin/kepegawaian/unit/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = re.sub(r"<script.*?</script>", "", response.content.decode(), flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize(("language", "yes", "no"), [("id", "Ya", "Tidak"), ("en", "Yes", "No")])
def test_boolean_columns_say_yes_or_no_in_the_page_language(client, language, yes, no):
    text = _listing_text(client, language)

    assert not re.search(r"\b(True|False)\b", text), text
    assert f" {yes} " in f" {text} "
    assert f" {no} " in f" {text} "
