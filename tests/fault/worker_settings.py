"""Settings for the Celery workers the fault tests start: the test settings, with a real
broker and a short Redis visibility timeout, so that the task a killed worker held
(unacknowledged: CELERY_TASK_ACKS_LATE) is handed to the next worker within seconds
instead of the default hour."""

import os

from config.settings.test import *  # noqa: F403

CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_EAGER_PROPAGATES = False
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 5}
# The test's own queue, also for tasks the worker queues itself (the sweep queues
# certificate_issue), so that no other worker on the machine takes them.
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("FAULT_TEST_QUEUE", "celery")
# A slow task of the tests' own (tests/fault/tasks.py), run while Redis is stopped.
CELERY_IMPORTS = ["tests.fault.tasks"]
# E-mails the worker sends go to files the test can count (tests/fault/test_database_restart.py).
if os.environ.get("FAULT_TEST_EMAIL_DIR"):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = os.environ["FAULT_TEST_EMAIL_DIR"]
