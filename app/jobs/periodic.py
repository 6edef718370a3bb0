"""The periodic jobs and their rhythm, and running them all once, inline.

``app.jobs.schedule`` hands ``PERIODIC`` to RQ's cron scheduler; ``flask sla sweep``
runs the same entries once, here and now, through ``run_all_once``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from app.core.dispatch import resolve
from app.extensions import db

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
    # Co-handling requests: reminders at 75 % of their time, escalations past their day.
    Periodic("app.jobs.sla.sweep_cohandling", interval=300),
    # Answers waiting too long for the unit leader's sign-off.
    Periodic("app.jobs.signoff.remind_reviews", interval=300),
    # Nightly score snapshots, at 01:00 in Ho Chi Minh City (18:00 UTC).
    Periodic("app.jobs.scores.refresh_score_snapshots", cron="0 18 * * *"),
    # Contact details and files of long-closed cases, at 02:30 in Ho Chi Minh City.
    Periodic("app.jobs.retention.sweep", cron="30 19 * * *"),
    # Export files are kept for a day.
    Periodic("app.jobs.exports.remove_old_exports", cron="15 * * * *"),
)


def run_all_once() -> list[tuple[str, object]]:
    """Run every periodic job now, in this process (`flask sla sweep`), in order.

    A job that fails is logged and reported; the others still run.
    """
    outcomes: list[tuple[str, object]] = []
    for job in PERIODIC:
        try:
            outcomes.append((job.path, resolve(job.path)()))
        except Exception as exc:  # noqa: BLE001 - report it and go on with the next job
            db.session.rollback()
            log.exception("periodic job %s failed", job.path)
            outcomes.append((job.path, exc))
    return outcomes
