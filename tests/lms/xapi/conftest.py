"""A real LRS for the xAPI tests: Ralph (ralph-malph, pinned in requirements-ralph.txt)
with its file-system backend, installed in var/ralph-venv by `make ralph`; started per
test by ralph_server.ralph_start. Without it the tests skip (fail under
REQUIRE_SERVICES=1, as CI runs them)."""

from __future__ import annotations

import sys

import pytest

from tests.conftest import service_unavailable
from tests.lms.xapi.ralph_server import Ralph, RalphNotAvailable, ralph_start


@pytest.fixture
def ralph_lrs(tmp_path) -> Ralph:
    """A fresh Ralph LRS for the test (empty store), stopped afterwards."""
    try:
        ralph = ralph_start(tmp_path)
    except RalphNotAvailable as error:
        service_unavailable(str(error))
    try:
        yield ralph
    finally:
        ralph.stop()
        # Shown with the output of a failing test.
        sys.stdout.write(f"Ralph's log ({ralph.log}):\n{ralph.log.read_text()[-4000:]}\n")


@pytest.fixture
def xapi_on(settings, ralph_lrs) -> Ralph:
    """xAPI statements go to the test's Ralph."""
    settings.XAPI_LRS_ENDPOINT = ralph_lrs.endpoint
    settings.XAPI_LRS_KEY = ralph_lrs.key
    settings.XAPI_LRS_SECRET = ralph_lrs.secret
    settings.XAPI_ACTOR_SECRET = "uji-rahasia"
    return ralph_lrs
