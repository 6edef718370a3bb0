"""The scorecards' hand-worked figures count answers in working hours (ten working days'
worth: 80 h; urgent 24 h), as the deadline rules did when they were worked out. What a
unit is charged with is the same whichever way a regime counts: the instants stored on the
case and its arrivals. Day counts themselves are tested in tests/deadlines."""
from __future__ import annotations

import pytest

from tests.factories import make_regime


@pytest.fixture
def hour_regimes(db, world):
    """Phản ánh answered in working hours (8 h / 80 h normal, 2 h / 24 h urgent)."""
    make_regime("phan_anh", first=(8, "working_hours"), resolution=(80, "working_hours"))
    make_regime("phan_anh", priority="urgent", first=(2, "working_hours"),
                resolution=(24, "working_hours"))
    db.session.commit()
