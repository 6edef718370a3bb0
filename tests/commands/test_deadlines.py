"""`flask sla due|explain|sweep`, `flask calendar ...` and `flask policies ...`.

Calendar and policy changes follow the console's rules and are audited as made on the
command line.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.extensions import db
from app.jobs.periodic import PERIODIC
from app.jobs.schedule import PERIODIC
from app.models import AuditEntry, CalendarDay, Case, CaseEvent, Category, DeadlinePolicy, User
from tests.factories import EMAILS, make_case
from tests.web.admin.conftest import AdminClient

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


@pytest.fixture
def reference(app, world) -> str:
    """A tax case received Mon 2/3/2026 09:00, paused 10:00-14:00 (150 working minutes)."""
    with app.app_context():
        case = make_case(db.session.get(Category, world.tax), now=vn(3, 2, 9))
        officer = lifecycle.Actor.staff(
            db.session.scalar(sa.select(User).where(User.email == EMAILS["officer_thue"])))
        lifecycle.acknowledge(case, officer, vn(3, 2, 9, 30))
        lifecycle.ask_citizen(case, officer, "Xin số hồ sơ.", vn(3, 2, 10))
        lifecycle.citizen_reply(case, "123", vn(3, 2, 14))
        db.session.commit()
        return case.reference


def _response_due(app, reference: str) -> datetime:
    with app.app_context():
        return db.session.scalar(sa.select(Case.response_due_at).where(Case.reference == reference))


def test_due_prints_the_due_time_first_then_the_periods(runner, app):
    result = runner.invoke(args=["sla", "due", "--from", "2027-02-03 14:00", "--days", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "due: 2027-02-12 14:00"
    assert lines[1] == "from: 2027-02-03 14:00 + 960 working minutes"
    assert lines[2:8] == [
        "working periods counted:",
        "  2027-02-03 Wed 14:00-17:00  180 min",
        "  2027-02-11 Thu 07:30-11:30  240 min",
        "  2027-02-11 Thu 13:00-17:00  240 min",
        "  2027-02-12 Fri 07:30-11:30  240 min",
        "  2027-02-12 Fri 13:00-14:00   60 min",
    ]
    assert "  total 960 min" in lines
    assert any(line.startswith("  2027-02-04 Thu  not worked (public holiday: ") for line in lines)


def test_due_in_hours_across_lunch(runner, app):
    result = runner.invoke(args=["sla", "due", "--from", "2026-03-10 10:00", "--hours", "3"])
    assert result.output.splitlines()[0] == "due: 2026-03-10 14:30"


def test_due_uses_the_calendar_days_of_the_database(runner, app):
    assert runner.invoke(args=["calendar", "add", "2026-03-14", "--working-day"]).exit_code == 0
    result = runner.invoke(args=["sla", "due", "--from", "2026-03-13 15:00", "--days", "1"])
    assert result.output.splitlines()[0] == "due: 2026-03-14 15:00"
    assert "  2026-03-14 Sat  worked (make-up working day)" in result.output


@pytest.mark.parametrize("args", [
    ["--from", "2026-03-10 10:00"],
    ["--from", "2026-03-10 10:00", "--hours", "1", "--days", "1"],
    ["--from", "10/03/2026 10:00", "--hours", "1"],
    ["--from", "2026-03-10 10:00", "--hours", "-1"],
])
def test_due_refuses_bad_arguments(runner, app, args):
    result = runner.invoke(args=["sla", "due", *args])
    assert result.exit_code == 2 and not result.output.startswith("due:")


def test_explain_a_case_recounts_both_due_times(runner, app, reference):
    result = runner.invoke(args=["sla", "explain", reference])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # 10 working days from Mon 2/3 09:00 plus 150 paused minutes: Mon 16/3 11:30.
    assert lines[0] == "due: 2026-03-16 11:30"
    assert lines[1] == f"case: {reference}, status in_progress, priority normal"
    assert "received: 2026-03-02 09:00" in lines
    assert "acknowledgment due: 2026-03-03 09:00 = received + 480 working minutes" in lines
    assert "  2026-03-02 10:00 - 2026-03-02 14:00  150 min" in lines
    assert ("response due: 2026-03-16 11:30 = clock start + 4800 + 150 paused "
            "= 4950 working minutes") in lines
    assert "  2026-03-02 Mon 13:00-14:00   60 min  (paused: awaiting the citizen)" in lines
    assert any(line.startswith("  THUE Cục Thuế TP HCM: 2026-03-02 09:00 - now, ")
               for line in lines)
    assert lines[-1] == "stored due times: the same to the minute"
    assert _response_due(app, reference) == vn(3, 16, 11, 30)


def test_explain_an_unknown_reference(runner, app):
    result = runner.invoke(args=["sla", "explain", "2026-999999"])
    assert result.exit_code == 1 and "No case has the reference 2026-999999" in result.output


def test_sweep_runs_every_periodic_job_once(runner, app, reference):
    # The case's due times are long past (March 2026): the sweep escalates it, once.
    result = runner.invoke(args=["sla", "sweep"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[:4] == [
        "app.jobs.notifications.requeue_undelivered: 0",
        "app.jobs.sla.send_reminders: 0",
        "app.jobs.sla.escalate_overdue: 1",
        "app.jobs.sla.close_answered: 0",
    ]
    # Every other periodic job ran too, once, in the schedule's order, without an error.
    assert [line.split(": ")[0] for line in lines] == [job.path for job in PERIODIC]
    assert all(line.rsplit(": ", 1)[1].isdigit() for line in lines)
    again = runner.invoke(args=["sla", "sweep"])
    assert "app.jobs.sla.escalate_overdue: 0" in again.output
    with app.app_context():
        kinds = db.session.scalars(sa.select(CaseEvent.kind).where(CaseEvent.kind == "escalation"))
        assert list(kinds) == ["escalation"]


def test_calendar_add_list_remove(runner, app, reference):
    added = runner.invoke(args=["calendar", "add", "2026-03-11", "--day-off",
                                "--note", "Nghỉ bù theo quyết định"])
    assert added.exit_code == 0, added.output
    assert added.output.splitlines() == [
        "2026-03-11 Wed is now an extra day off. Due times recounted: 1 open case(s) changed."]
    assert _response_due(app, reference) == vn(3, 17, 11, 30)
    listing = runner.invoke(args=["calendar", "list", "--year", "2026"]).output.splitlines()
    assert listing[0].startswith("2026: Monday to Friday, 07:30-11:30 and 13:00-17:00")
    assert "2026-03-11 Wed  day off      extra day off: Nghỉ bù theo quyết định" in listing
    assert "2026-04-30 Thu  day off      public holiday: Ngày Chiến thắng" in listing
    assert listing.index("2026-01-01 Thu  day off      public holiday: Tết Dương lịch") == 1
    # A make-up day on a public holiday overrides it and says so.
    runner.invoke(args=["calendar", "add", "2026-04-30", "--working-day"])
    listing = runner.invoke(args=["calendar", "list", "--year", "2026"]).output.splitlines()
    assert ("2026-04-30 Thu  working day  public holiday: Ngày Chiến thắng; make-up working day"
            in listing)
    removed = runner.invoke(args=["calendar", "remove", "2026-03-11"])
    assert removed.exit_code == 0 and "1 open case(s) changed" in removed.output
    assert _response_due(app, reference) == vn(3, 16, 11, 30)
    again = runner.invoke(args=["calendar", "remove", "2026-03-11"])
    assert again.exit_code == 1 and "no day off or make-up day" in again.output


def test_calendar_add_refuses_a_day_that_has_an_exception_and_checks_its_input(runner, app):
    assert runner.invoke(args=["calendar", "add", "2026-03-14", "--working-day"]).exit_code == 0
    again = runner.invoke(args=["calendar", "add", "2026-03-14", "--day-off", "--note", "Hủy làm bù"])
    assert again.exit_code == 2
    assert "Invalid value for DAY: This date already has an exception: remove it first." in again.output
    with app.app_context():
        rows = db.session.execute(sa.select(CalendarDay.kind, CalendarDay.note)).all()
        assert [tuple(row) for row in rows] == [("working_day", "")]
    assert runner.invoke(args=["calendar", "add", "2026-03-15"]).exit_code == 2
    assert runner.invoke(args=["calendar", "add", "15/03/2026", "--day-off"]).exit_code == 2
    long_note = runner.invoke(args=["calendar", "add", "2026-03-15", "--day-off",
                                    "--note", "x" * 201])
    assert long_note.exit_code == 2 and "at most 200 characters" in long_note.output


def test_policies_list_and_set(runner, app, reference):
    listing = runner.invoke(args=["policies", "list"]).output.splitlines()
    assert listing[0].startswith("code")
    assert listing[1].split() == ["STD", "8", "10", "2", "3", "STD;", "BHXH,", "KHAC,", "THUE"]
    result = runner.invoke(args=["policies", "set", "STD", "--response-days", "5",
                                 "--urgent-ack-hours", "1"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "STD: acknowledge within 8 h (1 h urgent), answer within 5 days (3 days urgent). "
        "Due times recounted: 1 open case(s) changed."]
    # Mon 9/3 09:00 + 150 paused minutes.
    assert _response_due(app, reference) == vn(3, 9, 11, 30)
    with app.app_context():
        policy = db.session.scalar(sa.select(DeadlinePolicy).where(DeadlinePolicy.code == "STD"))
        assert (policy.response_days, policy.urgent_ack_hours) == (5, 1)


@pytest.mark.parametrize(("args", "message"), [
    (["STD"], "Give at least one target"),
    (["STD", "--ack-hours", "0"], "from 1 to 400"),
    (["NOPE", "--ack-hours", "4"], "no deadline policy with this code"),
])
def test_policies_set_refuses_bad_input(runner, app, world, args, message):
    result = runner.invoke(args=["policies", "set", *args])
    assert result.exit_code == 2 and message in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(DeadlinePolicy.ack_hours)) == 8


@pytest.fixture
def console(client, auth, world) -> AdminClient:
    """The admin console, signed in as the world's administrator."""
    assert auth.login(EMAILS["admin"]).status_code == 303
    return AdminClient(client)


