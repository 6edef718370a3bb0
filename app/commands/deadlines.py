"""Flask commands for deadlines: `flask sla ...`, `flask calendar ...`, `flask regimes ...`.

Times are read and printed in Asia/Ho_Chi_Minh as "YYYY-MM-DD HH:MM". Calendar and
regime changes follow the same rules as the admin console (app.deadlines.settings) and
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
from app.deadlines.calendar import LOCAL_TZ
from app.deadlines.explanation import DueExplanation, Step, explain_amount, explain_case
from app.deadlines.sla import load_calendar, recompute_due_times
from app.extensions import db
from app.models import CountUnit, DeadlineRegime

sla_cli = AppGroup("sla", help="Deadlines in working time: count, explain, enforce.")
calendar_cli = AppGroup("calendar", help="Extra days off and make-up working days.")
regimes_cli = AppGroup("regimes", help="Deadline regimes per kind of case (and field, priority).")

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
    _echo_day_notes(explanation)


def _echo_day_notes(explanation: DueExplanation) -> None:
    """The days on the way that are not plain weekdays, and why."""
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
              help="The event (receipt, acceptance), in Asia/Ho_Chi_Minh time.")
@click.option("--hours", type=click.IntRange(min=0), help="Working hours to add.")
@click.option("--days", type=click.IntRange(min=0),
              help="Working days to count (the day of the event is not counted).")
@click.option("--calendar-days", type=click.IntRange(min=0),
              help="Calendar days to count (a last day off moves to the next working day).")
def due_command(start: str, hours: int | None, days: int | None,
                calendar_days: int | None) -> None:
    """Print the deadline N working hours, working days or calendar days after --from.

    A count of days prints the last day ("due: YYYY-MM-DD"), met by an action on or before
    it; a count of hours prints the minute ("due: YYYY-MM-DD HH:MM").
    """
    given = [(amount, unit) for amount, unit in ((hours, CountUnit.WORKING_HOURS),
                                                 (days, CountUnit.WORKING_DAYS),
                                                 (calendar_days, CountUnit.CALENDAR_DAYS))
             if amount is not None]
    if len(given) != 1:
        raise click.UsageError("Give one of --hours, --days or --calendar-days.")
    (amount, unit), = given
    try:
        origin = datetime.strptime(start.strip(), TIME_FORMAT).replace(tzinfo=LOCAL_TZ)
    except ValueError:
        raise click.BadParameter('use "YYYY-MM-DD HH:MM"', param_hint="--from") from None
    try:
        explanation = explain_amount(load_calendar(), origin, amount, unit)
    except ValueError as exc:
        raise click.ClickException(str(exc)) from None
    if explanation.by_date:
        click.echo(f"due: {explanation.last_day.isoformat()}")
        click.echo(f"from: {_local(origin)} + {amount} {unit.replace('_', ' ')} "
                   "(the day of the event is not counted; met by the end of the last day)")
        _echo_days(explanation)
    else:
        click.echo(f"due: {_local(explanation.due)}")
        click.echo(f"from: {_local(origin)} + {explanation.minutes} working minutes")
        _echo_periods(explanation)


def _echo_days(explanation: DueExplanation) -> None:
    """The dates counted, one a line, with why each is there."""
    what = {Step.COUNTED: "day {n}", Step.SKIPPED: "not counted (no office hours)",
            Step.MOVED: "last day was a day off: moved on", Step.PAUSED: "given back for a pause",
            Step.EXTENDED: "extension day {n}"}
    click.echo("days counted:")
    for counted in explanation.days:
        label = what[counted.step].format(n=counted.number)
        click.echo(f"  {_day(counted.day)}  {label}")
    click.echo(f"  last day {_day(explanation.last_day)}")
    _echo_day_notes(explanation)


def _echo_due(title: str, explanation: DueExplanation) -> None:
    if explanation.by_date:
        click.echo(f"{title}: {explanation.last_day.isoformat()} (end of day), "
                   f"{explanation.amount} {explanation.unit.replace('_', ' ')}")
        _echo_days(explanation)
    else:
        click.echo(f"{title}: {_local(explanation.due)} = start + {explanation.minutes} "
                   "working minutes")
        _echo_periods(explanation)


@sla_cli.command("explain")
@click.argument("reference")
def explain_command(reference: str) -> None:
    """Recount a case's due times under its regime and show every step, day by day."""
    case = queries.case_by_reference(reference.strip())
    if case is None:
        raise click.ClickException(f"No case has the reference {reference}.")
    now = utcnow()
    found = explain_case(case, load_calendar(), now)
    response, regime = found.response, found.regime
    click.echo(f"due: {response.last_day.isoformat() if response.by_date else _local(response.due)}")
    click.echo(f"case: {case.reference}, kind {case.kind}, status {case.status}, "
               f"priority {case.priority}")
    click.echo(f"received: {_local(case.received_at)}")
    scope = "/".join([regime.kind, regime.category.code if regime.category else "any field",
                      regime.priority or "any priority"])
    click.echo(f"regime: {scope}; source: {regime.legal_source or '-'}")
    _echo_due("first step due", found.acknowledgment)
    started = {case.received_at: "receipt"}.get(found.response_start, "acceptance or reopening")
    click.echo(f"answer counted from: {_local(found.response_start)} ({started})")
    click.echo("pauses (awaiting the citizen):" if found.pauses else "pauses: none")
    for pause in found.pauses:
        if pause.end is None:
            click.echo(f"  {_local(pause.start)} - still awaiting, {pause.minutes} min so far "
                       "(the due time moves when the case resumes)")
        else:
            click.echo(f"  {_local(pause.start)} - {_local(pause.end)}  {pause.minutes} min")
    if found.pauses and found.response.by_date:
        click.echo(f"  = {found.paused_days} working day(s) given back (whole days: half a "
                   "working day or more counts as one)")
    if case.extension_days:
        click.echo(f"extensions approved: {case.extensions_used}, "
                   f"{case.extension_days} {regime.extension_unit.replace('_', ' ')}")
    _echo_due("answer due", response)
    click.echo("units that held the case:")
    for span in found.holding:
        unit = f"{span.unit.code} {span.unit.name}" if span.unit else "(triage)"
        click.echo(f"  {unit}: {_local(span.start)} - {_local(span.end)}, "
                   f"{span.working_minutes} working min")
    if found.matches_stored:
        click.echo("stored due times: the same to the minute")
    else:
        click.echo(f"stored due times differ: first step {_local(case.ack_due_at)}, "
                   f"answer {_local(case.response_due_at)} (recount with `flask sla recompute`)")


