"""`flask seed demo`: the demo world, its passwords, and its refusals."""
from __future__ import annotations

import sqlalchemy as sa

from app.extensions import db
from app.models import Case, CaseStatus, Category, Role, Unit, User
from app.seed.demo import DEMO_ACCOUNTS


def _counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        return tuple(
            db.session.scalar(sa.select(sa.func.count()).select_from(model))
            for model in (Unit, Category, User, Case)
        )


def test_seed_demo_creates_the_demo_world_once(app, runner):
    result = runner.invoke(args=["seed", "demo", "--password", "demo-password"])
    assert result.exit_code == 0, result.output
    first = _counts(app)
    assert first[0] >= 9 and first[3] >= 24
    with app.app_context():
        emails = set(db.session.scalars(sa.select(User.email)))
        assert {email for email, *_ in DEMO_ACCOUNTS} <= emails
        thue = db.session.scalar(sa.select(User).where(User.email == "officer.thue@demo.vn"))
        assert thue.unit.name == "Thuế TP. Hồ Chí Minh" and thue.check_password("demo-password")
        bhxh = db.session.scalar(sa.select(User).where(User.email == "officer.bhxh@demo.vn"))
        assert bhxh.unit.name == "Bảo hiểm xã hội Thành phố Hồ Chí Minh"
        tax = db.session.scalar(sa.select(Category).where(Category.name_vi == "Thuế"))
        assert tax.default_unit.code == "THUE"
        root = db.session.scalar(sa.select(Unit).where(Unit.parent_id.is_(None)))
        assert root.name.startswith("Đảng bộ các cơ quan Đảng") and len(root.children) >= 8
        statuses = set(db.session.scalars(sa.select(Case.status)))
        assert {CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.AWAITING_CITIZEN,
                CaseStatus.RESPONDED, CaseStatus.CLOSED, CaseStatus.REJECTED,
                CaseStatus.NEW} <= statuses

    again = runner.invoke(args=["seed", "demo"])
    assert again.exit_code == 0 and "unchanged" in again.output
    assert _counts(app) == first


def test_seed_demo_password_resets_every_demo_account(app, runner):
    runner.invoke(args=["seed", "demo", "--password", "first-password"])
    result = runner.invoke(args=["seed", "demo", "--password", "second-password"])
    assert result.exit_code == 0 and "reset" in result.output
    with app.app_context():
        for email, *_ in DEMO_ACCOUNTS:
            user = db.session.scalar(sa.select(User).where(User.email == email))
            assert user.check_password("second-password"), email


def test_seed_demo_prints_a_generated_password(app, runner):
    result = runner.invoke(args=["seed", "demo"])
    password = result.output.split("password: ")[1].split()[0]
    with app.app_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@demo.vn"))
        assert admin.check_password(password) and admin.role == Role.ADMIN


def test_seed_demo_if_empty_skips_a_used_database(app, runner):
    runner.invoke(args=["seed", "demo", "--password", "demo-password"])
    before = _counts(app)
    result = runner.invoke(args=["seed", "demo", "--if-empty"])
    assert "already present" in result.output and _counts(app) == before


def test_seed_demo_refuses_production_unless_forced(app, runner):
    app.config["ENV_NAME"] = "production"
    result = runner.invoke(args=["seed", "demo"])
    assert result.exit_code != 0 and "production" in result.output
    assert _counts(app)[0] == 0
    forced = runner.invoke(args=["seed", "demo", "--force", "--password", "demo-password"])
    assert forced.exit_code == 0 and _counts(app)[0] > 0
