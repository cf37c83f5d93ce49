from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from wagtail.models import ModelLogEntry

import pytest

from accounts.roles import Role
from competencies.models import HRScope, TrainingRecord
from lms.models import Certificate
from lms.services.certificate_pdfs import certificate_pdf_name
from lms.services.certificates import certificate_issue, certificate_reissue, certificate_revoke
from tests.factories.accounts import UserFactory
from tests.factories.competencies import OrgUnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(completed):
    return certificate_issue(enrolment_id=completed.pk)


def _entries(action):
    return ModelLogEntry.objects.filter(action=action)


def test_revoke_needs_a_reason_and_is_audited(certificate, hr_manager):
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=certificate, actor=hr_manager, reason="  ")

    revoked = certificate_revoke(certificate=certificate, actor=hr_manager, reason="Plagiat")

    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revoked_by == hr_manager
    entry = _entries("lms.certificate_revoke").get()
    assert entry.user_id == hr_manager.pk
    assert entry.object_id == str(certificate.pk)
    assert entry.data["note"] == "Plagiat"
    with pytest.raises(ValidationError):
        certificate_revoke(certificate=revoked, actor=hr_manager, reason="lagi")


@pytest.mark.parametrize("roles", [[Role.PESERTA], [Role.ATASAN], [Role.PELATIH]])
def test_only_hr_and_administrators_revoke(certificate, roles):
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, actor=UserFactory(roles=roles), reason="x")


def test_hr_manager_out_of_scope_cannot_revoke(certificate):
    scoped = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=scoped, unit=OrgUnitFactory(name="Dinas Lain"))
    with pytest.raises(PermissionDenied):
        certificate_revoke(certificate=certificate, actor=scoped, reason="x")


def test_reissue_replaces_the_certificate_with_a_fresh_snapshot(certificate, holder, administrator):
    holder.employee.full_name = "Rina Lestari Putri"
    holder.employee.save()

    new = certificate_reissue(certificate=certificate, actor=administrator, reason="Nama salah")

    old = Certificate.objects.get(pk=certificate.pk)
    assert not old.is_current
    assert old.status == Certificate.Status.REVOKED
    assert "Nama salah" in old.revocation_reason
    assert old.revocation_category == Certificate.RevocationCategory.REPLACED
    assert new.is_current and new.status == Certificate.Status.ISSUED
    assert new.replaces == old
    assert new.number != old.number and new.code != old.code
    assert new.holder_name == "Dr. Rina Lestari Putri, S.Sos., M.Si."
    assert new.pdf.name == certificate_pdf_name(certificate=new)
    assert new.code in new.pdf.name
    entry = _entries("lms.certificate_reissue").get()
    assert entry.object_id == str(new.pk)
    assert entry.data["changes"] == {"number": [old.number, new.number]}
    record = TrainingRecord.objects.get(source_key=f"enrolment:{certificate.enrolment_id}")
    assert record.certificate_number == new.number
    with pytest.raises(ValidationError):
        certificate_reissue(certificate=old, actor=administrator, reason="lagi")


def test_issue_after_reissue_does_nothing(certificate, administrator):
    new = certificate_reissue(certificate=certificate, actor=administrator, reason="Salah")
    assert certificate_issue(enrolment_id=certificate.enrolment_id) == new
    assert Certificate.objects.count() == 2


def test_admin_listing_is_scoped_and_searchable(client, certificate, hr_manager):
    client.force_login(hr_manager)
    url = reverse("lms_certificates:index")

    response = client.get(url, {"q": "Rina"})
    assert response.status_code == 200
    assert certificate.number in response.content.decode()
    assert certificate.number not in client.get(url, {"q": "Tidak Ada"}).content.decode()

    scoped = UserFactory(roles=[Role.PENGELOLA_SDM])
    HRScope.objects.create(user=scoped, unit=OrgUnitFactory(name="Dinas Lain"))
    client.force_login(scoped)
    assert certificate.number not in client.get(url).content.decode()


def test_admin_revoke_page_asks_for_a_reason_then_revokes(client, certificate, hr_manager):
    client.force_login(hr_manager)
    url = reverse("lms_certificates:revoke", args=[certificate.pk])

    assert client.get(url).status_code == 200
    missing = client.post(url, {"reason": ""})
    assert missing.status_code == 200
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.ISSUED

    html = client.get(url).content.decode()
    assert 'name="category"' in html
    assert 'value="replaced"' not in html  # only a reissue sets "replaced"

    done = client.post(url, {"reason": "Sertifikat ganda", "category": "withdrawn"})
    assert done.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert certificate.revocation_reason == "Sertifikat ganda"
    assert certificate.revocation_category == Certificate.RevocationCategory.WITHDRAWN
    # HR's listing shows the category; the admin page keeps the reason for HR.
    listing = client.get(reverse("lms_certificates:index")).content.decode()
    assert "Withdrawn by administrative decision" in listing or "Ditarik" in listing


def test_admin_reissue_page_reissues(client, certificate, administrator):
    client.force_login(administrator)
    url = reverse("lms_certificates:reissue", args=[certificate.pk])

    response = client.post(url, {"reason": "Gelar belum tercantum"})

    assert response.status_code == 302
    assert Certificate.objects.filter(enrolment=certificate.enrolment, is_current=True).get() != (
        certificate
    )


def test_learners_cannot_open_the_admin_actions(client, certificate):
    client.force_login(UserFactory(roles=[Role.PELATIH]))
    response = client.get(reverse("lms_certificates:revoke", args=[certificate.pk]))
    assert response.status_code in (302, 403, 404)
    assert Certificate.objects.get(pk=certificate.pk).status == Certificate.Status.ISSUED


def test_migration_categorises_existing_revocations(certificate, administrator, course):
    import importlib

    from django.apps import apps

    from tests.lms.certificates.conftest import complete

    migration = importlib.import_module(
        "lms.migrations.0005_certificate_revocation_category_bulk_evidence"
    )
    new = certificate_reissue(certificate=certificate, actor=administrator, reason="Nama")
    other = certificate_issue(enrolment_id=complete(UserFactory(), course).pk)
    certificate_revoke(certificate=other, actor=administrator, reason="Ganda")
    Certificate.objects.update(revocation_category="")  # as before the migration

    migration.categorise_revocations(apps, None)

    assert Certificate.objects.get(pk=certificate.pk).revocation_category == "replaced"
    assert Certificate.objects.get(pk=other.pk).revocation_category == "other"
    assert Certificate.objects.get(pk=new.pk).revocation_category == ""
