"""The competency gap report and its heatmap."""

from __future__ import annotations

from django.urls import reverse

import pytest

pytestmark = pytest.mark.django_db


def test_gap_report_renders_for_hr(org, client):
    org.employee()
    client.force_login(org.hr)

    response = client.get(reverse("competencies_gap_report"), {"position": org.staff.pk})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Dinas Uji" in html and "M.05" in html


def test_gap_heatmap_has_a_legend_and_scrolls_instead_of_cutting(org, client):
    org.employee()
    client.force_login(org.hr)

    html = client.get(reverse("competencies_gap_report")).content.decode()

    legend = html[html.index('class="gap-legend"') :]
    for shade in ("gap-0", "gap-1", "gap-2", "gap-3"):
        assert shade in legend
    # The table scrolls in its own box (keyboard-reachable) instead of being clipped.
    assert '<div class="gap-heatmap-scroll" tabindex="0"' in html
    assert ".gap-heatmap-scroll { overflow-x: auto" in html
