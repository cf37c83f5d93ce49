from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from pathlib import Path

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from wagtail.models import ModelLogEntry

import pytest
from openpyxl import load_workbook

from accounts.models import User
from accounts.roles import Role
from competencies.models import Employee, HRScope, PendingImport
from tests.competencies.imports.files import csv_bytes, xlsx_bytes
from tests.factories.accounts import UserFactory
from tests.factories.competencies import EmployeeFactory, OrgUnitFactory, valid_nip

pytestmark = pytest.mark.django_db

INDEX = "competencies_imports:index"
GOOD = ["199203152019032001", "Rina", "rina@bontang.example"]
OTHER = ["198507202010011003", "Budi", "budi@bontang.example"]
BAD = ["199203152019033001", "Sari", "sari@bontang.example"]


@pytest.fixture
def hr_client(client):
    client.force_login(UserFactory(roles=[Role.PENGELOLA_SDM]))
    return client


def _upload(client, data: bytes, name: str = "pegawai.csv", kind: str = "employees"):
    return client.post(
        reverse(INDEX), {"kind": kind, "file": SimpleUploadedFile(name, data)}, follow=True
    )


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.content.decode()).group(1)


SCREENS = [
    ("competencies_imports:index", []),
    ("competencies_imports:preview", []),
    ("competencies_imports:template", ["units", "csv"]),
    ("competencies_imports:export", ["employees", "xlsx"]),
]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        (None, "/accounts/login/"),
        (Role.PESERTA, "/accounts/login/"),
        (Role.ATASAN, "/accounts/login/"),
        (Role.PELATIH, "/admin/"),  # in the admin, but not HR: sent to the dashboard
    ],
)
def test_only_hr_managers_and_administrators_reach_the_import_screens(client, role, expected):
    if role:
        client.force_login(UserFactory(roles=[role]))

    for name, args in SCREENS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302, name
        assert response["Location"].split("?")[0] == expected, name
    response = client.post(reverse("competencies_imports:commit"), {"token": "x" * 32})
    assert response.status_code == 302 and response["Location"].split("?")[0] == expected


@pytest.mark.parametrize("role", [Role.PENGELOLA_SDM, Role.ADMINISTRATOR])
def test_hr_managers_and_administrators_open_the_import_screens(client, role):
    client.force_login(UserFactory(roles=[role]))

    for name, args in SCREENS:
        response = client.get(reverse(name, args=args))
        assert response.status_code == (302 if name.endswith("preview") else 200), name


def test_the_index_lists_templates_exports_and_every_column(hr_client):
    response = hr_client.get(reverse(INDEX))

    assert response.status_code == 200
    html = response.content.decode()
    assert reverse("competencies_imports:template", args=["employees", "xlsx"]) in html
    assert reverse("competencies_imports:export", args=["units", "csv"]) in html
    for alias in ("nip_atasan", "kode_induk", "standar_kompetensi", "gelar_depan"):
        assert alias in html


def test_a_bad_row_is_shown_in_the_dry_run_and_nothing_is_written(hr_client):
    response = _upload(hr_client, csv_bytes(["nip", "nama", "email"], [GOOD, BAD]))

    assert response.status_code == 200
    html = response.content.decode()
    assert "<td>3</td>" in html
    assert "<td>nip</td>" in html
    assert 'name="token"' not in html
    assert not User.objects.filter(email__endswith="bontang.example").exists()


def test_a_valid_file_is_previewed_then_imported_once(
    hr_client, django_capture_on_commit_callbacks
):
    response = _upload(
        hr_client, xlsx_bytes(["nip", "nama", "email"], [GOOD, OTHER]), "pegawai.xlsx"
    )
    token = _token(response)
    assert not Employee.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        first = hr_client.post(
            reverse("competencies_imports:commit"), {"token": token}, follow=True
        )
    second = hr_client.post(reverse("competencies_imports:commit"), {"token": token}, follow=True)

    assert first.status_code == second.status_code == 200
    assert Employee.objects.count() == 2
    assert len(mail.outbox) == 2
    assert not PendingImport.objects.exists()  # claimed by the first click
    assert "2" in str(list(first.context["messages"])[0])


def test_an_upload_older_than_a_day_has_expired(hr_client):
    token = _token(_upload(hr_client, csv_bytes(["nip", "nama", "email"], [GOOD])))
    PendingImport.objects.update(created_at=timezone.now() - timedelta(days=1, minutes=1))

    preview = hr_client.get(reverse("competencies_imports:preview"), {"token": token})
    hr_client.post(reverse("competencies_imports:commit"), {"token": token})

    assert preview.status_code == 302
    assert not Employee.objects.exists()


def test_the_upload_is_kept_in_the_database_not_on_the_web_machines_disk(hr_client, settings):
    token = _token(_upload(hr_client, csv_bytes(["nip", "nama", "email"], [GOOD])))

    pending = PendingImport.objects.get(token=token)
    assert pending.kind == "employees"
    assert pending.name == "pegawai.csv"
    assert b"nip" in bytes(pending.data)
    assert not (Path(settings.MEDIA_ROOT) / "imports").exists()


