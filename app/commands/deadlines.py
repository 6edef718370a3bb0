"""Flask commands for deadlines: `flask sla ...`, `flask calendar ...`, `flask policies ...`.

Times are read and printed in Asia/Ho_Chi_Minh as "YYYY-MM-DD HH:MM". Calendar and
policy changes follow the same rules as the admin console (app.deadlines.settings) and
are audited as made on the command line.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from typing import NoReturn

import click
from flask.cli import AppGroup
from flask_babel import force_locale

from app.cases import queries
from app.core.errors import InvalidInput
from app.core.timeutil import utcnow
from app.deadlines import settings
from app.deadlines.calendar import LOCAL_TZ, MINUTES_PER_WORKING_DAY
from app.deadlines.explanation import DueExplanation, explain_case, explain_due
from app.deadlines.sla import load_calendar
from app.extensions import db

sla_cli = AppGroup("sla", help="Deadlines in working time: count, explain, enforce.")
calendar_cli = AppGroup("calendar", help="Extra days off and make-up working days.")
policies_cli = AppGroup("policies", help="Deadline policies (targets per priority).")

TIME_FORMAT = "%Y-%m-%d %H:%M"


def _local(moment: datetime | None) -> str:
    return moment.astimezone(LOCAL_TZ).strftime(TIME_FORMAT) if moment else "now"


def _day(day: date) -> str:
    return day.strftime("%Y-%m-%d %a")


def _clock(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%H:%M")


def _echo_periods(explanation: DueExplanation) -> None:
    click.echo("working periods counted:")
    for period in explanation.periods:
        local_day = period.start.astimezone(LOCAL_TZ).date()
        mark = "  (paused: awaiting the citizen)" if period.paused else ""
        click.echo(f"  {_day(local_day)} {_clock(period.start)}-{_clock(period.end)}"
                   f"  {period.minutes:>3} min{mark}")
    click.echo(f"  total {sum(p.minutes for p in explanation.periods)} min")
    notes = _day_notes(explanation)
    if notes:
        click.echo("days that are not plain weekdays:")
        for line in notes:
            click.echo(f"  {line}")


def _day_notes(explanation: DueExplanation) -> list[str]:
    reasons = settings.day_reasons([note.day for note in explanation.notes], "vi")
    labels = {settings.DAY_OFF: "extra day off",
              settings.WORKING_DAY: "make-up working day", "holiday": "public holiday"}
    lines = []
    for note in explanation.notes:
        kind, text = reasons[note.day]
        why = labels.get(kind, "outside the usual calendar") + (f": {text}" if text else "")
        lines.append(f"{_day(note.day)}  {'worked' if note.worked else 'not worked'} ({why})")
    return lines


@sla_cli.command("due")
@click.option("--from", "start", required=True, metavar='"YYYY-MM-DD HH:MM"',
              help="Start, in Asia/Ho_Chi_Minh time.")
@click.option("--hours", type=click.IntRange(min=0), help="Working hours to add.")
@click.option("--days", type=click.IntRange(min=0),
              help=f"Working days to add ({MINUTES_PER_WORKING_DAY // 60} working hours each).")
def due_command(start: str, hours: int | None, days: int | None) -> None:
    """Print the due time N working hours or days after --from, and how it was counted."""
    if (hours is None) == (days is None):
        raise click.UsageError("Give either --hours or --days.")
    try:
        origin = datetime.strptime(start.strip(), TIME_FORMAT).replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise click.BadParameter('use "YYYY-MM-DD HH:MM"', param_hint="--from") from None
    minutes = hours * 60 if hours is not None else days * MINUTES_PER_WORKING_DAY
    try:
        explanation = explain_due(load_calendar(), origin, minutes)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"due: {_local(explanation.due)}")
    click.echo(f"from: {_local(origin)} + {minutes} working minutes")
    _echo_periods(explanation)


@sla_cli.command("explain")
@click.argument("reference")
def explain_command(reference: str) -> None:
    """Recount a case's due times from the calendar and show every step."""
    case = queries.case_by_reference(reference.strip())
    if case is None:
        raise click.ClickException(f"No case has the reference {reference}.")
    now = utcnow()
    found = explain_case(case, load_calendar(), now)
    response = found.response
    click.echo(f"due: {_local(response.due)}")
    click.echo(f"case: {case.reference}, status {case.status}, priority {case.priority}")
    click.echo(f"received: {_local(case.received_at)}")
    click.echo(f"policy: {found.policy.code} ({found.policy.name}): acknowledge within "
               f"{found.ack_hours} working hours, answer within {found.response_days} "
               f"working days ({case.priority} priority)")
    ack = found.acknowledgment
    click.echo(f"acknowledgment due: {_local(ack.due)} = received + {ack.minutes} working minutes")
    _echo_periods(ack)
    started = "receipt" if case.clock_started_at == case.received_at else "reopened"
    click.echo(f"response clock started: {_local(case.clock_started_at)} ({started})")
    click.echo("pauses (awaiting the citizen):" if found.pauses else "pauses: none")
    for pause in found.pauses:
        if pause.end is None:
            click.echo(f"  {_local(pause.start)} - still awaiting, {pause.minutes} min so far "
                       "(the due time moves when the case resumes)")
        else:
            click.echo(f"  {_local(pause.start)} - {_local(pause.end)}  {pause.minutes} min")
    click.echo(f"response due: {_local(response.due)} = clock start + "
               f"{response.minutes - found.paused_minutes} + {found.paused_minutes} paused "
               f"= {response.minutes} working minutes")
    _echo_periods(response)
    click.echo("units that held the case:")
    for span in found.holding:
        unit = f"{span.unit.code} {span.unit.name}" if span.unit else "(triage)"
        click.echo(f"  {unit}: {_local(span.start)} - {_local(span.end)}, "
                   f"{span.working_minutes} working min")
    if found.matches_stored:
        click.echo("stored due times: the same to the minute")
    else:
        click.echo(f"stored due times differ: acknowledgment {_local(case.ack_due_at)}, "
                   f"response {_local(case.response_due_at)} (recount with "
                   "`flask calendar` or `flask policies` changes)")


