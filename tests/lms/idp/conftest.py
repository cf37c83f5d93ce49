"""The IDP pages use the same reporting line as the IDP services' tests
(tests/competencies/idp/conftest.py): one definition, imported as fixtures here."""

from tests.competencies.idp.conftest import Line, _english, line

__all__ = ["Line", "_english", "line"]
