"""H5P lessons (docs/h5p.md): a package's files and its player frame answer 404 to anyone
who is not a learner, trainer or editor of its course; the xAPI endpoint is POST only
(and 404 to anyone but a learner who opened the lesson, tests/lms/h5p/test_lessons.py)."""

from __future__ import annotations

from tests.security.url_expectations import NOT_FOUND, Expect, Outcome, everyone

EXPECTATIONS = {
    "h5p:file": Expect(everyone(NOT_FOUND), kwargs={"token": "tidak-ada", "path": "h5p.json"}),
    "h5p:player": Expect(everyone(NOT_FOUND), kwargs={"token": "tidak-ada"}),
    # Only on the separate content origin (off in the tests' settings): 404 elsewhere.
    "h5p:content_player": Expect(everyone(NOT_FOUND), kwargs={"capability": "tidak-ada"}),
    "h5p:content_file": Expect(
        everyone(NOT_FOUND), kwargs={"capability": "tidak-ada", "path": "h5p.json"}
    ),
    "h5p:xapi": Expect(everyone(Outcome(405)), kwargs={"lesson_id": 999999}),
}
