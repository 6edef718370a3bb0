"""/scorecards for unit heads and the committee, and /transparency for the public."""
from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.cases import access
from app.core.timeutil import to_local, utcnow
from app.extensions import db
from app.models import Unit
from app.scoring import metrics, scorecards, snapshots
from app.web.committee.scorecards.blueprint import bp
from app.web.htmx import render_page_or_partial
from app.web.input import DATABASE_INT_MAX

TRANSPARENCY_MIN_CASES = 5


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() and int(value) <= DATABASE_INT_MAX else None


def _require_viewer() -> None:
    if not access.may_view_scorecards(current_user):
        abort(403)


@bp.get("/scorecards")
@login_required
def index():
    """Units ranked by their campaign score, with every component and a trend line."""
    _require_viewer()
    card = scorecards.scorecard(current_user, utcnow(), _int_arg("campaign"),
                                request.args.get("period"), _int_arg("unit"))
    context = {"card": card, "period_label": lambda key: scorecards.period_label(key, _)}
    return render_page_or_partial("scorecards/index.html", "scorecards/_table.html", **context)


@bp.get("/scorecards/units/<code>")
@login_required
def unit(code: str):
    """One unit's scorecard: how its score is made, monthly charts and its late cases."""
    _require_viewer()
    now = utcnow()
    unit = db.session.scalar(db.select(Unit).where(Unit.code == code))
    if unit is None:
        abort(404)
    card = scorecards.scorecard(current_user, now, _int_arg("campaign"), request.args.get("period"))
    if not access.may_view_unit_scorecard(current_user, unit, card.units):
        abort(403)
    row = next((r for r in card.rows if r.unit_id == unit.id), None)
    late = scorecards.late_cases(unit, row.period_start, row.period_end, now) if row else []
    kinds = metrics.by_kind(unit.id, row.period_start, row.period_end, now) if row else []
    return render_template(
        "scorecards/unit.html", card=card, unit=unit, row=row, late=late, kinds=kinds,
        series=card.series.get(unit.id, []),
        period_label=lambda key: scorecards.period_label(key, _),
    )


@bp.get("/transparency")
def transparency():
    """Public per-unit figures of the current year: aggregates only, small units hidden."""
    year = to_local(utcnow()).year
    key = str(year)
    as_of = snapshots.latest_as_of(None, key)
    rows = snapshots.snapshot_rows(None, key, as_of) if as_of else []
    shown = sorted((r for r in rows if r.received >= TRANSPARENCY_MIN_CASES),
                   key=lambda r: r.unit.name)
    hidden = sum(1 for r in rows if 0 < r.received < TRANSPARENCY_MIN_CASES)
    return render_template("scorecards/transparency.html", year=year, rows=shown, as_of=as_of,
                           hidden=hidden, minimum=TRANSPARENCY_MIN_CASES)
