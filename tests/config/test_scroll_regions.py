"""A wide table scrolls sideways inside `.table-scroll` on phones; keyboard users can
only scroll it if the region takes focus, and a focusable region needs a name (axe-core
`scrollable-region-focusable`, WCAG 2.1.1). Every such wrapper in our templates must be
`tabindex="0" role="region"` with aria-labelledby or aria-label."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = re.compile(r"<div\b[^>]*\bclass=\"[^\"]*\btable-scroll\b[^\"]*\"[^>]*>")


def test_every_scrolling_table_region_is_focusable_and_named():
    wrappers = [
        (path.relative_to(ROOT), tag)
        for path in (ROOT / "templates").rglob("*.html")
        for tag in WRAPPER.findall(path.read_text(encoding="utf-8"))
    ]
    assert wrappers, "no .table-scroll wrapper found: the pattern no longer matches"
    bad = [
        f"{path}: {tag}"
        for path, tag in wrappers
        if 'tabindex="0"' not in tag
        or 'role="region"' not in tag
        or not re.search(r"aria-label(ledby)?=", tag)
    ]
    assert not bad, "\n".join(bad)
