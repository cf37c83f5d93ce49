"""Large uploads are checked by a Celery task with a progress bar (docs/imports.md)."""

from __future__ import annotations

import datetime
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

import pytest

from accounts.roles import Role
from competencies import tasks
from competencies.imports import checks
from competencies.models import Employee, PendingImport
from tests.competencies.imports.files import csv_bytes
from tests.factories.accounts import UserFactory
from tests.factories.competencies import valid_nip

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch):
    monkeypatch.setattr(checks, "BACKGROUND_CHECK_BYTES", 200)


@pytest.fixture
def hr_client(client):
    client.force_login(UserFactory(roles=[Role.PENGELOLA_SDM]))
    return client


def _rows(count: int) -> bytes:
    return csv_bytes(
        ["nip", "nama", "email"],
        [[valid_nip(n), f"Pegawai {n}", f"p{n}@bontang.example"] for n in range(count)],
    )


def _upload(client, data: bytes):
    return client.post(
        reverse("competencies_imports:index"),
        {"kind": "employees", "file": SimpleUploadedFile("pegawai.csv", data)},
        follow=True,
    )


def test_a_large_upload_shows_a_progress_bar_until_the_worker_has_checked_it(
    hr_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        waiting = _upload(hr_client, _rows(20))

    page = waiting.content.decode()
    assert "<progress" in page
    assert 'http-equiv="refresh"' in page
    assert 'name="token"' not in page  # no "Import now" before the check
    pending = PendingImport.objects.get()
    assert pending.check_status == PendingImport.Check.QUEUED
    assert len(callbacks) == 1

    callbacks[0]()  # the broker delivers the task (eager in tests)

    pending.refresh_from_db()
    assert (pending.check_status, pending.check_progress) == (PendingImport.Check.DONE, 100)
    checked = hr_client.get(waiting.redirect_chain[-1][0])
    assert checked.context["report"].rows == 20
    assert checked.context["report"].created == 20
    token = re.search(r'name="token" value="([^"]+)"', checked.content.decode()).group(1)
    assert not Employee.objects.exists()  # a dry run

    hr_client.post(reverse("competencies_imports:commit"), {"token": token})
    assert Employee.objects.count() == 20


def test_an_oversize_file_checked_in_the_background_gets_the_clear_message(
    hr_client, django_capture_on_commit_callbacks, monkeypatch
):
    from competencies.imports import reading

    monkeypatch.setattr(reading, "MAX_CELLS", 30)
    with django_capture_on_commit_callbacks(execute=True):
        waiting = _upload(hr_client, _rows(20))
    response = hr_client.get(waiting.redirect_chain[-1][0])

    assert "terlalu besar untuk diperiksa sekaligus" in response.content.decode()
    assert 'name="token"' not in response.content.decode()
    assert not Employee.objects.exists()


def test_the_check_task_is_safe_to_run_twice(hr_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks():
        _upload(hr_client, _rows(5))
    pending = PendingImport.objects.get()

    assert tasks.pending_import_check(pending.pk) is True
    assert tasks.pending_import_check(pending.pk) is False
    assert tasks.pending_import_check(pending.pk + 1000) is False


def test_a_check_that_never_started_is_queued_again_from_the_progress_page(
    hr_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():  # the broker was away: never delivered
        response = _upload(hr_client, _rows(5))
    PendingImport.objects.update(check_updated_at=timezone.now() - datetime.timedelta(minutes=5))

    with django_capture_on_commit_callbacks(execute=True):
        hr_client.get(response.redirect_chain[-1][0])

    assert PendingImport.objects.get().check_status == PendingImport.Check.DONE


def test_a_failed_check_sends_the_user_back_with_a_message(
    hr_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        response = _upload(hr_client, _rows(5))
    PendingImport.objects.update(check_status=PendingImport.Check.FAILED)

    page = hr_client.get(response.redirect_chain[-1][0], follow=True)

    assert page.redirect_chain[-1][0] == reverse("competencies_imports:index")
    assert "gagal; tidak ada yang diimpor" in page.content.decode()
