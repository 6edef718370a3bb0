"""`flask seed demo`: calendar exceptions with sources, this year's campaign, party cells, era names."""
from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa

from app.cases import casework
from app.core.timeutil import LOCAL_TZ, to_local, utcnow
from app.deadlines.sla import load_calendar
from app.extensions import db
from app.intake import hotline
from app.models import CalendarDay, Campaign, Case, ScoreSnapshot, Unit
from tests.conftest import Auth


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


def test_this_years_campaign_party_cells_and_era_names(app, client, runner):
    assert runner.invoke(args=["seed", "demo", "--password", "demo-password"]).exit_code == 0
    year = to_local(utcnow()).year
    with app.app_context():
        current = db.session.scalar(sa.select(Campaign).where(Campaign.name == f"Dân vận khéo {year}"))
        assert current is not None and current.is_open
        assert (current.starts_on, current.ends_on) == (date(year, 1, 1), date(year, 12, 31))
        ranked = db.session.scalars(sa.select(ScoreSnapshot).where(
            ScoreSnapshot.campaign_id == current.id, ScoreSnapshot.period_key == "all")).all()
        this_year = db.session.scalar(sa.select(sa.func.count()).select_from(Case).where(
            Case.received_at >= datetime(year, 1, 1, tzinfo=LOCAL_TZ), Case.unit_id.is_not(None)))
        # Every routed case of this year counts (a transferred one at each unit it reached).
        assert this_year > 0 and sum(r.received for r in ranked) >= this_year
        cells = db.session.scalars(sa.select(Unit).where(Unit.name.startswith("Chi bộ"))).all()
        assert len(cells) >= 45 and not any(c.handles_cases for c in cells)
        assert not {c.id for c in cells} & {r.unit_id for r in ranked}
        case = db.session.scalar(sa.select(Case).where(Case.status == "in_progress"))
        assert not {c.id for c in cells} & {u.id for u in casework.transfer_targets(case)}
        assert not {c.id for c in cells} & {u.id for u in hotline.active_units()}
        c2022 = db.session.scalar(sa.select(Campaign.id).where(Campaign.name == "Dân vận khéo 2022"))
    auth = Auth(client)
    auth.login("committee@demo.vn", "demo-password")
    page = client.get(f"/campaigns/{c2022}").get_data(as_text=True)
    assert "Thuế TP. Hồ Chí Minh (khi đó: Cục Thuế TP HCM)" in page


def test_the_demo_has_cases_of_every_kind_guided_and_extended_ones(app, runner):
    assert runner.invoke(args=["seed", "demo", "--password", "demo-password"]).exit_code == 0
    with app.app_context():
        kinds = set(db.session.scalars(sa.select(Case.kind).distinct()))
        assert kinds == {"phan_anh", "kien_nghi", "khieu_nai", "to_cao", "hoi_dap"}
        questions = db.session.scalar(sa.select(sa.func.count()).select_from(Case)
                                      .where(Case.kind == "hoi_dap"))
        assert questions >= 10  # many of the questions citizens send ask for guidance
        guided = db.session.scalars(sa.select(Case).where(Case.status == "guided")).all()
        assert guided and all(c.guided_to and c.public_answer for c in guided)
        extended = db.session.scalars(sa.select(Case).where(Case.extensions_used > 0)).all()
        assert extended and all(c.original_response_due_at < c.response_due_at for c in extended)
        rejected = db.session.scalars(sa.select(Case.rejection_reason)
                                      .where(Case.status == "rejected")).all()
        assert rejected and not any("thẩm quyền" in reason for reason in rejected)


def test_the_demo_is_believable_people_titles_and_office_hours(app, runner):
    """Ordinary names, real titles, and staff who act in working hours on working days."""
    import re
    from datetime import timedelta

    from app.models import CampaignWork, CaseEvent, User
    from app.seed.demo import DEMO_ACCOUNTS

    assert runner.invoke(args=["seed", "demo", "--password", "demo-password"]).exit_code == 0
    role_words = ("Tổng Đài", "Ủy Viên", "Trưởng", "Thuế", "Quản trị", "Cán bộ")
    with app.app_context():
        names = db.session.scalars(sa.select(User.name).where(User.email.like("%@demo.vn"))).all()
        assert len(names) >= len(DEMO_ACCOUNTS)
        assert [n for n in names if any(word in n for word in role_words)] == []
        # The demo logins stay what README lists.
        emails = set(db.session.scalars(sa.select(User.email)))
        assert {email for email, *_rest in DEMO_ACCOUNTS} <= emails
        titles = db.session.scalars(sa.select(CampaignWork.title)).all()
        assert titles and [t for t in titles if re.search(r"\([A-Z0-9]+\)", t)] == []
        case_titles = db.session.scalars(sa.select(Case.title)).all()
        assert [t for t in case_titles if re.search(r"#\d|\d\d/2023", t)] == []
        calendar = load_calendar()
        minute = timedelta(minutes=1)
        staff_moments = db.session.scalars(
            sa.select(CaseEvent.created_at).where(CaseEvent.actor_kind == "user")).all()
        assert len(staff_moments) > 100
        outside = [t for t in staff_moments if not calendar.periods(t - minute, t + minute)]
        assert outside == []
