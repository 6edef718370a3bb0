"""The audit log page: filter by admin, kind and dates; pages of 50; entries never change."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
import sqlalchemy as sa

from app.core import audit
from app.extensions import db
from app.models import AuditEntry, Role, User
from tests.factories import EMAILS, make_user

# 10:00 in Ho Chi Minh City on 1 to 3 April 2026.
APRIL = [datetime(2026, 4, day, 3, 0, tzinfo=timezone.utc) for day in (1, 2, 3)]


@pytest.fixture
def log(app, world):
    """Entries by two admins on three days, plus one from the command line."""
    with app.app_context():
        first = db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))
        second = make_user("admin2@test.vn", Role.ADMIN)
        audit.record(None, "create", "user", first.id, first.email, APRIL[0] - timedelta(days=1),
                     after={"role": "admin"})
        audit.record(first, "create", "unit", 1, "Q1", APRIL[0], after={"code": "Q1"})
        audit.record(first, "update", "unit", 1, "Q1", APRIL[1], before={"name": "A"},
                     after={"name": "B"})
        audit.record(second, "create", "category", 2, "DATDAI", APRIL[2], after={"code": "DATDAI"})
        db.session.commit()
        return {"first": first.id, "second": second.id}


def _rows(response) -> int:
    text = response.get_data(as_text=True)
    body = text[text.index('<div id="audit-results">'):]
    return body.count("<tr>") - 1  # minus the header row


def test_every_entry_newest_first(admin, log):
    response = admin.get("/admin/audit")
    assert response.status_code == 200 and _rows(response) == 4
    text = response.get_data(as_text=True)
    text = text[text.index('<div id="audit-results">'):]  # the CSRF token above may hold "Q1"
    assert text.index("<strong>DATDAI</strong>") < text.index("<strong>Q1</strong>")
    assert "<del>A</del>" in text and "<ins>B</ins>" in text


def test_entries_without_a_user_are_from_the_command_line(admin, log):
    vi = admin.get("/admin/audit?entity=user").get_data(as_text=True)
    assert "<td>Dòng lệnh</td>" in vi[vi.index('<div id="audit-results">'):]
    en = admin.get("/admin/audit?entity=user&lang=en").get_data(as_text=True)
    assert "<td>Command line</td>" in en[en.index('<div id="audit-results">'):]


def test_filter_by_admin_kind_and_dates(admin, log):
    assert _rows(admin.get(f"/admin/audit?actor={log['second']}")) == 1
    assert _rows(admin.get(f"/admin/audit?actor={log['first']}")) == 2
    assert _rows(admin.get("/admin/audit?entity=unit")) == 2
    assert _rows(admin.get("/admin/audit?date_from=2026-04-02")) == 2
    assert _rows(admin.get("/admin/audit?date_from=2026-04-01&date_to=2026-04-02")) == 2
    assert _rows(admin.get("/admin/audit?date_to=2026-03-31")) == 1
    assert _rows(admin.get(f"/admin/audit?actor={log['first']}&entity=unit&date_to=2026-04-01")) == 1


def test_htmx_filter_answers_only_the_results(admin, log):
    response = admin.get("/admin/audit?entity=category", headers={"HX-Request": "true"})
    text = response.get_data(as_text=True)
    assert text.lstrip().startswith('<div id="audit-results">') and "<html" not in text
    assert _rows(response) == 1


def test_a_bad_date_is_an_error_next_to_the_field(admin, log):
    response = admin.get("/admin/audit?date_from=yesterday")
    assert response.status_code == 422
    assert 'id="date_from-error"' in response.get_data(as_text=True)


def test_pages_of_fifty(app, admin, world):
    with app.app_context():
        actor = db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))
        for i in range(55):
            audit.record(actor, "update", "unit", i, f"U{i}", APRIL[0] + timedelta(minutes=i))
        db.session.commit()
    first = admin.get("/admin/audit")
    assert _rows(first) == 50 and 'rel="next"' in first.get_data(as_text=True)
    second = admin.get("/admin/audit?page=2")
    assert _rows(second) == 5 and 'rel="prev"' in second.get_data(as_text=True)


def test_entries_cannot_be_changed_or_deleted(db, log):
    entry = db.session.scalar(sa.select(AuditEntry))
    entry.action = "nothing happened"
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()
    db.session.rollback()
    entry = db.session.scalar(sa.select(AuditEntry))
    db.session.delete(entry)
    with pytest.raises(RuntimeError, match="append-only"):
        db.session.flush()


def test_coded_values_read_as_words(app, admin, world):
    """Roles, kinds and count units are shown by name, not as the codes stored."""
    with app.app_context():
        first = db.session.scalar(sa.select(User).where(User.email == EMAILS["admin"]))
        audit.record(first, "update", "user", first.id, "x@test.vn", APRIL[0],
                     before={"role": "officer"}, after={"role": "unit_head"})
        audit.record(first, "create", "calendar_day", 1, "2026-04-30", APRIL[1],
                     after={"kind": "day_off"})
        audit.record(first, "update", "deadline_regime", 1, "khieu_nai", APRIL[2],
                     before={"resolution_unit": "working_days"},
                     after={"resolution_unit": "calendar_days", "kind": "khieu_nai"})
        db.session.commit()
    page = admin.get("/admin/audit?lang=en").get_data(as_text=True)
    for shown in ("<del>Officer</del>", "<ins>Unit head</ins>", "<ins>Extra day off</ins>",
                  "<del>working days</del>", "<ins>days (calendar)</ins>"):
        assert shown in page, shown
    for code in ("officer<", "day_off", "working_days<", "calendar_days"):
        assert code not in page, code
