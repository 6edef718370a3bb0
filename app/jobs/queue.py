"""The entry point an RQ worker calls, and the worker class that builds the app once."""
from __future__ import annotations

from functools import cache

from rq import Worker

from app.core.dispatch import get_queue, resolve  # noqa: F401 - get_queue for workers' tools


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
