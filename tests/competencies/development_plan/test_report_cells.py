"""The report page formats its cells in the view (one formatter per request) exactly as
the template's `floatformat:"-1g"` did, in both languages."""

from __future__ import annotations

from decimal import Decimal

from django.template.defaultfilters import floatformat
from django.utils import translation

import pytest

from competencies.admin_views.development_plan import report_cell_formatter

VALUES = [
    0, 7, 1234, 1_500_000, 12_345_678_901, Decimal("0"), Decimal("24.0"), Decimal("2.5"),
    Decimal("1500000.00"), Decimal("1234567.45"), Decimal("0.05"), Decimal("0.04"),
    Decimal("99.95"), 12.5, 33.3, 100.0, 66.66666, 0.0,
]  # fmt: skip


@pytest.mark.parametrize("language", ["id", "en"])
def test_cells_read_as_floatformat_did(language):
    with translation.override(language):
        cell = report_cell_formatter()
        for value in VALUES:
            assert cell(value) == floatformat(value, "-1g"), value
        assert cell(None) == "—"
