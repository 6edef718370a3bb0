"""Possible duplicates: open cases of the same category and ward that read alike.

On PostgreSQL the accent-folded search texts are compared by trigram similarity
(pg_trgm); on SQLite by the share of words they have in common. Either way the
score runs from 0 to 1. The two scores are not on one scale: trigrams of the
shared ward name and reference year lift even unrelated texts to about 0.3, so
PostgreSQL asks for more.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app.cases import access
from app.extensions import db
from app.models import OPEN_STATUSES, Case, User

TRIGRAM_THRESHOLD = 0.45
OVERLAP_THRESHOLD = 0.3
LIMIT = 5
# On SQLite, how many recent candidates are compared in Python.
SCAN_LIMIT = 500


@dataclass(frozen=True)
class PossibleDuplicate:
    """A similar open case and how alike the two read (0 to 1)."""

    case: Case
    score: float


def _words(text: str) -> set[str]:
    return {w for w in text.split() if len(w) > 1 and not any(ch.isdigit() for ch in w)}


def word_overlap(a: str, b: str) -> float:
    """Shared words over all words of the two texts (Jaccard), digits-only words aside."""
    left, right = _words(a), _words(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def _candidates(case: Case, viewer: User):
    return (
        sa.select(Case)
        .where(
            Case.id != case.id,
            Case.category_id == case.category_id,
            Case.ward == case.ward,
            Case.status.in_([s.value for s in OPEN_STATUSES]),
            access.visible_cases_filter(viewer),
        )
        .options(joinedload(Case.unit))
    )


def possible_duplicates(case: Case, viewer: User, limit: int = LIMIT) -> list[PossibleDuplicate]:
    """The open cases most like this one that the viewer may see, most alike first."""
    if db.session.get_bind().dialect.name == "postgresql":
        score = sa.func.similarity(Case.search_text, case.search_text)
        rows = db.session.execute(
            _candidates(case, viewer)
            .add_columns(score)
            .where(score >= TRIGRAM_THRESHOLD)
            .order_by(score.desc(), Case.id.desc())
            .limit(limit)
        ).all()
        return [PossibleDuplicate(row[0], float(row[1])) for row in rows]
    scored = [
        PossibleDuplicate(other, word_overlap(case.search_text, other.search_text))
        for other in db.session.scalars(
            _candidates(case, viewer).order_by(Case.id.desc()).limit(SCAN_LIMIT)
        )
    ]
    scored = [d for d in scored if d.score >= OVERLAP_THRESHOLD]
    scored.sort(key=lambda d: (-d.score, -d.case.id))
    return scored[:limit]