def test_another_session_cannot_commit_someone_elses_upload(hr_client, client):
    token = _token(_upload(hr_client, csv_bytes(["nip", "nama", "email"], [GOOD])))
    other = type(client)()
    other.force_login(UserFactory(roles=[Role.ADMINISTRATOR]))

    other.post(reverse("competencies_imports:commit"), {"token": token})

    assert not Employee.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("pegawai.xlsx", b"nip,nama,email\n1,2,3\n"),
        ("pegawai.csv", "nip;nama\n1;Andi Pérez\n".encode("latin-1")),
        ("pegawai.txt", b"nip,nama,email\n"),
    ],
)
def test_files_whose_content_does_not_match_are_refused(hr_client, name, data):
    response = _upload(hr_client, data, name)

    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not hr_client.session.get("competencies_imports")


def test_a_file_over_10_mb_is_refused(hr_client):
    response = _upload(hr_client, b"nip,nama,email\n" + b"x" * (10 * 1024 * 1024 + 1))

    assert response.context["form"].errors["file"]


def test_a_zip_that_is_not_a_workbook_is_refused(hr_client):
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("hello.txt", "hi")

    response = _upload(hr_client, stream.getvalue(), "pegawai.xlsx")

    assert response.context["form"].errors["file"]


def test_long_error_lists_are_paginated(hr_client):
    rows = [[valid_nip(n), "X", "bukan-email"] for n in range(150)]
    response = _upload(hr_client, csv_bytes(["nip", "nama", "email"], rows))

    page = response.context["errors_page"]
    assert page.paginator.count == 150
    assert len(page.object_list) == 100
    token_url = response.redirect_chain[-1][0]
    second = hr_client.get(token_url + "&p=2")
    assert len(second.context["errors_page"].object_list) == 50


def test_templates_download_in_both_formats(hr_client):
    xlsx = hr_client.get(reverse("competencies_imports:template", args=["positions", "xlsx"]))
    csv = hr_client.get(reverse("competencies_imports:template", args=["units", "csv"]))

    assert xlsx.status_code == csv.status_code == 200
    assert "attachment" in xlsx["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[0] == "code"
    assert csv.content.decode("utf-8-sig").startswith("code,name,kind,parent_code,is_active")
    assert (
        hr_client.get(reverse("competencies_imports:template", args=["planets", "csv"])).status_code
        == 404
    )


def test_a_scoped_hr_manager_exports_only_their_subtree(client):
    root = OrgUnitFactory(code="DINKES")
    inside = OrgUnitFactory(code="PUSKESMAS", parent=root)
    outside = OrgUnitFactory(code="DISDIK")
    EmployeeFactory(unit=inside, full_name="Dalam")
    EmployeeFactory(unit=outside, full_name="Luar")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=root)
    client.force_login(hr)

    employees = client.get(reverse("competencies_imports:export", args=["employees", "csv"]))
    units = client.get(reverse("competencies_imports:export", args=["units", "csv"]))

    text = employees.content.decode("utf-8-sig")
    assert "Dalam" in text and "Luar" not in text
    assert "PUSKESMAS" in units.content.decode() and "DISDIK" not in units.content.decode()


def test_a_scoped_hr_manager_cannot_import_outside_their_subtree_through_the_web(client):
    root = OrgUnitFactory(code="DINKES")
    OrgUnitFactory(code="DISDIK")
    hr = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=hr, unit=root)
    client.force_login(hr)

    response = _upload(
        client, csv_bytes(["nip", "nama", "email", "kode_unit"], [[*GOOD, "DISDIK"]])
    )

    assert "<td>kode_unit</td>" in response.content.decode()
    assert 'name="token"' not in response.content.decode()


def test_uploading_the_same_file_again_through_the_web_changes_nothing(
    hr_client, django_capture_on_commit_callbacks
):
    data = csv_bytes(["nip", "nama", "email"], [GOOD, OTHER])
    token = _token(_upload(hr_client, data))
    with django_capture_on_commit_callbacks(execute=True):
        hr_client.post(reverse("competencies_imports:commit"), {"token": token})
    mail.outbox.clear()
    entries = ModelLogEntry.objects.count()

    preview = _upload(hr_client, data)
    assert preview.context["report"].unchanged == 2
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        hr_client.post(reverse("competencies_imports:commit"), {"token": _token(preview)})

    assert callbacks == []
    assert mail.outbox == []
    assert ModelLogEntry.objects.count() == entries
    assert Employee.objects.count() == 2


def test_an_oversize_workbook_gets_a_clear_message_in_the_preview_and_changes_nothing(hr_client):
    employee = EmployeeFactory(golongan=32)
    stream = io.BytesIO()
    workbook_data = xlsx_bytes(
        ["nip", "nama", "email", "golongan"], [[employee.user.nip, "Rina", "r@x.example", "IV/a"]]
    )
    with (
        zipfile.ZipFile(io.BytesIO(workbook_data)) as source,
        zipfile.ZipFile(stream, "w", zipfile.ZIP_DEFLATED) as archive,
    ):
        for name in source.namelist():
            content = source.read(name)
            if name == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]+"', b'<dimension ref="A1:XFD1048576"', content
                )
            archive.writestr(name, content)

    response = _upload(hr_client, stream.getvalue(), "pegawai.xlsx")

    assert response.status_code == 200
    assert "terlalu besar untuk diperiksa sekaligus" in response.content.decode()
    assert 'name="token"' not in response.content.decode()  # no "Import now" button
    employee.refresh_from_db()
    assert employee.golongan == 32
