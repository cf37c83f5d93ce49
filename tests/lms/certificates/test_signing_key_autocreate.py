"""Production never makes up a signing key: every machine must sign with the same one."""

from __future__ import annotations

import pytest

from lms.services import credentials


def test_a_missing_key_is_an_error_when_autocreate_is_off(settings, tmp_path):
    settings.LMS_CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "missing.pem")
    settings.LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE = False

    with pytest.raises(credentials.SigningKeyMissing):
        credentials.signing_key()
    assert not (tmp_path / "missing.pem").exists()


def test_development_creates_the_key_on_first_use(settings, tmp_path):
    settings.LMS_CREDENTIAL_SIGNING_KEY_FILE = str(tmp_path / "dev.pem")
    settings.LMS_CREDENTIAL_SIGNING_KEY_AUTOCREATE = True

    key = credentials.signing_key()

    assert (tmp_path / "dev.pem").exists()
    assert credentials.signing_key() is key  # cached per file version
