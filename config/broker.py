"""kombu's Redis transport with one fix: the worker survives Redis going away while a
task runs.

On a lost connection Celery 5.7's consumer first `collect()`s the connection, which
detaches the transport from it (`transport.client = None`), and then `close()`s it.
Closing the channel puts the messages still being worked on (CELERY_TASK_ACKS_LATE)
back on the queue, which builds a new Redis pool from `transport.client`: an
AttributeError (`'NoneType' object has no attribute 'hostname'`) that is no connection
error, so it escapes Celery's handling and the worker stops ("Unrecoverable error").
Here a detached channel raises a connection error instead, which Celery expects: it
logs it and reconnects. Nothing is lost: the unacknowledged message stays in Redis's
unacked index and comes back after the visibility timeout (a task that finishes in
the meantime fails to acknowledge, logged, and runs a second time: tasks are
idempotent, docs/STYLE.md §5).

Selected by CELERY_BROKER_TRANSPORT for redis:// broker URLs (config/settings/base.py);
tests/fault/test_worker_broker_outage.py stops Redis under a running task."""

from __future__ import annotations

from typing import Any

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection is None or self.connection.client is None:
            raise RedisConnectionError("the broker connection was closed after an outage")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
