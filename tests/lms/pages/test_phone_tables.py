"""Phones: no learner or public page may scroll sideways at 360 px. The browser test
tests/e2e/test_phone_width.py measures the pages; this fast guard makes sure every table of
a learner or public template is either a stacking table (class "stack-table", each body cell
labelled with its column) or sits in a ".table-scroll" region, so a new wide table cannot
slip in unnoticed (docs/testing.md "Phone width")."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"
# Learner and public templates; the trainer and admin screens are desktop tools.
SKIP_DIRS = {"admin", "trainer", "certificates"}
# Two-column (label, value) tables, narrow by construction.
NARROW = {"lms/verify_detail.html"}


def _learner_templates() -> list[Path]:
    paths = []
    for folder in ("lms", "competencies"):
        for path in sorted((TEMPLATES / folder).rglob("*.html")):
            relative = path.relative_to(TEMPLATES)
            if SKIP_DIRS & set(relative.parts[1:-1]) or str(relative) in NARROW:
                continue
            if "<table" in path.read_text(encoding="utf-8"):
                paths.append(path)
    return paths


@pytest.mark.parametrize("path", _learner_templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_table_stacks_or_scrolls_inside_its_region(path):
    html = path.read_text(encoding="utf-8")
    for match in re.finditer(r"<table[^>]*>", html):
        before = html[max(0, match.start() - 200) : match.start()]
        if "stack-table" in match.group(0):
            body = html[match.end() : html.index("</table>", match.end())]
            unlabelled = [td for td in re.findall(r"<td[^>]*>", body) if "data-label" not in td]
            # The first cell of a row may be its title (no label needed), nothing else.
            rows = body.count("<tr")
            assert len(unlabelled) <= rows, (path, unlabelled)
        else:
            assert "table-scroll" in before, (path, match.group(0))
