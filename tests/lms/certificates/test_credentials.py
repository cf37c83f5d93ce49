"""Signed Open Badges 3.0 credentials: VC-JWT with the agency's Ed25519 key, the public
key at /verify/keys.json and /.well-known/did.json, credentialStatus for revocation,
alignments to the competencies, validUntil."""

from __future__ import annotations

import json
import pathlib

from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

import jsonschema
import pytest
from joserfc.util import urlsafe_b64decode, urlsafe_b64encode

from lms.models import Certificate, CourseCompetency
from lms.services import credentials
from lms.services.certificates import certificate_issue, certificate_revoke
from tests.factories.competencies import CompetencyFactory
from tests.lms.certificates.conftest import complete

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    pathlib.Path(
        "/work/shared/standards/obv3/ob_v3p0_achievementcredential_schema.json"
    ).read_text()
)


@pytest.fixture
def rich_certificate(course, holder):
    """A course with competencies and a validity."""
    course.certificate_validity_months = 24
    course.save()
    for level, name in ((3, "Pelayanan Publik"), (2, "Manajemen Arsip")):
        CourseCompetency.objects.create(
            course=course, competency=CompetencyFactory(name_id=name), target_level=level
        )
    return certificate_issue(enrolment_id=complete(holder, course).pk)


def _jwt(client, certificate) -> str:
    response = client.get(reverse("verify:credential_jwt", args=[certificate.code]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    return response.content.decode()


def test_signed_credential_verifies_with_the_published_key(client, rich_certificate):
    token = _jwt(client, rich_certificate)
    keys = client.get(reverse("verify:keys")).json()

    header = json.loads(urlsafe_b64decode(token.split(".")[0].encode()))
    assert header["alg"] == "EdDSA"
    assert header["kid"] == keys["keys"][0]["kid"]
    payload = credentials.jws_verify(token=token, key_set=keys)

    # The payload is the credential served as JSON, and it is schema-valid.
    served = client.get(reverse("verify:credential", args=[rich_certificate.code])).json()
    assert payload == served
    jsonschema.validate(payload, SCHEMA)


def test_did_document_publishes_the_same_key_and_the_issuer_points_at_it(client, rich_certificate):
    did = client.get("/.well-known/did.json")
    assert did.status_code == 200
    document = did.json()
    credential = client.get(reverse("verify:credential", args=[rich_certificate.code])).json()
    token = _jwt(client, rich_certificate)
    kid = json.loads(urlsafe_b64decode(token.split(".")[0].encode()))["kid"]

    assert credential["issuer"]["id"] == document["id"] == "did:web:testserver"
    assert kid.startswith(document["id"] + "#")
    assert [m["id"] for m in document["verificationMethod"]] == [kid]
    assert document["assertionMethod"] == [kid]
    credentials.jws_verify(
        token=token,
        key_set={"keys": [{**document["verificationMethod"][0]["publicKeyJwk"], "kid": kid}]},
    )


def test_a_tampered_credential_fails_verification(client, rich_certificate):
    token = _jwt(client, rich_certificate)
    keys = client.get(reverse("verify:keys")).json()
    header, payload, signature = token.split(".")
    claims = json.loads(urlsafe_b64decode(payload.encode()))
    claims["credentialSubject"]["creditsEarned"] = 400.0
    forged = urlsafe_b64encode(json.dumps(claims, separators=(",", ":")).encode()).decode()

    with pytest.raises(ValueError, match="bad signature"):
        credentials.jws_verify(token=f"{header}.{forged}.{signature}", key_set=keys)


def test_a_credential_signed_with_another_key_fails(client, rich_certificate, signing_key_file):
    keys = client.get(reverse("verify:keys")).json()
    credentials.signing_key_generate(path=signing_key_file, overwrite=True)
    other_token = _jwt(client, rich_certificate)
    with pytest.raises(ValueError):
        credentials.jws_verify(token=other_token, key_set=keys)


def test_alignments_status_and_valid_until(client, rich_certificate):
    credential = client.get(reverse("verify:credential", args=[rich_certificate.code])).json()

    alignment = credential["credentialSubject"]["achievement"]["alignment"]
    assert [a["targetName"] for a in alignment] == ["Pelayanan Publik", "Manajemen Arsip"]
    assert {a["targetFramework"] for a in alignment} == {"PermenPANRB 38/2017"}
    assert {a["targetType"] for a in alignment} == {"ceasn:Competency"}
    assert [a["targetCode"] for a in alignment] == ["level-3", "level-2"]
    # The end of the last valid day in Bontang (WITA, UTC+8), in UTC.
    assert credential["validUntil"] == f"{rich_certificate.valid_until.isoformat()}T15:59:59Z"
    status_url = credential["credentialStatus"]["id"]
    assert credential["credentialStatus"]["type"] == "1EdTechRevocationList"
    assert status_url == f"http://testserver/verify/{rich_certificate.code}/status.json"


def test_status_shows_revocation_category_not_reason(client, rich_certificate, administrator):
    url = reverse("verify:credential_status", args=[rich_certificate.code])
    valid = client.get(url).json()
    assert valid["status"] == "valid"
    assert valid["revokedCredentials"] == []

    certificate_revoke(
        certificate=rich_certificate,
        actor=administrator,
        reason="Pemalsuan daftar hadir (nota internal)",
        category=Certificate.RevocationCategory.WITHDRAWN,
    )
    revoked = client.get(url).json()

    assert revoked["status"] == "revoked"
    (entry,) = revoked["revokedCredentials"]
    assert entry["revoked"] is True
    assert entry["revocationCategory"] == "withdrawn"
    assert entry["id"].endswith(f"/verify/{rich_certificate.code}/credential.json")
    assert "nota internal" not in json.dumps(revoked)
    # The signed credential itself is unchanged by a revocation.
    credentials.jws_verify(
        token=_jwt(client, rich_certificate), key_set=client.get(reverse("verify:keys")).json()
    )


def test_the_key_is_created_on_first_use_outside_the_repository(signing_key_file, settings):
    assert not signing_key_file.exists()
    credentials.signing_key()
    assert signing_key_file.exists()
    assert signing_key_file.stat().st_mode & 0o777 == 0o600
    assert b"PRIVATE KEY" in signing_key_file.read_bytes()


def test_management_command_generates_and_refuses_to_overwrite(signing_key_file, capsys):
    call_command("certificate_signing_key", "--generate")
    first = signing_key_file.read_bytes()
    assert "Key id:" in capsys.readouterr().out

    with pytest.raises(CommandError, match="already exists"):
        call_command("certificate_signing_key", "--generate")
    assert signing_key_file.read_bytes() == first

    call_command("certificate_signing_key", "--generate", "--force")
    assert signing_key_file.read_bytes() != first


def test_the_default_key_path_is_git_ignored():
    from django.conf import settings as django_settings

    default = pathlib.Path(django_settings.BASE_DIR) / "var" / "keys" / "credential-signing.pem"
    ignore = (pathlib.Path(django_settings.BASE_DIR) / ".gitignore").read_text()
    assert default.parent.parent.name == "var" and "var/*" in ignore.splitlines()


def test_valid_until_is_the_end_of_the_local_day_in_utc(client, rich_certificate):
    import datetime

    keys = client.get(reverse("verify:keys")).json()
    payload = credentials.jws_verify(token=_jwt(client, rich_certificate), key_set=keys)

    valid_until = datetime.datetime.fromisoformat(payload["validUntil"])
    wita = datetime.timezone(datetime.timedelta(hours=8))
    assert valid_until.tzinfo is not None and valid_until.utcoffset() == datetime.timedelta(0)
    assert valid_until.astimezone(wita) == datetime.datetime.combine(
        rich_certificate.valid_until, datetime.time(23, 59, 59), tzinfo=wita
    )


def test_credential_wording_follows_the_certificate_not_the_visitor(client, rich_certificate):
    from django.utils import translation

    from lms.services.credentials import credential_jwt, credential_ob3

    keys = client.get(reverse("verify:keys")).json()
    with translation.override("en"):
        english_visitor = credential_ob3(certificate=rich_certificate)
        token = credential_jwt(certificate=rich_certificate)
    with translation.override("id"):
        indonesian_visitor = credential_ob3(certificate=rich_certificate)

    assert english_visitor == indonesian_visitor
    assert english_visitor["description"].startswith("Telah menyelesaikan pelatihan")
    achievement = english_visitor["credentialSubject"]["achievement"]
    assert achievement["criteria"]["narrative"].startswith("Menyelesaikan semua pelajaran")
    assert achievement["alignment"][0]["targetDescription"] == "Level 3"  # no Indonesian change
    # Served to an English-speaking browser: the same signed credential, still valid.
    response = client.get(
        reverse("verify:credential", args=[rich_certificate.code]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.json() == indonesian_visitor
    assert credentials.jws_verify(token=token, key_set=keys) == indonesian_visitor
    english_course = Certificate.objects.filter(pk=rich_certificate.pk)
    english_course.update(language="en")
    with translation.override("id"):
        english = credential_ob3(certificate=english_course.get())
    assert english["description"].startswith("Completed the training")
