"""SCORM lessons (docs/scorm.md): a package's files answer 404 to anyone who is not a
learner, trainer or editor of its course; the runtime's commit endpoint is POST only
(and 404 to anyone but the attempt's owner, tests/lms/scorm/test_runtime.py)."""

from __future__ import annotations

from tests.security.url_expectations import NOT_FOUND, Expect, Outcome, everyone

EXPECTATIONS = {
    "scorm:file": Expect(everyone(NOT_FOUND), kwargs={"token": "tidak-ada", "path": "index.html"}),
    "scorm:commit": Expect(
        everyone(Outcome(405)), kwargs={"uuid": "00000000-0000-0000-0000-000000000000"}
    ),
}
