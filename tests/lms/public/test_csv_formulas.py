"""The open data CSV carries unit names typed by HR: a spreadsheet must not run them."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from competencies.models import OrgUnit
from tests.lms.public.conftest import YEAR


def test_open_data_csv_neutralises_formula_cells(client, city, home_page):
    OrgUnit.objects.filter(code="DINKES").update(name='=HYPERLINK("http://x")')

    response = client.get(reverse("public:data_csv"), {"tahun": YEAR})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    names = {r[1]: r[2] for r in rows[1:]}
    assert names["DINKES"].startswith("'=")
    assert rows[0][2] == "unit_name"
