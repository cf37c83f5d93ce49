"""The XLSX writer never writes a text cell as a formula, even when the text reaches the
sheet starting with "=" only after its control characters were removed."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from competencies.spreadsheets import xlsx_bytes


def test_text_starting_with_a_control_character_and_a_formula_stays_text():
    data = xlsx_bytes(sheets=[("S", [["Nama"], ["\x01=1+1"], ["=2+2"]])])

    sheet = load_workbook(io.BytesIO(data)).active
    cells = [row[0] for row in sheet.iter_rows(min_row=2)]

    assert [c.data_type for c in cells] == ["s", "s"]
    assert cells[0].value == "'=1+1"
    assert cells[1].value == "'=2+2"
