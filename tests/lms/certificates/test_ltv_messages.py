"""The signer's queue shows why a PDF could not get its validation data (B-LT for BSrE
PDFs, lms/signing/ltv.py) in the signer's language, like the OCSP refusals."""

from __future__ import annotations

from django.utils import translation

from pyhanko_certvalidator.errors import PathBuildingError

from lms.signing.ltv import refusal_for


def test_a_chain_refusal_is_in_the_signers_language():
    cause = PathBuildingError("no path to a trust root")
    with translation.override("id"):
        message = str(refusal_for(cause))
    assert message.startswith("Sertifikat penandatangan tidak tersambung ke root tepercaya")
    assert "no path to a trust root" in message
    with translation.override("en"):
        assert str(refusal_for(cause)).startswith(
            "The signing certificate does not chain to a trusted root"
        )
