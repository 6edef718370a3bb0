"""`flask seed demo`: the government's calendar exceptions it records, each with its source."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.deadlines.sla import load_calendar
from app.extensions import db
from app.models import CalendarDay


def test_demo_records_the_calendar_exceptions_with_their_sources(app, runner):
    assert runner.invoke(args=["seed", "demo", "--password", "demo-password"]).exit_code == 0
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0  # idempotent
    with app.app_context():
        rows = {row.day: row for row in db.session.scalars(sa.select(CalendarDay))}
        assert {day: row.kind for day, row in rows.items()} == {
            date(2024, 4, 29): "day_off", date(2024, 5, 4): "working_day",
            date(2025, 5, 2): "day_off", date(2025, 4, 26): "working_day",
            date(2026, 1, 2): "day_off", date(2026, 1, 10): "working_day",
            date(2026, 8, 31): "day_off", date(2026, 8, 22): "working_day",
        }
        assert "2450/VPCP-KGVX" in rows[date(2024, 5, 4)].note
        assert "8726/VPCP-KGVX" in rows[date(2025, 4, 26)].note
        assert "12729/VPCP-KGVX" in rows[date(2026, 1, 10)].note
        assert "chưa rõ số hiệu" in rows[date(2026, 8, 22)].note
        assert all(0 < len(row.note) <= 200 for row in rows.values())
        calendar = load_calendar()
        assert not calendar.is_working_day(date(2026, 1, 2))
        assert calendar.is_working_day(date(2026, 1, 10))
