"""The LRS client's refusals that need no LRS (tests/lms/xapi/test_lrs.py has the rest)."""

from __future__ import annotations

import pytest

from lms.xapi.client import LrsError, statements_post


def test_an_endpoint_that_is_not_http_is_refused_before_any_request():
    with pytest.raises(LrsError, match="http") as error:
        statements_post(endpoint="file:///etc/", key="k", secret="s", statements=[], timeout=1)
    assert error.value.transient  # a setting to fix; the statements wait


def test_an_unreachable_lrs_is_a_transient_error():
    with pytest.raises(LrsError, match="unreachable") as error:
        statements_post(
            endpoint="http://127.0.0.1:9/xAPI/", key="k", secret="s", statements=[], timeout=1
        )
    assert error.value.transient and error.value.status is None