@sla_cli.command("sweep")
def sweep_command() -> None:
    """Run every periodic job once, here and now (reminders, escalations, auto-close, outbox)."""
    from app.jobs.periodic import run_all_once

    failures = 0
    for path, outcome in run_all_once():
        if isinstance(outcome, Exception):
            failures += 1
            click.echo(f"{path}: failed: {outcome}")
        else:
            click.echo(f"{path}: {outcome}")
    if failures:
        raise click.ClickException(f"{failures} periodic job(s) failed.")


def _refuse(err: InvalidInput, param_hint: str) -> NoReturn:
    """Undo the change and report the refusal (in English) against the option at fault."""
    db.session.rollback()
    with force_locale("en"):
        raise click.BadParameter(str(err.message), param_hint=param_hint) from None


def _parse_day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter("use YYYY-MM-DD", param_hint="DAY") from None


@calendar_cli.command("add")
@click.argument("day")
@click.option("--day-off", "kind", flag_value=settings.DAY_OFF, help="An extra day off.")
@click.option("--working-day", "kind", flag_value=settings.WORKING_DAY,
              help="A make-up working day (often a Saturday).")
@click.option("--note", default="", help="Why, e.g. the decision that set it.")
def calendar_add_command(day: str, kind: str | None, note: str) -> None:
    """Make DAY (YYYY-MM-DD) an extra day off or a make-up working day.

    A day that already has one is refused: remove it first.
    """
    when = _parse_day(day)
    if kind is None:
        raise click.UsageError("Give --day-off or --working-day.")
    try:
        recounted = settings.add_day(when, kind, note, None, utcnow())
    except InvalidInput as err:
        _refuse(err, "DAY" if err.field == "day" else f"--{err.field}")
    db.session.commit()
    what = "an extra day off" if kind == settings.DAY_OFF else "a make-up working day"
    click.echo(f"{_day(when)} is now {what}. "
               f"Due times recounted: {recounted} open case(s) changed.")


