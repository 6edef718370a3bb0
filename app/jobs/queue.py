"""RQ plumbing: the queue, and the entry point a worker calls."""
from __future__ import annotations

from functools import cache

from redis import Redis
from rq import Queue, Retry, Worker

from app.jobs import DEFAULT_QUEUE, resolve


@cache
def get_queue(redis_url: str, name: str = DEFAULT_QUEUE) -> Queue:
    """The RQ queue of that name on that Redis (one connection pool per process)."""
    connection = Redis.from_url(redis_url, socket_connect_timeout=2, socket_timeout=5)
    return Queue(name, connection=connection)


def rq_enqueue(redis_url: str, path: str, args: tuple, queue_name: str = DEFAULT_QUEUE) -> None:
    """Put one job on RQ; RQ retries it with backoff if it raises."""
    get_queue(redis_url, queue_name).enqueue(
        run_job, path, *args, retry=Retry(max=3, interval=[10, 60, 300]), job_timeout=300,
        description=f"{path}{args!r}",
    )


@cache
def _worker_app():
    from app import create_app

    return create_app()


class AppWorker(Worker):
    """`rq worker --worker-class app.jobs.queue.AppWorker`: builds the app once.

    The app is created before the worker forks a work-horse per job, so each job
    starts at once instead of importing and configuring everything again. No
    database connection is opened here; each work-horse opens its own.
    """

    def work(self, *args, **kwargs):
        _worker_app()
        return super().work(*args, **kwargs)


def run_job(path: str, *args):
    """What the RQ worker executes: the job inside an app context of this process's app."""
    from app.extensions import db

    app = _worker_app()
    with app.app_context():
        try:
            return resolve(path)(*args)
        finally:
            db.session.remove()
