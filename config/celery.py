import logging
import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

app = Celery("asn_portal")
# Every CELERY_* Django setting configures the app (config/settings/base.py).
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


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