@calendar_cli.command("remove")
@click.argument("day")
def calendar_remove_command(day: str) -> None:
    """Remove the exception on DAY; it follows the usual rules again."""
    when = _parse_day(day)
    entry = settings.exception_on(when)
    if entry is None:
        raise click.ClickException(f"{when.isoformat()} has no day off or make-up day to remove.")
    recounted = settings.remove_day(entry, None, utcnow())
    db.session.commit()
    click.echo(f"{_day(when)} follows the usual calendar again. "
               f"Due times recounted: {recounted} open case(s) changed.")


@calendar_cli.command("list")
@click.option("--year", type=click.IntRange(1990, 2100), help="Default: this year.")
def calendar_list_command(year: int | None) -> None:
    """Public holidays (from the `holidays` package) and the exceptions of a year."""
    year = year or utcnow().astimezone(LOCAL_TZ).year
    click.echo(f"{year}: Monday to Friday, 07:30-11:30 and 13:00-17:00 (Asia/Ho_Chi_Minh), except:")
    for entry in settings.year_entries(year):
        status = "working day" if entry.working else "day off"
        sources = []
        if entry.holiday:
            sources.append(f"public holiday: {entry.holiday}")
        if entry.exception == settings.DAY_OFF:
            sources.append("extra day off" + (f": {entry.note}" if entry.note else ""))
        elif entry.exception == settings.WORKING_DAY:
            sources.append("make-up working day" + (f": {entry.note}" if entry.note else ""))
        click.echo(f"{_day(entry.day)}  {status:<11}  {'; '.join(sources)}")


@policies_cli.command("list")
def policies_list_command() -> None:
    """Every deadline policy: acknowledgment hours and answer days, normal and urgent."""
    click.echo(f"{'code':<12} {'ack h':>5} {'days':>4} {'urgent ack h':>12} "
               f"{'urgent days':>11}  name; categories")
    for row in settings.list_policies():
        p = row.policy
        click.echo(f"{p.code:<12} {p.ack_hours:>5} {p.response_days:>4} "
                   f"{p.urgent_ack_hours:>12} {p.urgent_response_days:>11}  "
                   f"{p.name}; {', '.join(row.categories) or '-'}")


@policies_cli.command("set")
@click.argument("code")
@click.option("--name", help="A new name for the policy.")
@click.option("--ack-hours", type=int, help="Working hours to acknowledge a normal case.")
@click.option("--response-days", type=int, help="Working days to answer a normal case.")
@click.option("--urgent-ack-hours", type=int, help="Working hours to acknowledge an urgent case.")
@click.option("--urgent-response-days", type=int, help="Working days to answer an urgent case.")
def policies_set_command(code: str, **targets) -> None:
    """Change the targets of policy CODE and recount the due times of its open cases.

    Only the targets given change; the result must still be a valid policy (urgent
    never slower than normal).
    """
    given = {field: value for field, value in targets.items() if value is not None}
    if not given:
        raise click.UsageError("Give at least one target or --name to change.")
    try:
        policy = settings.policy_by_code(code)
        recounted = settings.update_policy(policy, replace(settings.targets_of(policy), **given),
                                           None, utcnow())
    except InvalidInput as err:
        _refuse(err, "CODE" if err.field == "code" else f"--{err.field.replace('_', '-')}")
    db.session.commit()
    click.echo(f"{policy.code}: acknowledge within {policy.ack_hours} h "
               f"({policy.urgent_ack_hours} h urgent), answer within {policy.response_days} days "
               f"({policy.urgent_response_days} days urgent). "
               f"Due times recounted: {recounted} open case(s) changed.")
