"""Every timeline the bulk generator writes is a path the case lifecycle allows.

``app.seed.bulk`` writes case and event rows directly, without calling
``app.cases.lifecycle``; these tests hold its output to the lifecycle's ``RULES``:
from "new", each change of status is a legal ``Move`` made by an actor the move
allows (unit staff of the case's unit, the operator, the citizen or the system),
and the last status is the case's.
"""
from __future__ import annotations

from collections import Counter
from datetime import timedelta
from types import SimpleNamespace

import pytest
import sqlalchemy as sa

from app.cases import access, lifecycle, signoff
from app.cases.lifecycle import CITIZEN, RULES, SYSTEM, Actor, Move
from app.deadlines.calendar import WorkingCalendar
from app.models import Case, CaseEvent, CaseStatus, Category, EventKind, Unit, User
from app.seed.bulk import seed_bulk
from tests.factories import EMAILS, MONDAY_9AM, make_case

# The entry each move's function in app.cases.lifecycle writes.
MOVE_EVENT_KIND = {
    Move.ROUTE: EventKind.ROUTED,
    Move.ACKNOWLEDGE: EventKind.STATUS,
    Move.ASK_CITIZEN: EventKind.STATUS,
    Move.CITIZEN_REPLY: EventKind.CITIZEN_MESSAGE,
    Move.RESUME: EventKind.STATUS,
    Move.TRANSFER: EventKind.TRANSFERRED,
    Move.RESPOND: EventKind.PUBLIC_REPLY,
    Move.CLOSE: EventKind.STATUS,
    Move.REOPEN: EventKind.STATUS,
    Move.REJECT: EventKind.STATUS,
    Move.GUIDE: EventKind.STATUS,
}
# Entries that change no status, and the kinds of actor that write them.
NON_MOVE_ACTORS = {
    EventKind.CREATED: {CITIZEN, "user"},
    EventKind.RATING: {CITIZEN},
    EventKind.ASSIGNED: {"user"},
    EventKind.INTERNAL_NOTE: {"user"},
    EventKind.REMINDER: {SYSTEM},
    EventKind.ESCALATION: {SYSTEM},
    EventKind.ANSWER_SUBMITTED: {"user"},
    EventKind.ANSWER_RETURNED: {"user"},
    EventKind.ANSWER_WITHDRAWN: {"user"},
}
WINDOW_DAYS = 7  # REOPEN_WINDOW_DAYS (working days), as the generator assumes
CALENDAR = WorkingCalendar()  # the test database records no calendar exception
SEEDS = (1, 2, 3, 4)
CASES_PER_SEED = 750



def _may_make(rule, role) -> bool:
    """Whether an actor of this kind may make the move: staff through the access
    module's action (checked per case below), the citizen and the system by name."""
    if role in (CITIZEN, SYSTEM):
        return role in rule.non_staff
    return rule.action is not None

def _role(event, users: dict[int, User]) -> str | None:
    if event.actor_kind == "user":
        user = users.get(event.actor_id)
        return user.role if user is not None else None
    return event.actor_kind if event.actor_kind in (CITIZEN, SYSTEM) else None


def _within_window(when, answered_at) -> bool:
    answered = SimpleNamespace(responded_at=answered_at)
    return lifecycle.within_reopen_window(answered, when, WINDOW_DAYS, CALENDAR)


def _in_time(move: Move, role: str, when, answered_at) -> bool:
    """Reopening only within the window after the answer; the system closes only after it."""
    within = _within_window(when, answered_at)
    if move == Move.REOPEN:
        return within
    if move == Move.CLOSE and role == SYSTEM:
        return not within
    return True


