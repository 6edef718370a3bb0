"""The periodic jobs: RQ's cron scheduler reads them from app/jobs/schedule.py."""
from __future__ import annotations

from redis import Redis
from rq.cron import CronScheduler

from app.core.dispatch import resolve
from app.jobs.queue import run_job
from app.jobs.schedule import PERIODIC


def test_every_periodic_job_is_a_job():
    assert [job.path for job in PERIODIC] == [
        "app.jobs.notifications.requeue_undelivered",
        "app.jobs.sla.send_reminders",
        "app.jobs.sla.escalate_overdue",
        "app.jobs.sla.close_answered",
        "app.jobs.sla.sweep_cohandling",
        "app.jobs.signoff.remind_reviews",
        "app.jobs.scores.refresh_score_snapshots",
        "app.jobs.retention.sweep",
        "app.jobs.exports.remove_old_exports",
    ]
    for job in PERIODIC:
        assert callable(resolve(job.path))
        assert (job.interval is None) != (job.cron is None)


def test_rq_cron_loads_the_schedule(monkeypatch):
    monkeypatch.setenv("RQ_QUEUE", "lang-nghe-test")
    # Loading the configuration does not talk to Redis; the connection is never used.
    scheduler = CronScheduler(connection=Redis(host="127.0.0.1", port=1))
    scheduler.load_config_from_file("app.jobs.schedule")
    jobs = scheduler.get_jobs()
    assert [(job.func, job.args, job.queue_name) for job in jobs] == [
        (run_job, (entry.path,), "lang-nghe-test") for entry in PERIODIC
    ]
    assert [(job.interval, job.cron) for job in jobs] == [
        (entry.interval, entry.cron) for entry in PERIODIC
    ]