@sla_cli.command("recompute")
def recompute_command() -> None:
    """Count the due times of every open case again under today's regimes and calendar."""
    changed = recompute_due_times()
    db.session.commit()
    click.echo(f"Due times recounted: {changed} open case(s) changed.")


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


def _unit_label(amount: int, unit: str) -> str:
    return f"{amount} {unit.replace('_', ' ')}"


def _terms_line(regime) -> str:
    """A regime's terms on one line, as `list`, `set` and `add` print them."""
    counted = " from the first step" if regime.resolution_from_first_step else ""
    extensions = (f"{regime.max_extensions} x {_unit_label(regime.extension_amount, regime.extension_unit)}"
                  if regime.max_extensions else "none")
    return (f"first step {_unit_label(regime.first_step_amount, regime.first_step_unit)}; "
            f"answer {_unit_label(regime.resolution_amount, regime.resolution_unit)}{counted}; "
            f"extensions {extensions}")


@regimes_cli.command("list")
def regimes_list_command() -> None:
    """Every deadline regime: kind, field, priority, first step, answer, extensions, source."""
    for regime in settings.list_regimes():
        click.echo(f"{regime.id:>3} {settings.regime_label(regime):<28} {_terms_line(regime)}")
        if regime.legal_source:
            click.echo(f"    {regime.legal_source}")


# Where each term of a regime is given on the command line, to name it in a refusal.
REGIME_OPTIONS = {
    "first_step_amount": "--first-step", "first_step_unit": "--first-step-unit",
    "resolution_amount": "--answer", "resolution_unit": "--answer-unit",
    "resolution_from_first_step": "--from-acceptance", "max_extensions": "--extensions",
    "extension_amount": "--extension", "extension_unit": "--extension-unit",
    "legal_source": "--source", "kind": "KIND", "category_id": "--category",
    "priority": "--priority", "regime": "ID",
}
UNITS = "working_hours, working_days or calendar_days"


