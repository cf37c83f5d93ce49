"""SCORM lessons (docs/scorm.md): a package's files answer 404 to anyone who is not a
learner, trainer or editor of its course; the runtime's commit endpoint is POST only
(and 404 to anyone but the attempt's owner, tests/lms/scorm/test_runtime.py); the
attempts report is for those who may see the course's report."""

from __future__ import annotations

from tests.security.url_expectations import LOGIN, NOT_FOUND, Expect, Outcome, everyone, row

EXPECTATIONS = {
    "scorm:file": Expect(everyone(NOT_FOUND), kwargs={"token": "tidak-ada", "path": "index.html"}),
    # Only on the separate content origin (off in the tests' settings): 404 elsewhere.
    "scorm:content_player": Expect(everyone(NOT_FOUND), kwargs={"capability": "tidak-ada"}),
    "scorm:content_file": Expect(
        everyone(NOT_FOUND), kwargs={"capability": "tidak-ada", "path": "index.html"}
    ),
    "scorm:commit": Expect(
        everyone(Outcome(405)), kwargs={"uuid": "00000000-0000-0000-0000-000000000000"}
    ),
    # The trainer's report of attempts: a course that does not exist is 404 to everyone
    # signed in (tests/lms/scorm/test_report.py covers who sees an existing one).
    "scorm:report": Expect(
        row(LOGIN, *[NOT_FOUND] * 5), kwargs={"course_id": 999999, "lesson_id": 999999}
    ),
    "scorm:report_export": Expect(
        row(LOGIN, *[NOT_FOUND] * 5), kwargs={"course_id": 999999, "lesson_id": 999999}
    ),
}
