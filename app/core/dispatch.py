"""Background work: enqueue by dotted path with ids only, after the transaction commits.

With ``REDIS_URL`` set, jobs go to RQ and a worker (``make worker``) runs them.
Without it they run in-process right after the commit, through the same code
path. If Redis cannot be reached the request still succeeds: the outbox sweep
re-enqueues whatever was not delivered.
"""
from __future__ import annotations

import importlib
import logging
from collections.abc import Callable
from functools import cache
from typing import Any

from flask import current_app
from redis import Redis
from rq import Queue, Retry
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

log = logging.getLogger("lang_nghe.jobs")
PENDING_KEY = "lang_nghe_jobs"
DEFAULT_QUEUE = "default"
# What a worker runs for every job: it builds the app and calls the job by its path.
WORKER_ENTRY = "app.jobs.queue.run_job"


def resolve(path: str) -> Callable[..., Any]:
    """The function a dotted path such as ``app.jobs.notifications.deliver`` names."""
    module_name, _, attribute = path.rpartition(".")
    if not module_name.startswith("app.jobs."):
        raise ValueError(f"not a job: {path}")
    return getattr(importlib.import_module(module_name), attribute)


def enqueue(path: str, *args: int | str) -> None:
    """Run the job ``path(*args)`` once the current transaction has committed.

    Nothing runs if the transaction rolls back.
    """
    resolve(path)  # fail early on a typo, not in the worker
    db.session.info.setdefault(PENDING_KEY, []).append((path, args))


def dispatch(path: str, args: tuple) -> None:
    """Hand one job to RQ, or run it here when there is no Redis."""
    app = current_app._get_current_object()
    redis_url = app.config.get("REDIS_URL")
    if redis_url:
        try:
            rq_enqueue(redis_url, path, args, app.config["RQ_QUEUE"])
            return
        except Exception as exc:  # noqa: BLE001 - Redis down must not fail the request
            log.warning("could not enqueue %s%r on Redis (%s); the sweep will retry", path, args, exc)
            return
    run_inline(app, path, args)


@cache
def get_queue(redis_url: str, name: str = DEFAULT_QUEUE) -> Queue:
    """The RQ queue of that name on that Redis (one connection pool per process)."""
    connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    return Queue(name, connection=connection)


def rq_enqueue(redis_url: str, path: str, args: tuple, queue_name: str = DEFAULT_QUEUE) -> None:
    """Put one job on RQ; RQ retries it with backoff if it raises."""
    get_queue(redis_url, queue_name).enqueue(
        WORKER_ENTRY, path, *args, retry=Retry(max=3, interval=[10, 60, 300]), job_timeout=300,
        description=f"{path}{args!r}",
    )


def run_inline(app, path: str, args: tuple) -> None:
    """Run a job in its own app context (and so its own database session)."""
    with app.app_context():
        try:
            resolve(path)(*args)
        except Exception:  # noqa: BLE001 - a failed job is logged and retried by the sweep
            db.session.rollback()
            log.exception("inline job %s%r failed", path, args)
        finally:
            db.session.remove()


@event.listens_for(Session, "after_commit")
def _run_pending_jobs(session: Session) -> None:
    pending = session.info.pop(PENDING_KEY, None)
    if not pending:
        return
    for path, args in pending:
        dispatch(path, args)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending_jobs(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the outermost transaction rolled back
        session.info.pop(PENDING_KEY, None)