def _audit(app, entity_type: str) -> list[tuple]:
    with app.app_context():
        return [tuple(row) for row in db.session.execute(
            sa.select(AuditEntry.action, AuditEntry.actor_id, AuditEntry.actor_email,
                      AuditEntry.before, AuditEntry.after)
            .where(AuditEntry.entity_type == entity_type).order_by(AuditEntry.id))]


POLICY_FORM = {"name": "STD", "ack_hours": "8", "response_days": "10", "urgent_ack_hours": "2",
               "urgent_response_days": "3"}


@pytest.mark.parametrize(("changes", "field"), [
    # Urgent slower than normal (the command line used to accept this one).
    ({"urgent_ack_hours": "300", "urgent_response_days": "100"}, "urgent_ack_hours"),
    ({"urgent_response_days": "11"}, "urgent_response_days"),
    ({"ack_hours": "1"}, "urgent_ack_hours"),
    # Over the limits (the console used to accept these).
    ({"ack_hours": "401"}, "ack_hours"),
    ({"response_days": "121"}, "response_days"),
    ({"response_days": "0"}, "response_days"),
])
def test_command_line_and_console_refuse_the_same_policy_changes(runner, app, console, changes,
                                                                 field):
    options = [arg for name, value in changes.items()
               for arg in (f"--{name.replace('_', '-')}", value)]
    result = runner.invoke(args=["policies", "set", "STD", *options])
    assert result.exit_code == 2
    assert f"Invalid value for --{field.replace('_', '-')}" in result.output
    with app.app_context():
        policy_id = db.session.scalar(sa.select(DeadlinePolicy.id))
    prefix = f"policy{policy_id}"
    form = {f"{prefix}-{name}": value for name, value in {**POLICY_FORM, **changes}.items()}
    response = console.post(f"/admin/policies/{policy_id}", form)
    assert response.status_code == 422
    assert f'id="{prefix}-{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        policy = db.session.get(DeadlinePolicy, policy_id)
        assert (policy.ack_hours, policy.response_days, policy.urgent_ack_hours,
                policy.urgent_response_days) == (8, 10, 2, 3)
    assert _audit(app, "deadline_policy") == []


