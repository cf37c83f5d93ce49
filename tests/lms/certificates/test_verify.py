from __future__ import annotations

import datetime
import json
import pathlib
import re
from html import escape

from django.urls import reverse
from django.utils import timezone, translation

import jsonschema
import pytest

from accounts.roles import Role
from lms.models import Certificate
from lms.services.certificates import certificate_revoke
from tests.factories.accounts import UserFactory

pytestmark = pytest.mark.django_db

SCHEMA = pathlib.Path("/work/shared/standards/obv3/ob_v3p0_achievementcredential_schema.json")
NIP_18 = re.compile(r"(?<!\d)\d{18}(?!\d)")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


def _verify(client, certificate, **headers):
    return client.get(reverse("verify:detail", args=[certificate.code]), **headers)


def test_valid_certificate_page_shows_holder_course_and_issuer(client, certificate):
    response = _verify(client, certificate)

    html = response.content.decode()
    assert response.status_code == 200
    assert "verify-valid" in html
    for text in (
        "Dr. Rina Lestari, S.Sos., M.Si.",
        "Pelayanan Prima",
        certificate.number,
        "Badan Kepegawaian dan Pengembangan Sumber Daya Manusia",
    ):
        assert text in html


def test_verify_page_masks_the_nip_and_shows_no_email(client, certificate, holder):
    html = _verify(client, certificate).content.decode()

    assert NIP_18.findall(html) == []
    assert EMAIL.findall(html) == []
    assert holder.nip[:4] + "*" * 10 + holder.nip[14:] in html


def test_verify_json_has_the_same_public_data(client, certificate, holder):
    response = _verify(client, certificate, HTTP_ACCEPT="application/json")

    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["status"] == "valid"
    assert data["number"] == certificate.number
    assert data["holder_name"] == "Dr. Rina Lestari, S.Sos., M.Si."
    assert data["holder_nip"] == holder.nip[:4] + "*" * 10 + holder.nip[14:]
    assert data["course_title"] == "Pelayanan Prima"
    assert data["jp"] == "4"
    assert data["issued_on"] == timezone.localdate().isoformat()
    text = json.dumps(data)
    assert NIP_18.findall(text) == []
    assert EMAIL.findall(text) == []


def test_revoked_certificate_shows_date_and_category_but_not_hrs_reason(
    client, certificate, administrator
):
    certificate_revoke(
        certificate=certificate,
        actor=administrator,
        reason="Data peserta keliru, lihat nota dinas Budi",
        category=Certificate.RevocationCategory.DATA_ERROR,
    )

    html = _verify(client, certificate).content.decode()
    data = _verify(client, certificate, HTTP_ACCEPT="application/json").json()

    assert "verify-revoked" in html
    assert "Kesalahan data sertifikat" in html or "Error in the certificate" in html
    assert "nota dinas" not in html
    assert data["status"] == "revoked"
    assert data["revocation_category"] == "data_error"
    assert "revocation_reason" not in data
    assert "nota dinas" not in str(data)
    assert data["revoked_on"] == timezone.localdate().isoformat()


