"""Timeline headings name the move (taken up, citizen asked...), and the staff's timeline says
truly what the citizen sees of each entry (a transfer's reason: nothing)."""
from __future__ import annotations

from flask_babel import force_locale

from app.cases import access, labels, lifecycle
from app.models import Category, Unit
from tests.factories import MONDAY_9AM, make_case
from tests.workspace import HOUR, staff


def test_each_move_has_its_own_heading_and_a_transfer_keeps_its_reason_from_the_citizen(
        app, db, world):
    case = make_case(db.session.get(Category, world.tax))
    ack = lifecycle.acknowledge(case, staff("officer_thue"), MONDAY_9AM + HOUR)
    ask = lifecycle.ask_citizen(case, staff("officer_thue"), "Xin gửi thêm ảnh.", MONDAY_9AM + 2 * HOUR)
    with force_locale("en"):
        assert labels.event_label(ack) == "Taken up by the unit"
        assert labels.event_label(ask) == "Citizen asked for information"
        assert labels.event_label(ack) != labels.event_label(ask)
    assert access.citizen_visibility(ask) == "all" and access.citizen_sees_body(ask)
    lifecycle.resume(case, staff("officer_thue"), MONDAY_9AM + 3 * HOUR)
    note = lifecycle.add_note(case, staff("officer_thue"), "Nội bộ.", MONDAY_9AM + 3 * HOUR)
    assert access.citizen_visibility(note) == "none"
    moved = lifecycle.transfer(case, staff("head_thue"), db.session.get(Unit, world.bhxh),
                               "Thuộc BHXH.", MONDAY_9AM + 4 * HOUR)
    with force_locale("en"):
        assert labels.event_label(moved) == "Transferred to another unit"
    assert moved.is_public and not access.citizen_sees_body(moved)
    assert access.citizen_visibility(moved) == "entry"
