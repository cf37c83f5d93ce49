"""The pages: the employee's form computes the JP; HR's table, override and
re-computation screens (docs/jp-conversion.md)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from competencies.models import JpConversionRule, JpRecompute, TrainingRecord
from competencies.services.records import training_record_submit
from competencies.siasn import DevelopmentType as T

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _form(**overrides):
    data = {
        "title": "Workshop Pengadaan", "organiser": "LKPP", "kind": f"{T.WORKSHOP}:workshop",
        "started_on": "2026-04-01", "finished_on": "2026-04-02", "international": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_the_form_shows_the_computed_jp_before_sending(org, client, home_page):
    employee = org.employee()
    client.force_login(employee.user)
    response = client.post(reverse("competencies:record_add"), _form(compute="1"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="jp-computed"' in html
    assert "14 JP" in html  # two international workshop days, 7 JP each
    assert not TrainingRecord.objects.exists()

    response = client.post(
        reverse("competencies:record_add"),
        _form(proof=SimpleUploadedFile("s.pdf", PDF, content_type="application/pdf")),
    )
    assert response.status_code == 302
    record = TrainingRecord.objects.get()
    assert (record.jp, record.activity, record.international, record.development_type) == (
        Decimal(14),
        "workshop",
        True,
        T.WORKSHOP,
    )


def test_the_form_says_what_is_wrong_in_indonesian(org, client, home_page):
    employee = org.employee()
    client.force_login(employee.user)
    response = client.post(
        reverse("competencies:record_add"),
        _form(kind=f"{T.COACHING}:coaching", compute="1"),
        HTTP_ACCEPT_LANGUAGE="id",
    )
    assert "Isikan jumlah sesi." in response.content.decode()


def test_hr_sees_the_table_and_adds_a_version(org, client):
    client.force_login(org.hr)
    index = client.get(reverse("competencies_jp_rule:index"))
    assert index.status_code == 200
    assert "Seminar" in index.content.decode()
    response = client.post(
        reverse("competencies_jp_rule:add"),
        {
            "development_type": T.SEMINAR, "activity": "seminar", "unit": "day",
            "jp_national": "3", "jp_international": "5", "effective_from": "2027-01-01",
            "cap_per_day": "", "cap_per_month": "", "cap_per_year": "12", "source": "Perbup",
        },
    )  # fmt: skip
    assert response.status_code == 302, response.content.decode()[:2000]
    assert JpConversionRule.objects.filter(effective_from=datetime.date(2027, 1, 1)).exists()


def test_hr_copies_a_version_to_add_the_next_one(org, client):
    seminar = JpConversionRule.objects.get(development_type=T.SEMINAR)
    client.force_login(org.hr)
    url = reverse("competencies_jp_rule:copy", args=[seminar.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "development_type": T.SEMINAR, "activity": "seminar", "unit": "day",
            "jp_national": "4", "jp_international": "6", "effective_from": "2027-01-01",
            "cap_per_day": "", "cap_per_month": "", "cap_per_year": "8", "source": "Perbup",
        },
    )  # fmt: skip
    assert response.status_code == 302
    assert JpConversionRule.objects.filter(development_type=T.SEMINAR).count() == 2


def test_a_unit_scoped_hr_manager_reads_but_does_not_edit_the_table(org, client):
    client.force_login(org.scoped_hr)
    assert client.get(reverse("competencies_jp_rule:index")).status_code == 200
    assert client.get(reverse("competencies_jp_rule:add")).status_code in (302, 403)


def test_hr_overrides_through_the_page(org, client):
    employee = org.employee()
    record = training_record_submit(
        actor=employee.user, employee=employee, title="E-learning", organiser="X",
        development_type=T.E_LEARNING, activity="e_learning", units=Decimal(2),
        started_on=datetime.date(2026, 3, 5), finished_on=datetime.date(2026, 3, 5),
    )  # fmt: skip
    client.force_login(org.hr)
    decide = client.get(reverse("competencies_record:decide", args=[record.pk])).content.decode()
    url = reverse("competencies_record_jp_override", args=[record.pk])
    assert url in decide
    over = client.post(url, {"jp": "9", "reason": "Sertifikat"})
    assert over.status_code == 200, over.get("Location")
    assert "paling banyak 3 JP per hari" in over.content.decode()
    response = client.post(url, {"jp": "3", "reason": "Setengah hari."})
    assert response.status_code == 302
    record.refresh_from_db()
    assert (record.jp, record.jp_override_reason) == (Decimal(3), "Setengah hari.")


def test_recompute_pages_preview_and_confirm(org, client, django_capture_on_commit_callbacks):
    employee = org.employee()
    record = training_record_submit(
        actor=employee.user, employee=employee, title="Seminar", organiser="X",
        development_type=T.SEMINAR, activity="seminar", started_on=datetime.date(2026, 8, 5),
        finished_on=datetime.date(2026, 8, 5),
    )  # fmt: skip
    JpConversionRule.objects.create(
        development_type=T.SEMINAR, activity="seminar", unit="day", jp_national=Decimal(5),
        jp_international=Decimal(7), effective_from=datetime.date(2026, 7, 1),
    )  # fmt: skip
    client.force_login(org.hr)
    assert client.get(reverse("competencies_jp_recompute")).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post(reverse("competencies_jp_recompute"))
    run = JpRecompute.objects.get()
    assert started["Location"] == reverse("competencies_jp_recompute_run", args=[run.pk])
    preview = client.get(started["Location"]).content.decode()
    assert "Seminar" in preview and employee.display_name in preview
    record.refresh_from_db()
    assert record.jp == 4
    with django_capture_on_commit_callbacks(execute=True):  # the change's task
        confirmed = client.post(started["Location"])
    assert confirmed["Location"] == started["Location"]  # its progress, then its outcome
    record.refresh_from_db()
    assert record.jp == 5
    # Someone else's run is not theirs to see.
    client.force_login(org.scoped_hr)
    assert client.get(started["Location"]).status_code == 404


def test_the_progress_page_reloads_itself_while_the_preview_runs(org, client):
    run = JpRecompute.objects.create(
        requested_by=org.hr, status=JpRecompute.Status.RUNNING, progress=40
    )
    client.force_login(org.hr)
    html = client.get(reverse("competencies_jp_recompute_run", args=[run.pk])).content.decode()
    assert 'http-equiv="refresh"' in html and 'value="40"' in html


def test_the_transcript_says_what_the_yearly_cap_left_out(org, client, home_page):
    from competencies.services.records import training_record_approve

    JpConversionRule.objects.filter(activity="seminar").update(cap_per_year=Decimal(6))
    employee = org.employee()
    for month in (3, 4):
        when = datetime.date(2026, month, 5)
        record = training_record_submit(
            actor=employee.user, employee=employee, title="Seminar", organiser="X",
            development_type=T.SEMINAR, activity="seminar", started_on=when, finished_on=when,
        )  # fmt: skip
        training_record_approve(actor=org.hr, record=record)
    client.force_login(employee.user)
    html = client.get(reverse("competencies:transcript")).content.decode()
    assert "6 dari 20 JP" in html
    assert "2 JP di atas batas tahunan tabel konversi JP tidak dihitung." in html


def test_editing_a_version_records_use_is_refused_with_the_way_forward(org, client):
    employee = org.employee()
    record = training_record_submit(
        actor=employee.user, employee=employee, title="Seminar", organiser="X",
        development_type=T.SEMINAR, activity="seminar", started_on=datetime.date(2026, 3, 5),
        finished_on=datetime.date(2026, 3, 5),
    )  # fmt: skip
    client.force_login(org.hr)
    response = client.post(
        reverse("competencies_jp_rule:edit", args=[record.jp_rule_id]),
        {
            "development_type": T.SEMINAR, "activity": "seminar", "unit": "day",
            "jp_national": "3", "jp_international": "6", "effective_from": "2000-01-01",
            "cap_per_day": "", "cap_per_month": "", "cap_per_year": "", "source": "x",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 200
    assert "Add a new version" in response.content.decode() or "Tambahkan versi baru" in (
        response.content.decode()
    )
    record.jp_rule.refresh_from_db()
    assert record.jp_rule.jp_national == 4
