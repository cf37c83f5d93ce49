"""The heat-map's cells, written in one pass by `{% heatmap_cells %}`, say what the
template's per-cell tags said: the colour class, below / required and the average gap
to one decimal as `floatformat:1` writes it in the active language."""

from __future__ import annotations

from django.template.defaultfilters import floatformat
from django.utils import translation

import pytest

from competencies.selectors.gaps import GapCell
from competencies.templatetags.gap_heatmap import heatmap_cells, options_of


@pytest.mark.parametrize("language", ["id", "en"])
def test_each_cell_has_the_class_counts_and_rounded_average_of_the_filter(language):
    with translation.override(language):
        for required in range(1, 13):
            for gap_total in range(0, 4 * required + 1):
                below = min(gap_total, required)
                cell = GapCell(required=required, below=below, gap_total=gap_total)
                average = floatformat(cell.average_gap, 1)
                heat = (
                    3 if cell.average_gap >= 2 else 2 if cell.average_gap >= 1 else int(bool(below))
                )
                assert heatmap_cells([cell]) == (
                    f'<td class="gap-cell gap-{heat}">{below}/{required}'
                    f"<br><small>{average}</small></td>"
                )


def test_a_competency_not_required_is_a_dash_and_the_cells_follow_in_order():
    html = heatmap_cells([None, GapCell(required=4, below=1, gap_total=1)])
    assert html.startswith('<td class="gap-cell">—</td><td class="gap-cell gap-1">1/4')


def test_options_escape_their_labels_and_mark_the_selected_one(org):
    org.unit_b.name = 'Bidang <B> & "C"'
    html = options_of([org.unit_a, org.unit_b], org.unit_b, "name")
    assert f'<option value="{org.unit_a.pk}">Bidang A</option>' in html
    assert (
        f'<option value="{org.unit_b.pk}" selected>Bidang &lt;B&gt; &amp; &quot;C&quot;</option>'
        in html
    )
    assert "selected" not in options_of([org.unit_a], None, "name")
