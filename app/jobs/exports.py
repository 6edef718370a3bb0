"""Export jobs: make a requested file, and remove files older than a day."""
from __future__ import annotations

from app.core.timeutil import utcnow
from app.scoring import exports


def run_export(job_id: int) -> str:
    """Write the export file of one ExportJob (a finished job is skipped)."""
    return exports.run(job_id, utcnow())


def remove_old_exports() -> int:
    """Periodic (hourly): delete export files older than a day."""
    return exports.cleanup(utcnow())
