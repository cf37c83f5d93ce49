"""Ralph's LRS application as the xAPI tests serve it (conftest.py, in var/ralph-venv,
never imported by the portal or pytest).

Ralph 5.1.0's file-system LRS backend writes each POST with the data backend's default
operation, "create", which refuses to write to its statements file once it exists: the
second POST of statements fails with 500 ("already exists and overwrite is not allowed
with operation_type create"). Appending is what an LRS on one file needs, so the tests
set it; the LRS's own logic (duplicate ids, 409 on a different statement, queries) is
Ralph's, unchanged."""

from ralph.backends.data.base import BaseOperationType
from ralph.backends.lrs.fs import FSLRSBackend

FSLRSBackend.default_operation_type = BaseOperationType.APPEND

from ralph.api import app  # noqa: E402

__all__ = ["app"]