def test_expired_certificate_shows_expired(client, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(
        valid_until=timezone.localdate() - datetime.timedelta(days=1)
    )

    html = _verify(client, certificate).content.decode()
    data = _verify(client, certificate, HTTP_ACCEPT="application/json").json()

    assert "verify-expired" in html
    assert data["status"] == "expired"


def test_unknown_or_pending_code_is_404(client, completed):
    assert client.get(reverse("verify:detail", args=["tidak-ada"])).status_code == 404
    pending = Certificate.objects.create(enrolment=completed, user=completed.user)
    assert client.get(reverse("verify:detail", args=[pending.code])).status_code == 404


def test_verify_by_number_and_holder_name(client, certificate):
    url = reverse("verify:search")
    assert client.get(url).status_code == 200

    found = client.get(url, {"number": certificate.number, "name": "rina  lestari"})
    assert found.status_code == 302
    assert found["Location"] == reverse("verify:detail", args=[certificate.code])

    titled = client.get(
        url, {"number": certificate.number, "name": "Dr. Rina Lestari, S.Sos., M.Si."}
    )
    assert titled.status_code == 302

    wrong = client.get(url, {"number": certificate.number, "name": "Rina"})
    assert wrong.status_code == 200
    assert "verify" in wrong.content.decode()
    assert certificate.code not in wrong.content.decode()


def test_verification_is_rate_limited_per_address(client, certificate, settings):
    settings.LMS_VERIFY_RATE = "3/m"
    url = reverse("verify:detail", args=[certificate.code])

    statuses = [client.get(url).status_code for _ in range(3)]
    limited = client.get(url)
    search = client.get(reverse("verify:search"))

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert search.status_code == 429  # one budget for every verification page
    other_address = client.get(url, REMOTE_ADDR="10.1.2.3")
    assert other_address.status_code == 200


def test_behind_a_proxy_the_limit_counts_per_real_client_address(client, certificate, settings):
    """With DJANGO_TRUSTED_CLIENT_IP_HEADER set (config/settings/base.py), every request
    comes from the proxy's REMOTE_ADDR, yet each client keeps its own budget."""
    settings.LMS_VERIFY_RATE = "2/m"
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    url = reverse("verify:detail", args=[certificate.code])
    proxy = {"REMOTE_ADDR": "10.0.0.1"}

    first = [client.get(url, HTTP_X_REAL_IP="203.0.113.7", **proxy).status_code for _ in range(3)]
    second = client.get(url, HTTP_X_REAL_IP="198.51.100.9", **proxy)

    assert first == [200, 200, 429]
    assert second.status_code == 200


def test_open_badges_credential_is_valid_against_the_schema(client, certificate):
    response = client.get(reverse("verify:credential", args=[certificate.code]))

    assert response.status_code == 200
    credential = response.json()
    jsonschema.validate(credential, json.loads(SCHEMA.read_text()))
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert credential["credentialSubject"]["achievement"]["name"] == "Pelayanan Prima"
    assert credential["id"] == f"http://testserver/verify/{certificate.code}/credential.json"
    assert NIP_18.findall(response.content.decode()) == []
    assert EMAIL.findall(response.content.decode()) == []


def test_schema_rejects_a_credential_without_issuer(client, certificate):
    credential = client.get(reverse("verify:credential", args=[certificate.code])).json()
    del credential["issuer"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(credential, json.loads(SCHEMA.read_text()))


def test_pdf_qr_points_at_the_absolute_verify_url(certificate):
    from lms.services.certificate_pdfs import certificate_data

    data = certificate_data(certificate=certificate)
    assert data.verify_url == f"http://testserver/verify/{certificate.code}/"


def test_verification_needs_no_login_and_works_for_everyone(client, certificate):
    client.force_login(UserFactory(roles=[Role.PELATIH]))
    assert _verify(client, certificate).status_code == 200


def test_accountability_log_counts_revocations_by_category_without_naming_the_holder(
    client, certificate, administrator
):
    """UU PDP: the public log publishes counts and categories, not people; a name and a
    number together would let anyone look the certificate up on /verify/."""
    certificate_revoke(
        certificate=certificate,
        actor=administrator,
        reason="Nota dinas Budi",
        category=Certificate.RevocationCategory.DATA_ERROR,
    )
    certificate.refresh_from_db()

    html = client.get(reverse("public:accountability")).content.decode()

    assert certificate.number not in html
    assert "Rina Lestari" not in html
    assert "Nota dinas" not in html
    section = html.split('id="revocations-heading"', 1)[1]
    with translation.override("id"):
        label = escape(str(Certificate.RevocationCategory.DATA_ERROR.label))
    assert re.search(rf"<th scope=\"row\">{re.escape(label)}</th>\s*<td>1</td>", section)
