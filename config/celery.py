import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun

# Production by default, as wsgi.py and asgi.py: a worker started without the variable
# must not run on the dev profile and its public secret key. Development and the tests
# name their settings module explicitly (the dev server runs tasks eagerly, no worker).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

app = Celery("asn_portal")
# Every CELERY_* Django setting configures the app (config/settings/base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# DATABASE CONNECTIONS IN THE WORKER
# Celery's Django fix-up (5.7 here) closes the database connection before and after
# every task, so each task paid for a new PostgreSQL backend: about a fifth of a
# certificate task's CPU (bench/NOTES.md). CELERY_DB_REUSE_MAX in the settings turns that
# off (the fix-up then recycles connections every N tasks), and these two handlers do
# what Django does around a request instead, so CONN_MAX_AGE and CONN_HEALTH_CHECKS apply
# to tasks as to web requests. The fix-up's worry, a task interrupted mid-query (soft
# time limit) leaving a connection that looks usable, is met by closing every connection
# after a task that did not succeed.


def _eager(task) -> bool:
    return bool(getattr(getattr(task, "request", None), "is_eager", False))


@task_prerun.connect
def _db_connections_before_task(task=None, **kwargs) -> None:
    if not _eager(task):
        from django.db import close_old_connections

        close_old_connections()


@task_postrun.connect
def _db_connections_after_task(task=None, state=None, **kwargs) -> None:
    if _eager(task):
        return  # the caller's connection and transaction (tests, the dev server)
    from django.db import close_old_connections, connections

    if state == "SUCCESS":
        close_old_connections()
    else:  # failed, retried or interrupted: the connection may be mid-query
        connections.close_all()


def enqueue_on_commit(task, *args, **kwargs) -> None:
    """Queues `task` once the current transaction commits. The data is saved by then, so
    a broker outage must not turn the request into an error page: it is logged, and the
    periodic sweep of each integration picks the work up again (pending notification
    e-mails, certificates, invitations; docs/architecture.md)."""
    from django.db import transaction

    def send() -> None:
        from kombu.exceptions import OperationalError as BrokerError

        try:
            task.apply_async(args=args, kwargs=kwargs)
        except (BrokerError, ConnectionError, OSError):
            logging.getLogger(__name__).exception(
                "Could not queue %s; the periodic sweep will retry it", task.name
            )

    transaction.on_commit(send)