@pytest.mark.parametrize(("day", "kind"), [
    ("2026-03-07", "day_off"),      # a Saturday is already off
    ("2026-09-02", "day_off"),      # National Day is already off
    ("2026-03-04", "working_day"),  # a Wednesday is already worked
    ("1999-03-03", "day_off"),      # outside the years the calendar covers
])
def test_command_line_and_console_refuse_the_same_days(runner, app, console, day, kind):
    result = runner.invoke(args=["calendar", "add", day, f"--{kind.replace('_', '-')}"])
    assert result.exit_code == 2 and "Invalid value for DAY" in result.output
    response = console.post("/admin/calendar", {"day": day, "kind": kind, "note": ""})
    assert response.status_code == 422 and 'id="day-error"' in response.get_data(as_text=True)
    assert _audit(app, "calendar_day") == []


def test_a_day_with_an_exception_is_refused_by_both(runner, app, console):
    assert runner.invoke(args=["calendar", "add", "2026-03-03", "--day-off"]).exit_code == 0
    again = console.post("/admin/calendar", {"day": "2026-03-03", "kind": "day_off", "note": ""})
    assert again.status_code == 422 and 'id="day-error"' in again.get_data(as_text=True)
    assert console.post("/admin/calendar", {"day": "2026-03-10", "kind": "day_off",
                                            "note": ""}).status_code == 303
    twice = runner.invoke(args=["calendar", "add", "2026-03-10", "--day-off"])
    assert twice.exit_code == 2 and "remove it first" in twice.output
    assert len(_audit(app, "calendar_day")) == 2


def test_command_line_changes_are_audited_without_a_user(runner, app, reference):
    result = runner.invoke(args=["policies", "set", "STD", "--response-days", "5"])
    assert result.exit_code == 0, result.output
    assert _audit(app, "deadline_policy") == [
        ("update", None, "command line", {"response_days": 10}, {"response_days": 5})]
    # Nothing changed: nothing recounted, nothing written.
    same = runner.invoke(args=["policies", "set", "STD", "--response-days", "5"])
    assert "Due times recounted: 0 open case(s) changed." in same.output
    assert len(_audit(app, "deadline_policy")) == 1
    runner.invoke(args=["calendar", "add", "2026-03-11", "--day-off", "--note", "Nghỉ bù"])
    runner.invoke(args=["calendar", "remove", "2026-03-11"])
    made = {"day": "2026-03-11", "kind": "day_off", "note": "Nghỉ bù"}
    assert _audit(app, "calendar_day") == [("create", None, "command line", None, made),
                                           ("delete", None, "command line", made, None)]
