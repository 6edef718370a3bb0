"""The periodic jobs and when they run: the configuration of RQ's cron scheduler.

``rq cron app.jobs.schedule`` imports this module, which registers every entry of
``PERIODIC`` with RQ; ``flask sla sweep`` runs the same entries once, inline.
Each entry goes to the queue named by RQ_QUEUE and runs through
``app.jobs.queue.run_job``, inside an app context, like every other job.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

from rq import cron

from app.core.dispatch import resolve
from app.jobs.queue import run_job

log = logging.getLogger("lang_nghe.jobs")


@dataclass(frozen=True)
class Periodic:
    """A job path and its rhythm: every ``interval`` seconds, or a ``cron`` line (UTC)."""

    path: str
    interval: int | None = None
    cron: str | None = None


PERIODIC: tuple[Periodic, ...] = (
    # Deliveries a Redis outage or a killed worker left behind.
    Periodic("app.jobs.notifications.requeue_undelivered", interval=60),
    Periodic("app.jobs.sla.send_reminders", interval=300),
    Periodic("app.jobs.sla.escalate_overdue", interval=300),
    Periodic("app.jobs.sla.close_answered", cron="7 * * * *"),
    # Nightly score snapshots, at 01:00 in Ho Chi Minh City (18:00 UTC).
    Periodic("app.jobs.scores.refresh_score_snapshots", cron="0 18 * * *"),
    # Contact details and files of long-closed cases, at 02:30 in Ho Chi Minh City.
    Periodic("app.jobs.retention.sweep", cron="30 19 * * *"),
    # Export files are kept for a day.
    Periodic("app.jobs.exports.remove_old_exports", cron="15 * * * *"),
)


def register(queue_name: str | None = None) -> None:
    """Hand every periodic job to RQ's cron registry (what `rq cron` reads)."""
    queue_name = queue_name or os.environ.get("RQ_QUEUE", "default")
    for job in PERIODIC:
        cron.register(run_job, queue_name, args=(job.path,), interval=job.interval,
                      cron=job.cron, job_timeout=600)


def run_all_once() -> list[tuple[str, object]]:
    """Run every periodic job now, in this process (`flask sla sweep`), in order.

    A job that fails is logged and reported; the others still run.
    """
    from app.extensions import db

    outcomes: list[tuple[str, object]] = []
    for job in PERIODIC:
        try:
            outcomes.append((job.path, resolve(job.path)()))
        except Exception as exc:  # noqa: BLE001 - report it and go on with the next job
            db.session.rollback()
            log.exception("periodic job %s failed", job.path)
            outcomes.append((job.path, exc))
    return outcomes


# Importing this module is what `rq cron app.jobs.schedule` does to read the schedule.
register()
