"""PostgreSQL session settings, per kind of process (docs/deployment.md, "PostgreSQL
settings"; docs/configuration.md).

A web request must never wait minutes on a runaway query or on a lock held by a long
transaction: gunicorn kills the worker at 60 s and the user sees a bare error. Celery
tasks run longer (their hard limit is 6 minutes); migrations, `seed_scale`, nightly
imports and the shell may legitimately run one long statement, so commands get no
timeout unless the environment asks for one. JIT is off: on this schema's short
routing queries it cost ~0.4 s of compilation and saved nothing."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

WEB = "web"
WORKER = "worker"
COMMAND = "command"

# (statement_timeout, lock_timeout) in milliseconds; 0 = no limit.
DEFAULT_TIMEOUTS: dict[str, tuple[int, int]] = {
    WEB: (30_000, 10_000),
    WORKER: (5 * 60_000, 30_000),  # the tasks' soft time limit (CELERY_TASK_SOFT_TIME_LIMIT)
    COMMAND: (0, 0),
}


def process_kind(argv: Sequence[str]) -> str:
    """`web` under gunicorn (or runserver), `worker` under Celery, else `command`."""
    program = Path(argv[0]).parts[-2:] if argv else ()
    if "celery" in program or any(part.startswith("celery") for part in program[-1:]):
        return WORKER
    if any(part.startswith(("gunicorn", "uvicorn", "daphne")) for part in program):
        return WEB
    if len(argv) > 1 and argv[1] == "runserver":
        return WEB
    return COMMAND


def postgres_options(
    *, kind: str, statement_timeout: int | None, lock_timeout: int | None, jit: bool
) -> str:
    """The libpq `options` string; an explicit timeout (environment) beats the default."""
    default_statement, default_lock = DEFAULT_TIMEOUTS[kind]
    statement = default_statement if statement_timeout is None else statement_timeout
    lock = default_lock if lock_timeout is None else lock_timeout
    options = [f"-c statement_timeout={statement}", f"-c lock_timeout={lock}"]
    if not jit:
        options.append("-c jit=off")
    return " ".join(options)


def database_with_session_options(
    database: dict,
    *,
    argv: Sequence[str],
    statement_timeout: int | None,
    lock_timeout: int | None,
    jit: bool,
) -> dict:
    """Adds the session options to a PostgreSQL `DATABASES` entry (others unchanged)."""
    if "postgresql" not in database.get("ENGINE", ""):
        return database
    options = database.setdefault("OPTIONS", {})
    extra = postgres_options(
        kind=process_kind(argv),
        statement_timeout=statement_timeout,
        lock_timeout=lock_timeout,
        jit=jit,
    )
    options["options"] = f"{options['options']} {extra}" if options.get("options") else extra
    return database
