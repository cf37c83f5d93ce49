from __future__ import annotations

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def test_pages_are_in_indonesian_by_default(client, home_page):
    html = client.get("/").content.decode()

    assert '<html lang="id">' in html
    assert "Lewati ke konten utama" in html
    assert "Masuk" in html


def test_language_switch_changes_the_page_language(client, home_page):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302

    html = client.get("/").content.decode()

    assert '<html lang="en">' in html
    assert "Skip to main content" in html
    assert "Sign in" in html


def test_switching_back_to_indonesian(client, home_page):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    client.post(reverse("set_language"), {"language": "id", "next": "/"})

    assert '<html lang="id">' in client.get("/").content.decode()


def test_not_found_page_in_both_languages(client, home_page):
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get("/tidak-ada/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_every_message_is_translated_in_both_catalogues():
    from pathlib import Path

    import polib

    locale = Path(__file__).resolve().parents[2] / "locale"
    for language in ("id", "en"):
        catalogue = polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"))
        missing = [e.msgid for e in catalogue.untranslated_entries()]
        fuzzy = [e.msgid for e in catalogue.fuzzy_entries()]
        assert not missing, f"{language}: untranslated {missing[:10]}"
        assert not fuzzy, f"{language}: fuzzy {fuzzy[:10]}"


def test_plural_entries_have_as_many_forms_as_the_language():
    """Indonesian has one plural form (nplurals=1): an entry with two makes `msgfmt -c` fail."""
    import re
    from pathlib import Path

    import polib

    locale = Path(__file__).resolve().parents[2] / "locale"
    for language in ("id", "en"):
        catalogue = polib.pofile(str(locale / language / "LC_MESSAGES" / "django.po"))
        nplurals = int(re.search(r"nplurals=(\d+)", catalogue.metadata["Plural-Forms"]).group(1))
        wrong = [
            e.msgid
            for e in catalogue
            if e.msgid_plural and any(e.msgstr_plural.values()) and len(e.msgstr_plural) != nplurals
        ]
        assert not wrong, (
            f"{language}: {len(wrong)} entries with other than {nplurals} forms: {wrong[:5]}"
        )


def test_an_english_browser_still_gets_indonesian_until_the_person_switches(client, home_page):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="id">' in html

    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="id").content.decode()
    assert '<html lang="en">' in html


def test_sign_in_page_does_not_invite_people_to_sign_up(client, home_page):
    html = client.get(reverse("account_login")).content.decode()

    assert reverse("account_signup") not in html
    assert "BKPSDM" in html
