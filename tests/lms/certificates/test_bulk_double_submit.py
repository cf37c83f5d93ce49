"""A double-submitted "Prepare the ZIP" form queues one job (accounts/submit_once.py)."""

from __future__ import annotations

import re

from django.urls import reverse

import pytest

from lms.models import CertificateBulkJob

pytestmark = pytest.mark.django_db


def test_a_double_submitted_zip_request_makes_one_job(
    client, course, hr_manager, django_capture_on_commit_callbacks
):
    client.force_login(hr_manager)
    url = reverse("lms_certificates:bulk_create")
    form = client.get(url)
    html = form.content.decode()
    assert "js/submit-once.js" in html
    token = re.search(r'name="submit_token" value="([^"]+)"', html).group(1)

    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"course": course.pk, "submit_token": token})
        second = client.post(url, {"course": course.pk, "submit_token": token})

    job = CertificateBulkJob.objects.get()
    assert (
        first["Location"]
        == second["Location"]
        == reverse("lms_certificates:bulk_detail", args=[job.pk])
    )
