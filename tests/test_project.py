"""Checks on the project itself: migrations match the models, translations are complete."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from babel.messages.pofile import read_po

from app.extensions import db as _db

REPO = Path(__file__).resolve().parent.parent
CATALOG = REPO / "app" / "translations" / "vi" / "LC_MESSAGES" / "messages.po"


def test_migrations_match_the_models(db):
    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), _db.metadata)
    assert diff == []


def _source_messages(tmp_path: Path) -> set[tuple[str | None, str]]:
    """(context, msgid) of every text of the source, as `make translations-extract` finds them."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-k", "lazy_pgettext:1c,2", "-o", str(pot),
         "--no-location", "."],
        cwd=REPO, check=True, capture_output=True,
    )
    with pot.open("rb") as fh:
        return {(m.context, m.id if isinstance(m.id, str) else m.id[0])
                for m in read_po(fh) if m.id}


def test_every_interface_string_has_a_vietnamese_translation(tmp_path):
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = all(strings) and not message.fuzzy
    missing = sorted(_source_messages(tmp_path) - {k for k, ok in translated.items() if ok})
    assert missing == [], "run `make translations` and translate these in messages.po"


def test_contact_details_move_to_their_own_search_text_and_back(tmp_path):
    """Migration 0009 rebuilds both texts from the cases' columns; its downgrade restores one."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.config import TestingConfig
    from app.models import Case, Category
    from tests.factories import make_case, make_world

    app = create_app(TestingConfig, instance_path=str(tmp_path / "instance"),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrations = str(REPO / "migrations")
    with app.app_context():
        upgrade(directory=migrations)
        world = make_world()
        case = make_case(_db.session.get(Category, world.tax), address="Hẻm 42",
                         citizen_name="Trần Thị Bình", citizen_phone="0901234567",
                         citizen_email="Binh@Example.vn")
        _db.session.commit()
        reference = case.reference
        _db.session.remove()
        downgrade(directory=migrations, revision="0008")
        old = _db.session.execute(sa.text("SELECT search_text FROM cases")).scalar_one()
        assert old == (f"{reference} ngap nuoc duong nguyen huu canh "
                       "mua lon la ngap sau, xe may chet may. hem 42 +84901234567 tran thi binh")
        upgrade(directory=migrations)
        case = _db.session.scalar(sa.select(Case))
        assert case.search_text == (f"{reference} ngap nuoc duong nguyen huu canh "
                                    "mua lon la ngap sau, xe may chet may. hem 42")
        assert case.contact_search_text == "+84901234567 tran thi binh binh@example.vn"
        _db.session.remove()
        _db.engine.dispose()


def test_snapshot_figures_of_extensions_and_guidance_come_and_go(tmp_path):
    """Migration 0012 adds three counts to the stored snapshots (0 for rows computed before)
    and its downgrade removes them again, keeping the rows."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.config import TestingConfig

    app = create_app(TestingConfig, instance_path=str(tmp_path / "instance"),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrations = str(REPO / "migrations")
    added = {"response_on_time_original", "guided", "extensions_used"}
    with app.app_context():
        upgrade(directory=migrations, revision="0011")
        unit = _db.session.execute(sa.text(
            "INSERT INTO units (code, name, active, handles_cases, created_at)"
            " VALUES ('THUE', 'Cục Thuế', 1, 1, '2026-01-01 00:00:00') RETURNING id")).scalar_one()
        _db.session.commit()
        _db.session.execute(sa.text(
            "INSERT INTO score_snapshots (period_key, period_start, period_end, as_of, unit_id,"
            " computed_at, received, ack_due, ack_on_time, response_due, response_on_time,"
            " answered, open_overdue, rated, rating_sum, rated_high, reopened, transfers_out,"
            " late_transfers, rejected, works_registered, works_completed, components)"
            " VALUES ('2026', '2026-01-01 00:00:00', '2027-01-01 00:00:00', '2026-03-02', :unit,"
            " '2026-03-02 00:00:00', 4, 0, 0, 3, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, '{}')"),
            {"unit": unit})
        _db.session.commit()
        upgrade(directory=migrations, revision="0012")
        row = _db.session.execute(sa.text(
            "SELECT received, response_on_time_original, guided, extensions_used"
            " FROM score_snapshots")).one()
        assert tuple(row) == (4, 0, 0, 0)
        downgrade(directory=migrations, revision="0011")
        columns = {c["name"] for c in sa.inspect(_db.engine).get_columns("score_snapshots")}
        assert not added & columns and "received" in columns
        assert _db.session.execute(sa.text("SELECT count(*) FROM score_snapshots")).scalar() == 1
        _db.session.remove()
        _db.engine.dispose()


def test_signoff_and_cohandling_tables_come_and_go(tmp_path):
    """Migration 0013's downgrade removes the drafts, requests and their columns and keeps
    the cases; upgrading again gives the schema the models expect."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.config import TestingConfig
    from app.models import Case, CaseEvent, Category, CoHandlingRequest, Unit, User
    from tests.factories import EMAILS, make_case, make_world

    app = create_app(TestingConfig, instance_path=str(tmp_path / "instance"),
                     SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path / 'm.sqlite3'}")
    migrations = str(REPO / "migrations")
    with app.app_context():
        upgrade(directory=migrations)
        world = make_world()
        case = make_case(_db.session.get(Category, world.tax))
        officer = _db.session.scalar(sa.select(User).filter_by(email=EMAILS["officer_thue"]))
        request = CoHandlingRequest(case=case, lead_unit_id=world.thue, unit_id=world.bhxh,
                                    question="Số liệu đóng bảo hiểm?", asked_by=officer,
                                    last_day=case.received_at.date(), due_at=case.received_at)
        _db.session.add_all([request, CaseEvent(case=case, kind="cohandling_asked",
                                                to_unit_id=world.bhxh, body="?")])
        _db.session.commit()
        _db.session.remove()
        downgrade(directory=migrations, revision="0012")
        inspector = sa.inspect(_db.engine)
        assert not {"answer_drafts", "cohandling_requests", "signoff_exemptions"} & set(
            inspector.get_table_names())
        assert "review_state" not in {c["name"] for c in inspector.get_columns("cases")}
        assert _db.session.execute(sa.text("SELECT count(*) FROM cases")).scalar() == 1
        upgrade(directory=migrations)
        assert _db.session.scalar(sa.select(sa.func.count()).select_from(Case)) == 1
        assert _db.session.get(Unit, world.bhxh) is not None
        _db.session.remove()
        _db.engine.dispose()
