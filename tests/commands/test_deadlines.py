"""`flask sla due|explain|sweep`, `flask calendar ...` and `flask regimes ...`.

Calendar and regime changes follow the console's rules and are audited as made on the
command line.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app.cases import lifecycle
from app.deadlines.counting import end_of
from app.extensions import db
from app.jobs.periodic import PERIODIC
from app.models import AuditEntry, CalendarDay, Case, CaseEvent, Category, DeadlineRegime, User
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


def test_due_counts_working_days_as_dates_skipping_tet(runner, app):
    result = runner.invoke(args=["sla", "due", "--from", "2027-02-03 14:00", "--days", "2"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "due: 2027-02-12"
    assert lines[1].startswith("from: 2027-02-03 14:00 + 2 working days (the day of the event")
    assert lines[2] == "days counted:"
    assert "  2027-02-04 Thu  not counted (no office hours)" in lines
    assert lines.index("  2027-02-11 Thu  day 1") + 1 == lines.index("  2027-02-12 Fri  day 2")
    assert "  last day 2027-02-12 Fri" in lines
    assert any(line.startswith("  2027-02-04 Thu  not worked (public holiday: ") for line in lines)


def test_due_counts_calendar_days_and_moves_a_last_day_off(runner, app):
    result = runner.invoke(args=["sla", "due", "--from", "2026-03-04 09:00",
                                 "--calendar-days", "10"])
    lines = result.output.splitlines()
    assert lines[0] == "due: 2026-03-16"
    assert "  2026-03-14 Sat  day 10" in lines
    assert "  2026-03-16 Mon  last day was a day off: moved on" in lines


def test_due_in_hours_across_lunch(runner, app):
    result = runner.invoke(args=["sla", "due", "--from", "2026-03-10 10:00", "--hours", "3"])
    assert result.output.splitlines()[0] == "due: 2026-03-10 14:30"
    assert "  total 180 min" in result.output


def test_due_uses_the_calendar_days_of_the_database(runner, app):
    assert runner.invoke(args=["calendar", "add", "2026-03-14", "--working-day"]).exit_code == 0
    result = runner.invoke(args=["sla", "due", "--from", "2026-03-13 15:00", "--days", "1"])
    assert result.output.splitlines()[0] == "due: 2026-03-14"
    assert "  2026-03-14 Sat  worked (make-up working day)" in result.output


@pytest.mark.parametrize("args", [
    ["--from", "2026-03-10 10:00"],
    ["--from", "2026-03-10 10:00", "--hours", "1", "--days", "1"],
    ["--from", "2026-03-10 10:00", "--days", "1", "--calendar-days", "1"],
    ["--from", "10/03/2026 10:00", "--hours", "1"],
    ["--from", "2026-03-10 10:00", "--hours", "-1"],
])
def test_due_refuses_bad_arguments(runner, app, args):
    result = runner.invoke(args=["sla", "due", *args])
    assert result.exit_code == 2 and not result.output.startswith("due:")


def test_explain_a_case_recounts_both_due_times_day_by_day(runner, app, reference):
    result = runner.invoke(args=["sla", "explain", reference])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    # Ten days from Mon 2/3 (not counted): Thu 12/3; 150 paused minutes give no day back.
    assert lines[0] == "due: 2026-03-12"
    assert lines[1] == f"case: {reference}, kind phan_anh, status in_progress, priority normal"
    assert "received: 2026-03-02 09:00" in lines
    assert lines[3].startswith("regime: phan_anh/any field/any priority; source: Quy chế")
    assert "first step due: 2026-03-03 09:00 = start + 480 working minutes" in lines
    assert "  2026-03-02 10:00 - 2026-03-02 14:00  150 min" in lines
    assert any(line.startswith("  = 0 working day(s) given back") for line in lines)
    assert "answer due: 2026-03-12 (end of day), 10 calendar days" in lines
    assert lines.index("  2026-03-03 Tue  day 1") + 9 == lines.index("  2026-03-12 Thu  day 10")
    assert any(line.startswith("  THUE Cục Thuế TP HCM: 2026-03-02 09:00 - now, ")
               for line in lines)
    assert lines[-1] == "stored due times: the same to the minute"
    assert _response_due(app, reference) == end_of(date(2026, 3, 12))


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
    # The answer's last day, Thu 12/3, becomes a day off: it moves to Fri 13/3.
    added = runner.invoke(args=["calendar", "add", "2026-03-12", "--day-off",
                                "--note", "Nghỉ bù theo quyết định"])
    assert added.exit_code == 0, added.output
    assert added.output.splitlines() == [
        "2026-03-12 Thu is now an extra day off. Due times recounted: 1 open case(s) changed."]
    assert _response_due(app, reference) == end_of(date(2026, 3, 13))
    listing = runner.invoke(args=["calendar", "list", "--year", "2026"]).output.splitlines()
    assert listing[0].startswith("2026: Monday to Friday, 07:30-11:30 and 13:00-17:00")
    assert "2026-03-12 Thu  day off      extra day off: Nghỉ bù theo quyết định" in listing
    assert "2026-04-30 Thu  day off      public holiday: Ngày Chiến thắng" in listing
    assert listing.index("2026-01-01 Thu  day off      public holiday: Tết Dương lịch") == 1
    # A make-up day on a public holiday overrides it and says so.
    runner.invoke(args=["calendar", "add", "2026-04-30", "--working-day"])
    listing = runner.invoke(args=["calendar", "list", "--year", "2026"]).output.splitlines()
    assert ("2026-04-30 Thu  working day  public holiday: Ngày Chiến thắng; make-up working day"
            in listing)
    removed = runner.invoke(args=["calendar", "remove", "2026-03-12"])
    assert removed.exit_code == 0 and "1 open case(s) changed" in removed.output
    assert _response_due(app, reference) == end_of(date(2026, 3, 12))
    again = runner.invoke(args=["calendar", "remove", "2026-03-12"])
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


def _regime_id(app, kind: str = "phan_anh", priority: str | None = None) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(DeadlineRegime.id).where(
            DeadlineRegime.kind == kind, DeadlineRegime.category_id.is_(None),
            DeadlineRegime.priority.is_(None) if priority is None
            else DeadlineRegime.priority == priority))


def test_regimes_list_set_add_remove(runner, app, reference):
    listing = runner.invoke(args=["regimes", "list"]).output.splitlines()
    base = _regime_id(app)
    assert listing[0] == (f"{base:>3} phan_anh/*/*{' ' * 17}first step 8 working hours; "
                          "answer 10 calendar days; extensions 1 x 5 calendar days")
    assert listing[1].startswith("    Quy chế tiếp nhận")
    result = runner.invoke(args=["regimes", "set", str(base), "--answer", "5", "--answer-unit",
                                 "working_days", "--source", "Quyết định thử"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "phan_anh/*/*: first step 8 working hours; answer 5 working days; extensions 1 x 5 "
        "calendar days. Due times recounted: 1 open case(s) changed."]
    # Five working days after Monday 2 March: Monday 9 March (the pause is under half a day).
    assert _response_due(app, reference) == end_of(date(2026, 3, 9))
    with app.app_context():
        regime = db.session.get(DeadlineRegime, base)
        assert (regime.resolution_amount, regime.legal_source) == (5, "Quyết định thử")
    added = runner.invoke(args=["regimes", "add", "phan_anh", "--category", "thue",
                                "--answer", "3"])
    assert added.exit_code == 0, added.output
    assert added.output.split(": ", 1)[1] == (
        "first step 8 working hours; answer 3 working days; extensions 1 x 5 calendar days. "
        "Due times recounted: 1 open case(s) changed.\n")
    assert _response_due(app, reference) == end_of(date(2026, 3, 5))
    with app.app_context():
        new_id = db.session.scalar(sa.select(DeadlineRegime.id).where(
            DeadlineRegime.category_id.is_not(None)))
    removed = runner.invoke(args=["regimes", "remove", str(new_id)])
    assert removed.exit_code == 0, removed.output
    assert removed.output == ("phan_anh/THUE/* removed. "
                              "Due times recounted: 1 open case(s) changed.\n")
    assert _response_due(app, reference) == end_of(date(2026, 3, 9))


@pytest.mark.parametrize(("args", "message"), [
    (["set", "{base}"], "Give at least one term to change"),
    (["set", "{base}", "--first-step", "0"], "Invalid value for --first-step: Enter a whole "
                                             "number from 1 to 400."),
    (["set", "{base}", "--answer-unit", "weeks"], "Invalid value for --answer-unit"),
    (["set", "{base}", "--extensions", "4"], "Invalid value for --extensions"),
    (["set", "{base}", "--extension-unit", "working_hours"],
     "Invalid value for --extension-unit: An extension is counted in working days or in days."),
    (["set", "999", "--answer", "4"], "Invalid value for ID: no deadline regime has the id 999"),
    (["add", "phan_anh"], "Invalid value for --category: Every kind has its base regime"),
    (["add", "phan_anh", "--priority", "urgent"], "Invalid value for --category: A regime for "
                                                  "this kind, field and priority exists already."),
    (["add", "gop_y", "--priority", "urgent"], "Invalid value for KIND"),
    (["add", "phan_anh", "--category", "NOPE"], "Invalid value for --category"),
    (["add", "phan_anh", "--priority", "soon"], "Invalid value for --priority"),
    (["add", "to_cao", "--priority", "urgent", "--answer", "181"], "Invalid value for --answer"),
    (["remove", "{base}"], "Invalid value for ID: A kind's base regime cannot be removed"),
    (["remove", "999"], "Invalid value for ID"),
])
def test_regimes_refuse_bad_input_in_english(runner, app, world, args, message):
    base = _regime_id(app)
    with app.app_context():
        count = db.session.scalar(sa.select(sa.func.count(DeadlineRegime.id)))
    result = runner.invoke(args=["regimes", *[arg.format(base=base) for arg in args]])
    assert result.exit_code == 2 and message in " ".join(result.output.split())
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(DeadlineRegime.id))) == count
        assert db.session.get(DeadlineRegime, base).resolution_amount == 10
    assert _audit(app, "deadline_regime") == []


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


REGIME_FORM = {"first_step_amount": "8", "first_step_unit": "working_hours",
               "resolution_amount": "10", "resolution_unit": "calendar_days",
               "max_extensions": "1", "extension_amount": "5", "extension_unit": "calendar_days",
               "legal_source": "Quy chế"}
OPTION = {"first_step_amount": "--first-step", "first_step_unit": "--first-step-unit",
          "resolution_amount": "--answer", "resolution_unit": "--answer-unit",
          "max_extensions": "--extensions", "extension_amount": "--extension",
          "extension_unit": "--extension-unit", "legal_source": "--source"}


@pytest.mark.parametrize(("changes", "field"), [
    ({"first_step_amount": "401"}, "first_step_amount"),
    ({"resolution_amount": "121", "resolution_unit": "working_days"}, "resolution_amount"),
    ({"resolution_amount": "0"}, "resolution_amount"),
    ({"first_step_unit": "weeks"}, "first_step_unit"),
    ({"max_extensions": "4"}, "max_extensions"),
    ({"extension_unit": "working_hours"}, "extension_unit"),
    ({"legal_source": "x" * 401}, "legal_source"),
])
def test_command_line_and_console_refuse_the_same_regime_changes(runner, app, console, changes,
                                                                 field):
    regime_id = _regime_id(app)
    options = [arg for name, value in changes.items() for arg in (OPTION[name], value)]
    result = runner.invoke(args=["regimes", "set", str(regime_id), *options])
    assert result.exit_code == 2
    assert f"Invalid value for {OPTION[field]}" in result.output
    prefix = f"regime{regime_id}"
    form = {f"{prefix}-{name}": value for name, value in {**REGIME_FORM, **changes}.items()}
    response = console.post(f"/admin/regimes/{regime_id}", form)
    assert response.status_code == 422
    assert f'id="{prefix}-{field}-error"' in response.get_data(as_text=True)
    with app.app_context():
        regime = db.session.get(DeadlineRegime, regime_id)
        assert (regime.first_step_amount, regime.resolution_amount, regime.max_extensions) == (
            8, 10, 1)
    assert _audit(app, "deadline_regime") == []


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
    regime_id = _regime_id(app)
    result = runner.invoke(args=["regimes", "set", str(regime_id), "--answer", "5"])
    assert result.exit_code == 0, result.output
    assert _audit(app, "deadline_regime") == [
        ("update", None, "command line", {"resolution_amount": 10}, {"resolution_amount": 5})]
    # Nothing changed: nothing recounted, nothing written.
    same = runner.invoke(args=["regimes", "set", str(regime_id), "--answer", "5"])
    assert "Due times recounted: 0 open case(s) changed." in same.output
    assert len(_audit(app, "deadline_regime")) == 1
    runner.invoke(args=["regimes", "add", "hoi_dap", "--priority", "urgent"])
    created = _audit(app, "deadline_regime")[-1]
    assert created[:4] == ("create", None, "command line", None)
    assert created[4]["kind"] == "hoi_dap" and created[4]["first_step_amount"] == 8
    runner.invoke(args=["calendar", "add", "2026-03-11", "--day-off", "--note", "Nghỉ bù"])
    runner.invoke(args=["calendar", "remove", "2026-03-11"])
    made = {"day": "2026-03-11", "kind": "day_off", "note": "Nghỉ bù"}
    assert _audit(app, "calendar_day") == [("create", None, "command line", None, made),
                                           ("delete", None, "command line", made, None)]
