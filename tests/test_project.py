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


def _source_messages(tmp_path: Path) -> set[str]:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-k", "lazy_gettext", "-o", str(pot), "--no-location", "."],
        cwd=REPO, check=True, capture_output=True,
    )
    with pot.open("rb") as fh:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(fh) if m.id}


def test_every_interface_string_has_a_vietnamese_translation(tmp_path):
    with CATALOG.open("rb") as fh:
        catalog = read_po(fh)
    translated = {}
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
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