def illegal_steps(case, events, users: dict[int, User]) -> tuple[list[str], list[Move]]:
    """What in a case's timeline the lifecycle would not have written, and the moves it made.

    ``case`` and ``events`` need only the attributes of Case and CaseEvent that a
    timeline shows; ``users`` are the staff, by id.
    """
    problems, moves = [], []
    status, unit_id, answered_at = CaseStatus.NEW.value, None, None
    if not events or events[0].kind != EventKind.CREATED:
        problems.append("the timeline does not start with the receipt")
    for number, event in enumerate(events):
        step = (f"#{number} {event.kind} {event.from_status}->{event.to_status} "
                f"by {event.actor_kind}")
        role = _role(event, users)
        if role is None:
            problems.append(f"{step}: unknown actor {event.actor_kind} {event.actor_id}")
            continue
        if event.to_status is None:
            allowed = NON_MOVE_ACTORS.get(event.kind)
            if allowed is None:
                problems.append(f"{step}: a move's entry that changes no status")
            elif event.actor_kind not in allowed:
                problems.append(f"{step}: not written by {event.actor_kind}")
            if event.kind == EventKind.CREATED and number != 0:
                problems.append(f"{step}: a second receipt")
            if event.kind == EventKind.RATING and status != CaseStatus.RESPONDED:
                problems.append(f"{step}: a rating while the case is {status}")
            elif event.kind == EventKind.RATING and not _within_window(event.created_at,
                                                                       answered_at):
                problems.append(f"{step}: a rating after the reopen window")
            continue
        if event.from_status != status:
            problems.append(f"{step}: starts from {event.from_status} but the case is {status}")
        candidates = [
            move for move, rule in RULES.items()
            if status in rule.sources and rule.target == event.to_status
            and _may_make(rule, role) and MOVE_EVENT_KIND[move] == event.kind
            and _in_time(move, role, event.created_at, answered_at)
        ]
        if event.actor_kind == "user":
            as_it_was = SimpleNamespace(unit_id=unit_id, status=status,
                                        created_by_id=case.created_by_id, cohandling_requests=())
            candidates = [move for move in candidates
                          if access.may_act(users[event.actor_id], as_it_was, RULES[move].action)]
        if not candidates:
            problems.append(f"{step}: no move of the lifecycle goes from {status} to "
                            f"{event.to_status} as {event.kind}, made by {role} (unit {unit_id}) "
                            "at that time")
        else:
            moves.append(candidates[0])
            if candidates[0] == Move.RESPOND:
                answered_at = event.created_at
        if event.to_unit_id is not None:
            if event.from_unit_id != unit_id:
                problems.append(
                    f"{step}: leaves unit {event.from_unit_id}, the case is at {unit_id}")
            unit_id = event.to_unit_id
        status = event.to_status
    if status != case.status:
        problems.append(f"the timeline ends in {status} but the case is {case.status}")
    if unit_id != case.unit_id:
        problems.append(f"the timeline ends at unit {unit_id} but the case is at {case.unit_id}")
    return problems, moves


def _timelines(db) -> tuple[list[Case], dict[int, list[CaseEvent]], dict[int, User]]:
    events: dict[int, list[CaseEvent]] = {}
    for event in db.session.scalars(sa.select(CaseEvent).order_by(CaseEvent.id)):
        events.setdefault(event.case_id, []).append(event)
    cases = list(db.session.scalars(sa.select(Case).order_by(Case.id)))
    users = {user.id: user for user in db.session.scalars(sa.select(User))}
    return cases, events, users


def test_every_bulk_timeline_is_a_legal_path_of_the_lifecycle(db, world):
    for number, seed in enumerate(SEEDS):
        seed_bulk(CASES_PER_SEED, seed=seed, units=4 + 2 * number,
                  now=MONDAY_9AM + timedelta(days=31 * number))
        db.session.commit()
    cases, events, users = _timelines(db)
    assert len(cases) == len(SEEDS) * CASES_PER_SEED
    illegal, made = {}, Counter()
    for case in cases:
        problems, moves = illegal_steps(case, events[case.id], users)
        if problems:
            illegal[case.reference] = problems
        made.update(moves)
    assert illegal == {}, f"{len(illegal)} illegal timelines, e.g. {next(iter(illegal.items()))}"
    # The generator walks every move of the state machine, so every rule above was exercised.
    assert set(made) == set(Move), set(Move) - set(made)


def _staff(db, key: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == EMAILS[key]))


def test_the_lifecycle_own_timelines_are_legal_paths(db, world):
    """The checker accepts what the lifecycle itself writes, move by move."""
    officer = Actor.staff(_staff(db, "officer_thue"))
    now = MONDAY_9AM
    answered = make_case(db.session.get(Category, world.tax), now=now)  # routed by the system
    lifecycle.acknowledge(answered, officer, now + timedelta(hours=1))
    lifecycle.ask_citizen(answered, officer, "Mã hồ sơ?", now + timedelta(hours=2))
    lifecycle.citizen_reply(answered, "12345", now + timedelta(hours=3))
    lifecycle.ask_citizen(answered, officer, "Ngày nộp?", now + timedelta(hours=4))
    lifecycle.resume(answered, officer, now + timedelta(hours=5))
    # The officer's answer goes out once the unit head signs it off; the head answers directly.
    head = Actor.staff(_staff(db, "head_thue"))
    signoff.submit_draft(answered, officer, "Đã hoàn thuế?", now + timedelta(hours=5, minutes=20))
    signoff.return_draft(answered, head, "Ghi rõ ngày.", now + timedelta(hours=5, minutes=30))
    signoff.submit_draft(answered, officer, "Đã hoàn thuế.", now + timedelta(hours=5, minutes=40))
    signoff.approve(answered, head, now + timedelta(hours=6))
    lifecycle.rate_answer(answered, 1, "Chưa đúng.", now + timedelta(hours=7), 7)
    lifecycle.reopen(answered, "Chưa nhận được tiền.", now + timedelta(hours=8), 7)
    lifecycle.respond(answered, head, "Đã chuyển khoản.", now + timedelta(hours=9))
    lifecycle.close(answered, lifecycle.SYSTEM_ACTOR, now + timedelta(days=10))
    moved = make_case(db.session.get(Category, world.tax), now=now)
    lifecycle.acknowledge(moved, officer, now + timedelta(minutes=10))
    signoff.submit_draft(moved, officer, "Đã xử lý.", now + timedelta(minutes=20))  # withdrawn
    lifecycle.transfer(moved, officer, db.session.get(Unit, world.bhxh),
                       "Thuộc BHXH.", now + timedelta(hours=1))
    lifecycle.reject(moved, Actor.staff(_staff(db, "officer_bhxh")), "Trùng.",
                     now + timedelta(hours=2))
    guided = make_case(db.session.get(Category, world.tax), now=now)
    lifecycle.guide(guided, officer, "Tòa án nhân dân khu vực 1", "Xin gửi đơn đến Tòa án.",
                    now + timedelta(hours=1))
    db.session.commit()
    cases, events, users = _timelines(db)
    made = set()
    for case in cases:
        problems, moves = illegal_steps(case, events[case.id], users)
        assert problems == [], case.reference
        made |= set(moves)
    assert made == set(Move)