def terms_options(command):
    """The options that change a regime's terms (shared by `set` and `add`)."""
    options = [
        click.option("--first-step", "first_step_amount", type=int, help="The first step's amount."),
        click.option("--first-step-unit", help=f"How the first step is counted: {UNITS}."),
        click.option("--answer", "resolution_amount", type=int, help="The answer's amount."),
        click.option("--answer-unit", "resolution_unit", help=f"How the answer is counted: {UNITS}."),
        click.option("--from-acceptance/--from-receipt", "resolution_from_first_step", default=None,
                     help="Count the answer from the first step (acceptance) or from receipt."),
        click.option("--extensions", "max_extensions", type=int,
                     help="How many extensions may be granted (0 to 3)."),
        click.option("--extension", "extension_amount", type=int,
                     help="How long each extension may be at most."),
        click.option("--extension-unit", help="How an extension is counted: working_days or "
                                              "calendar_days."),
        click.option("--source", "legal_source", help="Where the rule comes from (law, article)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def _with_changes(terms: settings.Terms, changes: dict) -> settings.Terms:
    given = {name: value for name, value in changes.items() if value is not None}
    return replace(terms, **given)


def _refuse_regime(err: InvalidInput) -> NoReturn:
    _refuse(err, REGIME_OPTIONS.get(err.field, "ID"))


def _regime(regime_id: int) -> DeadlineRegime:
    regime = db.session.get(DeadlineRegime, regime_id)
    if regime is None:
        raise click.BadParameter(f"no deadline regime has the id {regime_id} "
                                 "(see `flask regimes list`)", param_hint="ID")
    return regime


def _recounted(count: int) -> str:
    return f"Due times recounted: {count} open case(s) changed."


@regimes_cli.command("set")
@click.argument("regime_id", metavar="ID", type=int)
@terms_options
def regimes_set_command(regime_id: int, **changes) -> None:
    """Change the terms of regime ID (see `flask regimes list`); the others stay as they are."""
    regime = _regime(regime_id)
    if all(value is None for value in changes.values()):
        raise click.UsageError("Give at least one term to change.")
    try:
        recounted = settings.update_regime(regime, _with_changes(settings.terms_of(regime), changes),
                                           None, utcnow())
    except InvalidInput as err:
        _refuse_regime(err)
    db.session.commit()
    click.echo(f"{settings.regime_label(regime)}: {_terms_line(regime)}. {_recounted(recounted)}")


@regimes_cli.command("add")
@click.argument("kind")
@click.option("--category", "category_code", metavar="CODE", help="Limit it to one field (category).")
@click.option("--priority", help="Limit it to one priority: normal or urgent.")
@terms_options
def regimes_add_command(kind: str, category_code: str | None, priority: str | None,
                        **changes) -> None:
    """Add a regime for KIND and a field, a priority or both; unset terms are the kind's base ones."""
    try:
        category_id = settings.category_by_code(category_code).id if category_code else None
        base = settings.base_regime(kind)
        regime, recounted = settings.create_regime(
            kind, category_id, priority, _with_changes(settings.terms_of(base), changes), None,
            utcnow())
    except InvalidInput as err:
        _refuse_regime(err)
    db.session.commit()
    click.echo(f"{regime.id:>3} {settings.regime_label(regime)}: {_terms_line(regime)}. "
               f"{_recounted(recounted)}")


@regimes_cli.command("remove")
@click.argument("regime_id", metavar="ID", type=int)
def regimes_remove_command(regime_id: int) -> None:
    """Remove regime ID (a kind's base regime stays: change it with `set`)."""
    regime = _regime(regime_id)
    label = settings.regime_label(regime)
    try:
        recounted = settings.delete_regime(regime, None, utcnow())
    except InvalidInput as err:
        _refuse_regime(err)
    db.session.commit()
    click.echo(f"{label} removed. {_recounted(recounted)}")
