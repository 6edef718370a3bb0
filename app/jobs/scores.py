"""Nightly job: refresh the score snapshots of open campaigns and the public figures."""
from __future__ import annotations

from app.core.timeutil import utcnow
from app.extensions import db
from app.scoring import snapshots


def refresh_score_snapshots() -> int:
    """Recompute today's snapshots (idempotent: a second run the same day replaces them)."""
    written = snapshots.refresh_current(utcnow())
    db.session.commit()
    return written


def recompute_campaign(campaign_id: int) -> int:
    """Recompute every period of one campaign (after its weights or settings change)."""
    written = snapshots.recompute(utcnow(), campaign_id=campaign_id)
    db.session.commit()
    return written
