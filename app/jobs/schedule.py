"""The configuration of RQ's cron scheduler: every periodic job, on the queue.

``rq cron app.jobs.schedule`` imports this module, which registers every entry of
``PERIODIC`` (listed in ``app.jobs.periodic``) with RQ. Each entry goes to the
queue named by RQ_QUEUE and runs through ``app.jobs.queue.run_job``, inside an
app context, like every other job.
"""
from __future__ import annotations

import os

from rq import cron

from app.jobs.periodic import PERIODIC
from app.jobs.queue import run_job

__all__ = ["PERIODIC", "register"]


def register(queue_name: str | None = None) -> None:
    """Hand every periodic job to RQ's cron registry (what `rq cron` reads)."""
    queue_name = queue_name or os.environ.get("RQ_QUEUE", "default")
    for job in PERIODIC:
        cron.register(run_job, queue_name, args=(job.path,), interval=job.interval,
                      cron=job.cron, job_timeout=600)


# Importing this module is what `rq cron app.jobs.schedule` does to read the schedule.
register()
