"""Checks on the project itself: migrations match the models, translations are complete."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

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
