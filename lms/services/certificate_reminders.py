"""Expiry reminders: 30 days before a certificate of a recurring course expires, its
holder and the HR managers in scope of their unit are told (beat schedule,
lms.tasks.certificate_expiry_reminders_send). Which certificates are due is
lms.selectors.certificates.certificate_reminder_candidates."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import NotificationKind
from accounts.services import notify, notify_many
from competencies.selectors.hr_scope import hr_managers_for_employee
from lms.models import Certificate
from lms.selectors.certificates import certificate_download_url, certificate_reminder_candidates


def certificate_expiry_reminders_send(*, today: datetime.date | None = None) -> int:
    """Reminds the holder and the HR managers in scope of their unit, 30 days before a
    certificate of a recurring course expires. Idempotent: dedupe keys per certificate
    and the `expiry_reminded_at` mark. Returns how many certificates were reminded."""
    sent = 0
    for certificate in certificate_reminder_candidates(today=today).iterator(chunk_size=200):
        params = {
            "course": certificate.course_title,
            "number": certificate.number,
            "valid_until": certificate.valid_until.strftime("%d-%m-%Y")
            if certificate.valid_until
            else "",
        }
        with transaction.atomic():
            notify(
                user=certificate.user,
                kind=NotificationKind.CERTIFICATE_EXPIRING,
                params=params,
                url=certificate_download_url(code=certificate.code),
                dedupe_key=f"certificate:{certificate.pk}:expiring",
            )
            employee = getattr(certificate.user, "employee", None)
            if employee is not None:
                notify_many(
                    users=hr_managers_for_employee(employee=employee),
                    kind=NotificationKind.CERTIFICATE_EXPIRING,
                    params={**params, "holder": certificate.holder_name},
                    url=reverse("lms_certificates:index") + f"?q={certificate.number}",
                    dedupe_prefix=f"certificate:{certificate.pk}:expiring:hr",
                )
            Certificate.objects.filter(pk=certificate.pk).update(expiry_reminded_at=timezone.now())
        sent += 1
    return sent