# Answered on Monday 2/3/2026: the seven working days run to the end of Wednesday 11/3.
def _step(kind, before, after, actor_kind="user", actor_id=None, to_unit=None, from_unit=None,
          days=0):
    return SimpleNamespace(kind=kind, from_status=before, to_status=after, actor_kind=actor_kind,
                           actor_id=actor_id, to_unit_id=to_unit, from_unit_id=from_unit,
                           created_at=MONDAY_9AM + timedelta(days=days))


OFFICER_OF_1 = SimpleNamespace(id=10, role="officer", unit_id=1, active=True,
                               is_authenticated=True, signs_off=False)
OFFICER_OF_2 = SimpleNamespace(id=11, role="officer", unit_id=2, active=True,
                               is_authenticated=True, signs_off=False)
OPERATOR = SimpleNamespace(id=12, role="operator", unit_id=None, active=True,
                           is_authenticated=True, signs_off=False)
USERS = {u.id: u for u in (OFFICER_OF_1, OFFICER_OF_2, OPERATOR)}
RECEIVED = _step("created", None, None, CITIZEN)
ROUTED = _step("routed", "new", "assigned", SYSTEM, to_unit=1)
ACKNOWLEDGED = _step("status", "assigned", "in_progress", actor_id=10)
ANSWERED = _step("public_reply", "in_progress", "responded", actor_id=10)


@pytest.mark.parametrize(("timeline", "status", "problem"), [
    ([RECEIVED, ROUTED, ACKNOWLEDGED, ANSWERED], "responded", None),
    ([RECEIVED, ROUTED, ANSWERED], "responded", "starts from in_progress but the case is assigned"),
    ([RECEIVED, ROUTED, _step("status", "assigned", "in_progress", actor_id=11)], "in_progress",
     "made by officer (unit 1)"),
    ([RECEIVED, ROUTED, _step("status", "assigned", "in_progress", actor_id=12)], "in_progress",
     "made by operator"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, _step("status", "in_progress", "closed", CITIZEN)], "closed",
     "no move of the lifecycle goes from in_progress to closed"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, _step("status", "in_progress", "responded", actor_id=10)],
     "responded", "as status"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, _step("rating", None, None, CITIZEN)], "in_progress",
     "a rating while the case is in_progress"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED], "responded",
     "ends in in_progress but the case is responded"),
    ([ROUTED, ACKNOWLEDGED], "in_progress", "does not start with the receipt"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, ANSWERED, _step("status", "responded", "closed", SYSTEM,
                                                      days=10)], "closed", None),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, ANSWERED, _step("status", "responded", "closed", SYSTEM,
                                                      days=6)], "closed", "at that time"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, ANSWERED, _step("status", "responded", "in_progress",
                                                      CITIZEN, days=10)], "in_progress",
     "at that time"),
    ([RECEIVED, ROUTED, ACKNOWLEDGED, ANSWERED, _step("rating", None, None, CITIZEN, days=10)],
     "responded", "a rating after the reopen window"),
    ([RECEIVED, ROUTED, _step("transferred", "assigned", "assigned", actor_id=10, to_unit=2,
                              from_unit=2)], "assigned", "leaves unit 2, the case is at 1"),
])
def test_illegal_steps_are_caught(timeline, status, problem):
    unit = timeline[-1].to_unit_id or 1
    case = SimpleNamespace(status=status, unit_id=unit, created_by_id=None)
    problems, _ = illegal_steps(case, timeline, USERS)
    if problem is None:
        assert problems == []
    else:
        assert any(problem in p for p in problems), problems
