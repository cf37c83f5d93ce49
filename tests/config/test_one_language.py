"""One language per page (docs/translations.md, "The language test").

Every learner, public and admin page of the permission matrix
(tests/security/url_expectations.py) is rendered on the demo data, once in Indonesian and
once in English, as the demo persona who sees it. A page fails when its visible text
(tags, attributes, scripts and styles stripped) holds a word of the OTHER language from a
short curated list, a raw boolean or an ISO timestamp."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from django.conf import settings
from django.urls import reverse

import pytest

from accounts.models import User
from lms.models import CoursePage
from tests.security.url_expectations import EXPECTATIONS, PREFIX_RULES

# The demo data, seeded once for the module (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_seeded")]

# Words that only the named language uses; the page in the OTHER language must not show
# them. Whole words, case-sensitive (a course title in sentence case is still caught).
WORDS: dict[str, tuple[str, ...]] = {
    "id": (
        "Simpan",
        "Batal",
        "Laporan",
        "Pembelajaran Saya",
        "Keluar",
        "Tim saya",
        # Our own admin menu (competencies/lms wagtail_hooks).
        "Kesenjangan kompetensi",
        "Kepatuhan JP",
        "Penugasan pelatihan",
        "Kebutuhan pelatihan",
        # Not "Kepegawaian" (the "Personnel" menu group): it is in the agency's own name.
    ),
    "en": (
        "Save",
        "Cancel",
        "Reports",
        "Dashboard",
        "Sign out",
        "My team",
        "Help",
        # Our own admin menu (competencies/lms wagtail_hooks).
        "Competency gaps",
        "JP compliance",
        "Course assignments",
        "Training needs",
    ),
}

# Pages that are not HTML for people, or only answer POST / redirect.
SKIP = {
    "health",
    "set_language",
    "javascript-catalog",
    "public:data_csv",
    "public:data_json",
    "lms:catalogue",
}

PERSONAS = ("peserta", "atasan", "admin")

ISO_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
RAW_BOOLEAN = re.compile(r"^(True|False)$")

# (language, path prefix, word): legitimately present. Keep each one explained.
ALLOWED: set[tuple[str, str, str]] = set()


class _VisibleText(HTMLParser):
    """Text nodes outside <script>/<style>/<template>, one string per node."""

    def __init__(self) -> None:
        super().__init__()
        self.nodes: list[str] = []
        self._hidden = 0
        self._sidebar = False

    def handle_starttag(self, tag: str, attrs) -> None:
        # Wagtail's sidebar menu is drawn from JSON in a script: its labels are visible.
        if tag in {"script", "style", "template"} and ("id", "wagtail-sidebar-props") not in attrs:
            self._hidden += 1
        elif tag == "script":
            self._sidebar = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._sidebar:
            self._sidebar = False
            return
        if tag in {"script", "style", "template"} and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if self._sidebar and not self._hidden:
            self.nodes += [m.group(1) for m in re.finditer(r'"label": "([^"]*)"', data)]
        elif not self._hidden and data.strip():
            self.nodes.append(" ".join(data.split()))


def visible_text(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.nodes


def problems(*, html: str, language: str, path: str) -> list[str]:
    nodes = visible_text(html)
    text = "\n".join(nodes)
    found = []
    other = "en" if language == "id" else "id"
    for word in WORDS[other]:
        if (language, path, word) in ALLOWED:
            continue
        if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text):
            line = next(n for n in nodes if word in n)
            found.append(f"{other} word {word!r}: {line[:80]!r}")
    found += [f"raw boolean {n!r}" for n in nodes if RAW_BOOLEAN.match(n)]
    found += [f"ISO timestamp {m.group()!r}" for m in ISO_TIMESTAMP.finditer(text)]
    return found


def _paths() -> list[str]:
    paths = []
    for key, expect in EXPECTATIONS.items():
        if key in SKIP or expect.kwargs or expect.args or "/" in key:
            continue
        paths.append(reverse(key))
    for samples in PREFIX_RULES.values():
        paths += [p for p in samples if p.startswith("/admin/")]
    return paths


def _set_language(user: User, language: str) -> None:
    """Wagtail's admin follows the account's own preference, the portal the cookie."""
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def _admin_once(client, language: str) -> None:
    admin = User.objects.get(email="admin@demo.bontang.example")
    _set_language(admin, language)
    client.force_login(admin)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    assert client.get("/admin/").status_code == 200


@pytest.mark.parametrize("language", ["id", "en"])
def test_every_page_speaks_one_language(client, language):
    # Wagtail builds its admin menu once per process: open it in the other language first,
    # so a label translated at registration (gettext, not gettext_lazy) stays in that
    # language and shows here.
    _admin_once(client, "en" if language == "id" else "id")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    paths = _paths()
    paths += [page.url for page in CoursePage.objects.live()]
    report: dict[str, list[str]] = {}
    rendered = 0
    for persona in (None, *PERSONAS):
        client.logout()
        if persona:
            user = User.objects.get(email=f"{persona}@demo.bontang.example")
            _set_language(user, language)
            client.force_login(user)
            client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        for path in paths:
            response = client.get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            rendered += 1
            found = problems(html=response.content.decode(), language=language, path=path)
            if found:
                report[f"{persona or 'anonymous'} {path}"] = found
    assert rendered > 50
    assert not report, "\n".join(f"{page}: {found}" for page, found in report.items())


def test_the_checker_sees_visible_text_only():
    html = (
        '<p title="Save">Simpan</p><script>var s = "Save";</script>'
        "<td>True</td><time datetime='2026-12-20T10:00'>20 Desember 2026</time>"
    )
    assert problems(html=html, language="id", path="/") == ["raw boolean 'True'"]
    sidebar = '<script id="wagtail-sidebar-props">{"label": "Kepatuhan JP"}</script>'
    assert problems(html=sidebar, language="en", path="/") == [
        "id word 'Kepatuhan JP': 'Kepatuhan JP'"
    ]
    assert problems(html="<p>2026-12-20T10:00Z</p>", language="en", path="/") == [
        "ISO timestamp '2026-12-20T10:00'"
    ]
